/* named.h - session2 --named: the Array and the Value in named POSIX shared
 * memory (shm_open), unlinked at once so that nothing can be left in
 * /dev/shm. docs/session2.md, "What Python users run into".
 */
#ifndef SESSION2_NAMED_H
#define SESSION2_NAMED_H

#include "options.h"
#include "typecode.h"

/* The lesson's square_list and print_results, which this lab runs. */
typedef void (*target_fn)(const long *mylist, struct shared *result,
                          struct shared *square_sum);
typedef void (*printer_fn)(const char *who, const struct shared *result,
                           const struct shared *square_sum);

/* Runs the tutorial's program with both objects in one named segment and
 * prints its name, from main and from p1. Returns main's exit status; a
 * failure is reported and ends the program (die, fail_child). */
int lab_named(const struct options *opt, target_fn square_list,
              printer_fn print_results);

#endif
