/* start.h - session1 --start fork|spawn: two ways to start p1, and what the
 * child sees of main's memory in each. docs/session1.md, "What Python users
 * run into".
 */
#ifndef SESSION1_START_H
#define SESSION1_START_H

#include "options.h"

#include <stddef.h>

/* The lesson's square_list and print_result, which this lab runs. */
typedef void (*target_fn)(const long *mylist, size_t len);
typedef void (*printer_fn)(const char *who);

/* Runs the tutorial's program with p1 started as opt->start says, printing
 * the global `configured` beside each Result line; or, with --child, is p1
 * itself after the exec of --start spawn. Returns main's exit status; a
 * failure is reported and ends the program (die, fail_child). */
int lab_start(const struct options *opt, target_fn square_list,
              printer_fn print_result);

#endif
