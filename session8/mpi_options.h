/* mpi_options.h - session8-mpi's command line: read by rank 0, sent to all.
 */
#ifndef SESSION8_MPI_OPTIONS_H
#define SESSION8_MPI_OPTIONS_H

#include "mpi_pool.h"

#include <stddef.h>

struct mpi_options {
    const long *items;          /* main's list, or --range / NUMBER... (rank 0) */
    size_t n;
    long *owned;                /* items, when the options made them */
    long chunksize;             /* 0: CPython's default */
    int summary;
    struct mpi_pool_settings workers;   /* what every worker rank gets */
};

/* Every rank calls it right after MPI_Init. Rank 0 reads argv; bad usage
 * prints one line and "Try ..." and ends every rank with exit 2 before any
 * work is sent, --help ends every rank with 0. The other ranks receive
 * o->workers from rank 0. */
void mpi_parse_options(int argc, char *argv[], struct mpi_options *o);

/* --summary on rank 0 (mpi_summary.c): map time, items per rank, speedup. */
void mpi_print_summary(const struct mpi_options *o, double map_seconds,
                       const size_t *items_done);

#endif
