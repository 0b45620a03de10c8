/* options.h - session6's command line: its table of options (the shared
 * rows of bank.h and its own), --help, and the lab each mode runs.
 */
#ifndef SESSION6_OPTIONS_H
#define SESSION6_OPTIONS_H

#include "bank.h"

/* Fills o from argv. --help: prints the usage, exit 0. Bad usage: one line,
 * exit 2. Sets o->lab when an option asks for a lab instead of the trials. */
void parse_options(int argc, char *argv[], struct bank_options *o);

/* The labs: --schedule STEPS (schedule.c) and --value-lock (value_lock.c);
 * --explore N is explore.h's lab_explore, which session7 shares. */
int lab_schedule(struct bank_options *o);
int lab_value_lock(struct bank_options *o);

/* Python's synchronized Value's lock: a process-shared semaphore in shared
 * memory, taken around each read and each write separately (whole_update
 * 0). Returns 0, or -1 with errno. */
int value_lock_new(struct bank_lock *lock);
void value_lock_free(struct bank_lock *lock);

#endif
