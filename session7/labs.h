/* labs.h - session7's labs, each chosen by an option (options.c) instead
 * of the trials; docs/session7.md shows them under "Going further".
 */
#ifndef SESSION7_LABS_H
#define SESSION7_LABS_H

#include "bank.h"

/* The labs: --schedule STEPS (schedule.c), --kill-holder (kill_holder.c)
 * and --deadlock [--ordered] (deadlock.c); --explore N is session6's
 * lab_explore_locked (explore.h). */
int lab_schedule(struct options *o);
int lab_kill_holder(struct options *o);
int lab_deadlock(struct options *o);

#endif
