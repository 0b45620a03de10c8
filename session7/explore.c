/* explore.c - session7 --explore N: the schedules of the two processes
 * counted with the lock, where a read waits while the other process is
 * between its read and its write: every update stays whole, and every
 * schedule ends at the start balance. docs/session7.md explains it.
 */
#include "options.h"

#include "die.h"
#include "explore.h"

#include <errno.h>
#include <stdio.h>

int s7_lab_explore(struct bank_options *o)
{
    if (explore_run(stdout, o->explore, 1, o->balance, o->csv) == -1) {
        if (errno == ENOSYS)
            fail("--explore counts with GMP, and this program was built without it; "
                 "install libgmp-dev, then make");
        die("--explore");
    }
    bank_end(o);
    return 0;
}
