/* explore.c - session7 --explore N: the schedules of the two processes
 * counted with the lock, where a read waits while the other process is
 * between its read and its write: every update stays whole, and every
 * schedule ends at the start balance. docs/session7.md explains it.
 */
#include "options.h"

#include "die.h"
#include "explore.h"

#include <stdio.h>

int s7_lab_explore(struct bank_options *o)
{
    struct explore_result r;

    if (explore_count(o->explore, 1, &r) == -1)
        die("--explore");
    explore_print(stdout, &r, o->balance, o->csv);
    explore_free(&r);
    bank_end(o);
    return 0;
}
