/* start.h - session1 --start fork|spawn: two ways to start p1, and what the
 * child sees of main's memory in each. docs/session1.md, "What Python users
 * run into".
 */
#ifndef SESSION1_START_H
#define SESSION1_START_H

#include "options.h"

#include <stddef.h>

/* The lesson's square_list and print_result, which this lab runs. */
typedef void (*s1_target)(const long *mylist, size_t len);
typedef void (*s1_printer)(const char *who);

/* Runs the tutorial's program with p1 started as opt->start says, printing
 * the global `configured` beside each Result line; or, with --child, is p1
 * itself after the exec of --start spawn. Returns main's exit status; a
 * failure is reported and ends the program (die, fail_child). */
int s1_lab_start(const struct s1_options *opt, s1_target square_list,
                 s1_printer print_result);

#endif
