/* session8-mpi - session8's Pool.map(square, [1, 2, 3, 4, 5]) on MPI.
 *
 * Read it beside session8.c: the same square() and the same main, with a
 * different pool underneath. Rank 0 is the pool; every other rank, on this
 * machine or another, is a worker. mpirun starts them all (there is no
 * fork here). docs/beyond.md explains it; run: make run-session8-mpi NP=3
 */
#include "die.h"
#include "mpi_options.h"
#include "mpi_pool.h"
#include "pylist.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The tutorial's square(n): runs in a worker rank, once for each item. */
static long square(long n)
{
    printf("Worker process id for %ld: %ld\n", n, (long)getpid());
    return n * n;
}

int main(int argc, char *argv[])
{
    long mylist[] = { 1, 2, 3, 4, 5 };                        /* mylist = [1,2,3,4,5] */
    struct mpi_options opt = { .items = mylist, .n = 5 };    /* --range N, NUMBER... */
    size_t *items_done;
    long *result;
    double seconds;
    int rank, size;

    die_init("session8-mpi");
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS)   /* p = Pool(): mpirun started us all */
        fail("MPI_Init failed");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpi_parse_options(argc, argv, &opt);         /* rank 0 reads them, all ranks learn */
    if (rank != 0) {                             /* ranks 1..: the pool's workers */
        int status = mpi_pool_work(square, &opt.workers);

        MPI_Finalize();
        return status;
    }

    result = malloc(opt.n * sizeof *result);
    items_done = calloc((size_t)size, sizeof *items_done);
    if (result == NULL || items_done == NULL)
        die("malloc");
    seconds = MPI_Wtime();
    mpi_pool_map(opt.items, opt.n, (size_t)opt.chunksize, result,
                 items_done);                    /* result = p.map(square, mylist) */
    seconds = MPI_Wtime() - seconds;
    pylist_print_longs(stdout, result, opt.n);   /* print(result) */
    putchar('\n');
    if (opt.summary)
        mpi_print_summary(&opt, seconds, items_done);
    free(result);
    free(items_done);
    free(opt.owned);
    if (fflush(stdout) == EOF)
        die("write error");
    MPI_Finalize();
    return 0;
}
