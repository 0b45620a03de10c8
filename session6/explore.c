/* explore.c - session6 --explore N: how many of all the schedules of the
 * two processes end at each final balance, with no lock (any step may follow
 * any other). docs/session6.md explains it.
 */
#include "options.h"

#include "die.h"
#include "explore.h"

#include <errno.h>
#include <stdio.h>

int s6_lab_explore(struct bank_options *o)
{
    if (explore_run(stdout, o->explore, 0, o->balance, o->csv) == -1) {
        if (errno == ENOSYS)
            fail("--explore counts with GMP, and this program was built without it; "
                 "install libgmp-dev, then make");
        die("--explore");
    }
    bank_end(o);
    return 0;
}
