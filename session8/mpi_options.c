/* mpi_options.c - session8-mpi's command line: one table (args.h).
 *
 * Only rank 0 reads the command line; one MPI_Bcast then tells every rank
 * whether to go on (and with which settings) or to exit, so a bad option
 * ends the whole job with exit 2 before any chunk is sent.
 */
#include "mpi_options.h"

#include "args.h"
#include "die.h"
#include "items.h"

#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* [0]: -1 go on, else the exit status for every rank; then the settings. */
enum { GO = -1, N_SHARED = 6 };

static void share(long shared[N_SHARED], struct mpi_pool_settings *s, int from_rank0)
{
    if (from_rank0) {
        shared[1] = s->work;
        shared[2] = s->crash_on_set;
        shared[3] = s->crash_on;
        shared[4] = s->quiet;
        shared[5] = s->verbose;
    }
    MPI_Bcast(shared, N_SHARED, MPI_LONG, 0, MPI_COMM_WORLD);
    *s = (struct mpi_pool_settings){ shared[1], shared[2], shared[3], shared[4], shared[5] };
}

/* Ends every rank with `status` (rank 0 calls it; the others learn it from
 * the broadcast in mpi_parse_options). */
static _Noreturn void end_all(int status)
{
    long shared[N_SHARED] = { status };
    struct mpi_pool_settings none = { 0 };

    fflush(stdout);
    share(shared, &none, 1);
    MPI_Finalize();
    exit(status);
}

static _Noreturn __attribute__((format(printf, 1, 2))) void bad_usage(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", program_name());
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", program_name());
    end_all(2);
}

static void parse_on_rank0(int argc, char *argv[], struct mpi_options *o)
{
    long range = 0;
    int size;
    const struct arg_option rows[] = {
        ITEMS_ROWS(range),
        { "chunksize", 'c', "C", "items per chunk sent to a worker (default:\n"
          "ceil(items / (4 x workers)), as CPython)", .number = &o->chunksize, 1, RANGE_MAX },
        { "quiet", 'q', NULL, "no 'Worker process id' line per item", .flag = &o->workers.quiet },
        { "verbose", 'v', NULL, "tag each worker line with '[rank R on HOST]'",
          .flag = &o->workers.verbose },
        { "work", 'w', "N", "each task also burns N units of CPU, {min}..{max}\n"
          "(default: 0; 2000 units = one pool_speedup_2 task)",
          .number = &o->workers.work, 0, WORK_MAX },
        { "summary", 's', NULL, "print the map time, items per rank and the\n"
          "speedup over a serial loop on rank 0", .flag = &o->summary },
        { "crash-on", 0, "ITEM", "the worker that gets ITEM kills itself with SIGKILL\n"
          "(default: none): mpirun then ends the whole job", .number = &o->workers.crash_on,
          -ITEM_MAX, ITEM_MAX, .seen = &o->workers.crash_on_set },
        { 0 },
    };
    const struct arg_table table = {
        "Usage: session8-mpi [OPTION]... [NUMBER]...\n"
        "   as: mpirun -np N session8/session8-mpi ... (or make run-session8-mpi NP=N)\n"
        "session8's Pool.map on MPI: rank 0 hands out chunks of the list, ranks\n"
        "1..N-1 square them, and rank 0 prints the results in input order.\n\n",
        .rows = rows, .column = 26,
        .end = "\nNeeds at least 2 ranks (rank 0 is the pool). Explained in docs/beyond.md.\n",
        .rules = (const struct arg_rule[]){ { "range", ARG_NONE_OF, "-",
            "give either --range or a list of numbers, not both" }, { 0 } },
    };
    char msg[ARG_MSG_SIZE];

    switch (arg_parse(argc, argv, &table, o, msg, sizeof msg)) {
    case 1: end_all(0);
    case -1: bad_usage("%s", msg);
    }
    switch (items_read(argc, argv, range, o->workers.crash_on_set ? &o->workers.crash_on : NULL,
                       &o->owned, &o->items, &o->n, msg, sizeof msg)) {
    case -2: die(msg);
    case -1: bad_usage("%s", msg);
    }
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2)
        bad_usage("needs at least 2 ranks, rank 0 hands out the work and the others do it "
                  "(accepted: mpirun -np 2 or more)");
}

void mpi_parse_options(int argc, char *argv[], struct mpi_options *o)
{
    long shared[N_SHARED] = { GO };
    int rank;

    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
        parse_on_rank0(argc, argv, o);
    share(shared, &o->workers, rank == 0);
    if (shared[0] != GO) {      /* rank 0 has said why */
        MPI_Finalize();
        exit(0);                /* rank 0 exits with the status */
    }
}
