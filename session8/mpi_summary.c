/* mpi_summary.c - session8-mpi --summary: the map time, the items each rank
 * ran, and the speedup over a serial loop on rank 0 (docs/beyond.md).
 */
#include "mpi_options.h"

#include <mpi.h>
#include <stdio.h>
#include <time.h>

void mpi_print_summary(const struct mpi_options *o, double map_seconds,
                       const size_t *items_done)
{
    struct timespec start, end;
    double serial;
    int size;

    MPI_Comm_size(MPI_COMM_WORLD, &size);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (size_t i = 0; i < o->n; i++)
        mpi_pool_burn(o->workers.work);
    clock_gettime(CLOCK_MONOTONIC, &end);
    serial = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;

    printf("pool: %d workers (ranks 1-%d), %zu items, chunksize %zu, map time %.6f s\n",
           size - 1, size - 1, o->n,
           o->chunksize ? (size_t)o->chunksize : mpi_pool_default_chunksize(o->n, size - 1),
           map_seconds);
    for (int r = 1; r < size; r++)
        printf("rank %d ran %zu items\n", r, items_done[r]);
    printf("serial: wall time %.6f s\n", serial);
    if (serial >= 0.1 * map_seconds)
        printf("speedup: %.2fx\n", serial / map_seconds);
    else
        printf("speedup: none, the map took %.0f times as long as the loop: sending the\n"
               "  items to other processes costs more than squaring them; give every\n"
               "  task some work (--work 1000) to see the ranks win\n",
               map_seconds / (serial > 1e-9 ? serial : 1e-9));
}
