/* pool.h - a Pool of worker processes and its map, for the pool assignment.
 *
 *     with Pool(processes=workers) as p:
 *         results = p.map(fn, items, chunksize)
 *
 * is one call here: pool_map forks the workers, hands them the items a
 * chunk at a time, puts the results back in input order, and waits for
 * every worker before it returns. docs/session8.md explains the pool;
 * README.md says what to write. Do not change this file: the grader uses it
 * as it is.
 */
#ifndef ASSIGNMENT_POOL_H
#define ASSIGNMENT_POOL_H

#include <stddef.h>

/* The function mapped over the items; it runs in a worker process. */
typedef long (*pool_fn)(long item);

/* results[i] = fn(items[i]) for every i < n, computed by `workers` forked
 * worker processes that all run at once; each idle worker is handed the
 * next `chunksize` items (fewer for the last chunk). Before it returns,
 * every worker has ended and been waited for, and every descriptor it
 * opened is closed. Returns 0, or -1 with errno: EINVAL (workers < 1 or
 * chunksize 0), ECHILD when a worker died before it sent all its results
 * (its task crashed: the other workers are stopped), or the errno of a
 * call that failed. */
int pool_map(int workers, pool_fn fn, const long *items, size_t n,
             size_t chunksize, long *results);

#endif
