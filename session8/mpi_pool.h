/* mpi_pool.h - session8's Pool.map on MPI: rank 0 is the pool, the other
 * ranks are its workers, on one machine or many.
 *
 * The same map as pool.h (chunks handed out as workers finish, CPython's
 * chunksize, results in input order), with messages instead of sockets and
 * ranks instead of forked PIDs. docs/beyond.md explains it beside pool.c.
 */
#ifndef SESSION8_MPI_POOL_H
#define SESSION8_MPI_POOL_H

#include <stddef.h>

typedef long (*mpi_pool_fn)(long item);

/* What every worker must know, sent by rank 0 to all (MPI_Bcast). */
struct mpi_pool_settings {
    long work;                  /* --work: CPU units burnt before each task */
    int crash_on_set;
    long crash_on;
    int quiet, verbose;
};

/* A worker rank: runs fn over each chunk rank 0 sends, until told to stop.
 * Returns the exit status for main. */
int mpi_pool_work(mpi_pool_fn fn, const struct mpi_pool_settings *s);

/* Rank 0: results[i] = fn(items[i]) computed by ranks 1..size-1, handed out
 * chunk by chunk (chunksize 0: CPython's default). Ends with every worker
 * told to stop. items_done[r] (may be NULL) counts the items rank r ran. */
void mpi_pool_map(const long *items, size_t n, size_t chunksize, long *results,
                  size_t *items_done);

/* CPython's default: divmod(n, 4 * workers), plus 1 if there is a remainder. */
size_t mpi_pool_default_chunksize(size_t n, int workers);

/* The CPU time one unit of --work costs: 1000 steps of the linear
 * congruential generator that bench's pool_speedup_2 task runs 2 000 000 of
 * (so --work 2000 is one such task). */
void mpi_pool_burn(long units);

#endif
