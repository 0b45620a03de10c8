/* labs.h - session6's labs, each chosen by an option (options.c) instead
 * of the trials; docs/session6.md shows them under "Going further".
 */
#ifndef SESSION6_LABS_H
#define SESSION6_LABS_H

#include "bank.h"

/* The labs: --schedule STEPS (schedule.c) and --value-lock (value_lock.c);
 * --explore N is explore.h's lab_explore, which session7 shares. */
int lab_schedule(struct options *o);
int lab_value_lock(struct options *o);

/* Python's synchronized Value's lock: a process-shared semaphore in shared
 * memory, taken around each read and each write separately (whole_update
 * 0). Returns 0, or -1 with errno. */
int value_lock_new(struct bank_lock *lock);
void value_lock_free(struct bank_lock *lock);

#endif
