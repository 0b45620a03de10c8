/* explore_without_gmp.c - explore_run on a machine without GMP: the Makefile
 * builds this instead of explore.c when libgmp-dev is missing (and could not
 * be installed), so sessions 6 and 7 still build and teach; --explore then
 * says what it needs. See explore.h.
 */
#include "explore.h"

#include <errno.h>

int explore_run(FILE *out, long n, int locked, long start, int csv)
{
    (void)out, (void)n, (void)locked, (void)start, (void)csv;
    errno = ENOSYS;
    return -1;
}
