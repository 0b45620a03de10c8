/* options.c - session8's --help and option parsing (see options.h).
 *
 * Every check happens here, before any worker is started: bad usage is
 * exit 2 with no child process (CONTRIBUTING.md, "What every program keeps").
 */
#include "options.h"

#include "args.h"
#include "die.h"
#include "labs.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(void)
{
    printf("Usage: session8 [OPTION]... [NUMBER]...\n"
           "A Pool of worker processes maps square() over a list; the results come\n"
           "back in input order whichever worker ran them.\n"
           "\n"
           "  NUMBER                  the input list (default: 1 2 3 4 5), each in\n"
           "                          -%ld..%ld; put -- before a negative number\n"
           "  -r, --range=N           the list 1..N instead (N in 1..%ld)\n"
           "  -p, --processes=N       worker processes, 1..%d (default: online CPUs)\n"
           "  -c, --chunksize=C       items per task sent to a worker (default:\n"
           "                          ceil(items / (4 x processes)), as CPython)\n"
           "  -m, --maxtasksperchild=K  a worker exits after K tasks and a fresh one\n"
           "                          replaces it (default: never)\n"
           "  -i, --initializer=ARG   each worker first prints\n"
           "                          'Initializing worker PID with ARG' (default: none)\n"
           "  -q, --quiet             no 'Worker process id' line per item\n"
           "  -v, --verbose           tag each line a worker prints with\n"
           "                          '[pid PID, parent PPID]' (default: untagged)\n"
           "  -w, --work=N            each task also burns N units of CPU, 0..%ld (default: 0)\n"
           "  -s, --summary           print wall time, items per worker and the speedup\n"
           "                          over the serial loop for the same work\n"
           "  -t, --timeline=FILE     draw which worker ran which chunk and task, and when,\n"
           "                          in FILE (an SVG; needs gnuplot; default: none)\n"
           "      --trace=FILE        write every chunk and task of every worker to FILE as\n"
           "                          Trace Event Format JSON, for Perfetto (default: none)\n"
           "      --crash-on=ITEM     the task for ITEM kills its own worker with SIGKILL\n"
           "                          (default: none), to show how the pool fails\n"
           "      --serial            the tutorial's first program: a plain loop, no\n"
           "                          workers (no pool option may be given with it)\n"
           "  -h, --help              print this help and exit\n"
           "\n"
           "Explained in docs/session8.md.\n",
           ITEM_MAX, ITEM_MAX, RANGE_MAX, POOL_MAX_PROCESSES, WORK_MAX);
}

static long parse_long(const char *text, const char *what, long min, long max)
{
    char msg[ARG_MSG_SIZE];
    long value;

    if (arg_long(text, what, min, max, &value, msg, sizeof msg) == -1)
        usage_error("%s", msg);
    return value;
}

/* The input list: positional numbers or --range N; else main's list stays. */
static void make_list(int argc, char *argv[], struct options *o, long range)
{
    char msg[ARG_MSG_SIZE];
    size_t len = optind < argc ? (size_t)(argc - optind) : (size_t)range;

    if (len == 0)
        return;
    if ((o->owned = malloc(len * sizeof *o->owned)) == NULL)
        die("malloc");
    if (optind < argc) {
        if (arg_long_list(argv + optind, len, "list item", -ITEM_MAX, ITEM_MAX,
                          o->owned, msg, sizeof msg) == -1)
            usage_error("%s", msg);
    } else {
        for (size_t i = 0; i < len; i++)
            o->owned[i] = (long)i + 1;
    }
    o->items = o->owned;
    o->n = len;
}

static int in_list(const long *list, size_t n, long item)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == item)
            return 1;
    return 0;
}

void parse_options(int argc, char *argv[], struct options *o)
{
    enum { OPT_SERIAL = 256, OPT_CRASH_ON, OPT_TRACE };
    static const struct option options[] = {
        { "serial",           no_argument,       NULL, OPT_SERIAL },
        { "processes",        required_argument, NULL, 'p' },
        { "chunksize",        required_argument, NULL, 'c' },
        { "maxtasksperchild", required_argument, NULL, 'm' },
        { "range",            required_argument, NULL, 'r' },
        { "quiet",            no_argument,       NULL, 'q' },
        { "verbose",          no_argument,       NULL, 'v' },
        { "initializer",      required_argument, NULL, 'i' },
        { "work",             required_argument, NULL, 'w' },
        { "summary",          no_argument,       NULL, 's' },
        { "timeline",         required_argument, NULL, 't' },
        { "trace",            required_argument, NULL, OPT_TRACE },
        { "crash-on",         required_argument, NULL, OPT_CRASH_ON },
        { "help",             no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char msg[ARG_MSG_SIZE];
    int opt, pool_option = 0;
    long range = 0;

    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":p:c:m:r:qvi:w:st:h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_SERIAL: o->serial = 1; break;
        case 'p': o->pool.processes = (int)parse_long(optarg, "--processes", 1,
                                                      POOL_MAX_PROCESSES);
                  pool_option = 1; break;
        case 'c': o->chunksize = parse_long(optarg, "--chunksize", 1, RANGE_MAX);
                  pool_option = 1; break;
        case 'm': o->pool.maxtasksperchild = parse_long(optarg, "--maxtasksperchild", 1,
                                                        RANGE_MAX);
                  pool_option = 1; break;
        case 'r': range = parse_long(optarg, "--range", 1, RANGE_MAX); break;
        case 'q': o->quiet = 1; break;
        case 'v': o->verbose = 1; break;
        case 'i': o->initializer = optarg; pool_option = 1; break;
        case 'w': o->work = parse_long(optarg, "--work", 0, WORK_MAX); break;
        case 's': o->summary = 1; pool_option = 1; break;
        case 't': o->timeline = optarg; pool_option = 1; break;
        case OPT_TRACE: o->trace = optarg; pool_option = 1; break;
        case OPT_CRASH_ON:
            o->crash_on = parse_long(optarg, "--crash-on", -ITEM_MAX, ITEM_MAX);
            o->crash_on_set = 1;
            pool_option = 1;
            break;
        case 'h': usage(); exit(0);
        default:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            usage_error("%s", msg);
        }
    }
    if (o->serial && pool_option)
        usage_error("--serial runs no pool: it cannot be combined with --processes, "
                    "--chunksize, --maxtasksperchild, --initializer, --summary, "
                    "--timeline, --trace or --crash-on");
    if (range > 0 && optind < argc)
        usage_error("give either --range or a list of numbers, not both");
    make_list(argc, argv, o, range);
    if (o->crash_on_set && !in_list(o->items, o->n, o->crash_on))
        usage_error("--crash-on %ld is not in the list, so no worker would crash", o->crash_on);
    labs_configure(o);
}
