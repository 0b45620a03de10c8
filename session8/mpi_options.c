/* mpi_options.c - session8-mpi's --help, option parsing and --summary.
 *
 * Only rank 0 reads the command line; one MPI_Bcast then tells every rank
 * whether to go on (and with which settings) or to exit, so a bad option
 * ends the whole job with exit 2 before any chunk is sent.
 */
#include "mpi_options.h"

#include "args.h"
#include "die.h"

#include <getopt.h>
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ITEM_MAX 3037000499L    /* the largest |n| whose square fits in a long */
#define RANGE_MAX 10000000L
#define WORK_MAX 1000000000L

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

static void usage(void)
{
    printf("Usage: session8-mpi [OPTION]... [NUMBER]...\n"
           "   as: mpirun -np N session8/session8-mpi ... (or make run-session8-mpi NP=N)\n"
           "session8's Pool.map on MPI: rank 0 hands out chunks of the list, ranks\n"
           "1..N-1 square them, and rank 0 prints the results in input order.\n"
           "\n"
           "  NUMBER                  the input list (default: 1 2 3 4 5), each in\n"
           "                          -%ld..%ld; put -- before a negative number\n"
           "  -r, --range=N           the list 1..N instead (N in 1..%ld)\n"
           "  -c, --chunksize=C       items per chunk sent to a worker (default:\n"
           "                          ceil(items / (4 x workers)), as CPython)\n"
           "  -q, --quiet             no 'Worker process id' line per item\n"
           "  -v, --verbose           tag each worker line with '[rank R on HOST]'\n"
           "  -w, --work=N            each task also burns N units of CPU, 0..%ld\n"
           "                          (default: 0; 2000 units = one pool_speedup_2 task)\n"
           "  -s, --summary           print the map time, items per rank and the\n"
           "                          speedup over a serial loop on rank 0\n"
           "      --crash-on=ITEM     the worker that gets ITEM kills itself with SIGKILL\n"
           "                          (default: none): mpirun then ends the whole job\n"
           "  -h, --help              print this help and exit\n"
           "\n"
           "Needs at least 2 ranks (rank 0 is the pool). Explained in docs/beyond.md.\n",
           ITEM_MAX, ITEM_MAX, RANGE_MAX, WORK_MAX);
}

static long parse_long(const char *text, const char *what, long min, long max)
{
    char msg[ARG_MSG_SIZE];
    long value;

    if (arg_long(text, what, min, max, &value, msg, sizeof msg) == -1)
        bad_usage("%s", msg);
    return value;
}

static void make_list(int argc, char *argv[], struct mpi_options *o, long range)
{
    char msg[ARG_MSG_SIZE];
    size_t len = optind < argc ? (size_t)(argc - optind) : (size_t)range;
    int found = !o->workers.crash_on_set;

    if (len > 0) {
        if ((o->owned = malloc(len * sizeof *o->owned)) == NULL)
            die("malloc");
        if (optind < argc) {
            if (arg_long_list(argv + optind, len, "list item", -ITEM_MAX, ITEM_MAX,
                              o->owned, msg, sizeof msg) == -1)
                bad_usage("%s", msg);
        } else {
            for (size_t i = 0; i < len; i++)
                o->owned[i] = (long)i + 1;
        }
        o->items = o->owned;
        o->n = len;
    }
    for (size_t i = 0; i < o->n && !found; i++)
        found = o->items[i] == o->workers.crash_on;
    if (!found)
        bad_usage("--crash-on %ld is not in the list, so no worker would crash",
                  o->workers.crash_on);
}

static void parse_on_rank0(int argc, char *argv[], struct mpi_options *o)
{
    enum { OPT_CRASH_ON = 256 };
    static const struct option options[] = {
        { "range",     required_argument, NULL, 'r' },
        { "chunksize", required_argument, NULL, 'c' },
        { "quiet",     no_argument,       NULL, 'q' },
        { "verbose",   no_argument,       NULL, 'v' },
        { "work",      required_argument, NULL, 'w' },
        { "summary",   no_argument,       NULL, 's' },
        { "crash-on",  required_argument, NULL, OPT_CRASH_ON },
        { "help",      no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char msg[ARG_MSG_SIZE];
    long range = 0;
    int opt, size;

    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":r:c:qvw:sh", options, NULL)) != -1) {
        switch (opt) {
        case 'r': range = parse_long(optarg, "--range", 1, RANGE_MAX); break;
        case 'c': o->chunksize = parse_long(optarg, "--chunksize", 1, RANGE_MAX); break;
        case 'q': o->workers.quiet = 1; break;
        case 'v': o->workers.verbose = 1; break;
        case 'w': o->workers.work = parse_long(optarg, "--work", 0, WORK_MAX); break;
        case 's': o->summary = 1; break;
        case OPT_CRASH_ON:
            o->workers.crash_on = parse_long(optarg, "--crash-on", -ITEM_MAX, ITEM_MAX);
            o->workers.crash_on_set = 1;
            break;
        case 'h': usage(); end_all(0);
        default:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            bad_usage("%s", msg);
        }
    }
    if (range > 0 && optind < argc)
        bad_usage("give either --range or a list of numbers, not both");
    make_list(argc, argv, o, range);
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
