/* explore.c - --explore N of session6 and session7: how many of all the
 * schedules of the two processes end at each final balance. session6 counts
 * them with no lock (any step may follow any other); session7, which links
 * this file, with the lock (a read waits while the other process is between
 * its read and its write, so every update stays whole and every schedule
 * ends at the start balance). docs/session6.md and docs/session7.md explain it.
 */
#include "explore.h"

#include "bank.h"
#include "die.h"

#include <errno.h>
#include <stdio.h>

static int explore(struct options *o, int locked)
{
    if (explore_run(stdout, o->explore, locked, o->balance, o->csv) == -1) {
        if (errno == ENOSYS)
            fail("--explore counts with GMP, and this program was built without it; "
                 "install libgmp-dev, then make");
        die("--explore");
    }
    bank_end(o);
    return 0;
}

int lab_explore(struct options *o)
{
    return explore(o, 0);
}

int lab_explore_locked(struct options *o)
{
    return explore(o, 1);
}
