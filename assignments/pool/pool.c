/* pool.c - pool_map over forked workers (the pool assignment: README.md
 * says what to write; docs/session8-further.md, "The pool inside",
 * explains session 8's).
 *
 * As given, pool_map runs every item itself, one after the other, in the
 * calling process: the results are right, no worker ever runs. The TODOs
 * turn it into a pool. `make grade` says how far you are.
 */
#include "pool.h"

#include <errno.h>
#include <stddef.h>

int pool_map(int workers, pool_fn fn, const long *items, size_t n,
             size_t chunksize, long *results)
{
    if (workers < 1 || chunksize == 0) {
        errno = EINVAL;
        return -1;
    }
    /* TODO 1: start `workers` worker processes (fork), each with a way to
     * get chunks from the parent and send results back (two pipes). The
     * parent closes the worker's ends right after fork(); a worker keeps
     * only its own ends and closes the others' (they were inherited). A
     * worker ends with _exit(), never by returning from pool_map. */
    /* TODO 2: hand each idle worker the next chunk of chunksize items; a
     * worker runs fn on each item of its chunk and sends the results back.
     * Store each result at its item's index: chunks end in any order. */
    /* TODO 3: a worker that dies (its task crashed) makes its result pipe
     * read as end of file: stop the other workers (SIGKILL), wait for
     * every worker, close every descriptor, and return -1 with ECHILD
     * instead of waiting forever. */
    /* TODO 4: when every chunk is done, tell the workers to exit, wait for
     * every one of them (waitpid), close every descriptor you opened. */
    for (size_t i = 0; i < n; i++)
        results[i] = fn(items[i]);
    return 0;
}
