/* explore.c - session6 --explore N: how many of all the schedules of the
 * two processes end at each final balance, with no lock (any step may follow
 * any other). docs/session6.md explains it.
 */
#include "options.h"

#include "die.h"
#include "explore.h"

#include <stdio.h>

int s6_lab_explore(struct bank_options *o)
{
    struct explore_result r;

    if (explore_count(o->explore, 0, &r) == -1)
        die("--explore");
    explore_print(stdout, &r, o->balance, o->csv);
    explore_free(&r);
    bank_end(o);
    return 0;
}
