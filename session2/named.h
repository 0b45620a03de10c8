/* named.h - session2 --named: the Array and the Value in named POSIX shared
 * memory (shm_open), unlinked at once so that nothing can be left in
 * /dev/shm. docs/session2.md, "What Python users run into".
 */
#ifndef SESSION2_NAMED_H
#define SESSION2_NAMED_H

#include "options.h"
#include "typecode.h"

/* The lesson's square_list and print_results, which this lab runs. */
typedef void (*s2_target)(const long *mylist, struct s2_shared *result,
                          struct s2_shared *square_sum);
typedef void (*s2_printer)(const char *who, const struct s2_shared *result,
                           const struct s2_shared *square_sum);

/* Runs the tutorial's program with both objects in one named segment and
 * prints its name, from main and from p1. Returns main's exit status; a
 * failure is reported and ends the program (die, fail_child). */
int s2_lab_named(const struct s2_options *opt, s2_target square_list,
                 s2_printer print_results);

#endif
