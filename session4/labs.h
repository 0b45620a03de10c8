/* labs.h - session4's labs, each chosen by an option (options.c) instead
 * of the tutorial's run; docs/session4.md shows them under "Going further".
 */
#ifndef SESSION4_LABS_H
#define SESSION4_LABS_H

#include "options.h"

/* The labs: each returns main's exit status. */
int lab_many(const struct options *o);                    /* many.c */
int lab_concurrent(const struct options *o);              /* concurrent.c */
int lab_join_before_drain(const struct options *o);       /* join_before_drain.c */

#endif
