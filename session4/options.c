/* options.c - session4's options: which queue, which lab, how many processes
 * and items. The lesson (session4.c) makes one call, parse_options.
 */
#include "session4/options.h"

#include "args.h"
#include "die.h"
#include "trace.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int verbose;

const char *tag(void)
{
    static char tag[64];

    if (!verbose)
        return "";
    snprintf(tag, sizeof tag, "  [pid %ld, parent %ld]", (long)getpid(), (long)getppid());
    return tag;
}

static void usage(void)
{
    printf("Usage: session4 [OPTION]...\n"
           "A Queue in shared memory: p1 puts the squares of 1 2 3 4, p2 takes them out.\n"
           "With --producers, --consumers, --count or --maxsize, many processes share\n"
           "one queue instead.\n"
           "\n"
           "  -q, --queue=KIND     textbook: a lock and two counting semaphores;\n"
           "                       ring: the lock-free ring (default textbook)\n"
           "  -p, --producers=P    producer processes, 1..%d (default 1)\n"
           "  -c, --consumers=C    consumer processes, 1..%d (default 1)\n"
           "  -n, --count=N        items each producer puts, 1..%ld in all\n"
           "                       (default 1000)\n"
           "  -m, --maxsize=S      the queue holds at most S items, 0..1000000; 0 is\n"
           "                       %d (default 0)\n"
           "      --concurrent     one producer, two consumers started while it runs:\n"
           "                       'while not empty()' next to 'get until end-of-queue'\n"
           "                       (--count at most twice the queue size)\n"
           "      --join-before-drain\n"
           "                       p1 puts more than the queue holds (or --count items)\n"
           "                       and main joins it before reading: the deadlock of\n"
           "                       gh-73983, detected within 2 s, exit 1 (default off)\n"
           "  -v, --verbose        tag each line a child prints with its pid and its\n"
           "                       parent's (default off)\n"
           "      --trace=FILE     write every put and get (the item, and how long it\n"
           "                       waited) of every process to FILE as Trace Event\n"
           "                       Format JSON, for Perfetto (default off)\n"
           "  -h, --help           print this help and exit\n"
           "\n"
           "Explained in docs/session4.md.\n",
           MAX_PROCS, MAX_PROCS, MAX_ITEMS, QUEUE_DEFAULT_MAXSIZE);
}

/* The number of items the queue of the run holds. */
static long capacity_of(const struct options *o)
{
    return o->maxsize > 0 ? o->maxsize : QUEUE_DEFAULT_MAXSIZE;
}

static void parse_queue_kind(const char *text, struct options *o)
{
    if (strcmp(text, "textbook") == 0)
        o->queue = QUEUE_TEXTBOOK;
    else if (strcmp(text, "ring") == 0)
        o->queue = QUEUE_RING;
    else
        usage_error("unknown --queue '%s' (accepted: textbook, ring)", text);
}

/* Combinations that cannot work, refused before any process starts. */
static void check_combinations(const struct options *o)
{
    if (o->producers * o->count > MAX_ITEMS)
        usage_error("--producers x --count is %ld items (accepted: at most %ld in all)",
                    o->producers * o->count, MAX_ITEMS);
    if (o->concurrent && o->join_before_drain)
        usage_error("--concurrent and --join-before-drain are two labs (accepted: one of them)");
    if ((o->concurrent || o->join_before_drain) && (o->producers != 1 || o->consumers != 1))
        usage_error("--%s runs %s (accepted with it: --count, --maxsize, --queue)",
                    o->concurrent ? "concurrent" : "join-before-drain",
                    o->concurrent ? "one producer and two consumers" : "one producer");
    if (o->concurrent && o->count < 2)
        usage_error("--concurrent needs --count 2 or more, to pause half way");
    /* Queue A holds the first half until consumer A starts, and nobody takes
     * the second half after A stops early: each half must fit, or the
     * producer would wait for room forever. */
    if (o->concurrent && o->count > 2 * capacity_of(o))
        usage_error("--concurrent --count %ld does not fit: queue A must hold each half "
                    "(accepted: --count at most %ld, twice the queue size)",
                    o->count, 2 * capacity_of(o));
}

void parse_options(int argc, char *argv[], struct options *o)
{
    enum { OPT_CONCURRENT = 1000, OPT_JOIN_BEFORE_DRAIN, OPT_TRACE };
    static const char *const tracks[] = { "p1", "p2", NULL };   /* the tutorial's */
    static const struct option options[] = {
        { "queue",             required_argument, NULL, 'q' },
        { "producers",         required_argument, NULL, 'p' },
        { "consumers",         required_argument, NULL, 'c' },
        { "count",             required_argument, NULL, 'n' },
        { "maxsize",           required_argument, NULL, 'm' },
        { "concurrent",        no_argument,       NULL, OPT_CONCURRENT },
        { "join-before-drain", no_argument,       NULL, OPT_JOIN_BEFORE_DRAIN },
        { "verbose",           no_argument,       NULL, 'v' },
        { "trace",             required_argument, NULL, OPT_TRACE },
        { "help",              no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char msg[ARG_MSG_SIZE];
    int opt, rc;

    *o = (struct options){ .queue = QUEUE_TEXTBOOK, .producers = 1, .consumers = 1,
                              .count = 1000 };
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":q:p:c:n:m:vh", options, NULL)) != -1) {
        rc = 0;
        switch (opt) {
        case 'q': parse_queue_kind(optarg, o); break;
        case 'p': rc = arg_long(optarg, "--producers", 1, MAX_PROCS, &o->producers, msg, sizeof msg); break;
        case 'c': rc = arg_long(optarg, "--consumers", 1, MAX_PROCS, &o->consumers, msg, sizeof msg); break;
        case 'n': rc = arg_long(optarg, "--count", 1, MAX_ITEMS, &o->count, msg, sizeof msg); break;
        case 'm': rc = arg_long(optarg, "--maxsize", 0, 1000000, &o->maxsize, msg, sizeof msg); break;
        case OPT_CONCURRENT: o->concurrent = 1; break;
        case OPT_JOIN_BEFORE_DRAIN: o->join_before_drain = 1; break;
        case 'v': o->verbose = verbose = 1; break;
        case OPT_TRACE: o->trace = optarg; break;
        case 'h': usage(); exit(0);
        default:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            rc = -1;
        }
        if (rc == -1)
            usage_error("%s", msg);
        if (opt == 'p' || opt == 'c' || opt == 'n' || opt == 'm')
            o->counting = 1;
        if (opt == 'n')
            o->count_given = 1;
    }
    if (optind < argc)
        usage_error("unexpected argument '%s' (session4 takes options only)", argv[optind]);
    check_combinations(o);
    /* The labs' processes are "process N", in the order they start. */
    if (o->trace != NULL && trace_run(o->trace, "session4", 16, TRACE_CAPACITY / 4,
                                      o->counting || o->concurrent ? NULL : tracks) == -1)
        die(trace_what(o->trace));          /* queue.c records the puts and gets */
}
