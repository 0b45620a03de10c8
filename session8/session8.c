/* session8 - a Pool of worker processes maps square() over a list.
 *
 * The tutorial's last program: Pool().map(square, [1, 2, 3, 4, 5]). Each
 * worker prints its PID for the items it runs; the results come back in
 * input order. The pool itself is in pool.c; docs/session8.md explains both.
 */
#include "args.h"
#include "die.h"
#include "io.h"
#include "output.h"
#include "pool.h"
#include "proc.h"
#include "pylist.h"

#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The largest |n| whose square fits in a long (3037000499^2 < 2^63). */
#define ITEM_MAX 3037000499L
#define RANGE_MAX 10000000L
#define WORK_MAX 1000000000L

/* Settings every worker reads; fork() gives each worker a copy. */
static int quiet;
static long work;               /* units of CPU each task burns */
static int crash_on_set;
static long crash_on;
static int timeline_fd = -1;
static struct timespec t0;      /* time 0 of the timeline */

static double seconds_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Spends CPU time on purpose, so that the pool has something to speed up.
 * The volatile store keeps the compiler from dropping the loop. */
static volatile unsigned long burn_sink;

static void burn(long units)
{
    unsigned long x = 88172645463325252UL;

    for (long u = 0; u < units; u++)
        for (int i = 0; i < 1000; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
    burn_sink = x;
}

/* One line per task in the --timeline file: worker, item, start, end. The
 * file is opened O_APPEND and each line is a single write(), so lines from
 * different workers never mix. */
static void timeline_write(long n, double start, double end)
{
    char line[128];
    int len = snprintf(line, sizeof line, "%ld %ld %.6f %.6f\n",
                       (long)getpid(), n, start, end);

    if (write_all(timeline_fd, line, (size_t)len) == -1)
        die_child("write timeline");
}

/* The tutorial's square(n), run by a worker for each item. */
static long square(long n)
{
    double start = timeline_fd >= 0 ? seconds_since(&t0) : 0;

    if (crash_on_set && n == crash_on)
        kill(getpid(), SIGKILL);        /* --crash-on: this worker dies now */
    burn(work);
    if (!quiet)
        printf("Worker process id for %ld: %ld\n", n, (long)getpid());
    if (timeline_fd >= 0)
        timeline_write(n, start, seconds_since(&t0));
    return n * n;
}

/* Pool(initializer=init_worker, initargs=(ARG,)). */
static void init_worker(void *initargs)
{
    printf("Initializing worker %ld with %s\n", (long)getpid(), (const char *)initargs);
}

/* The tutorial's first program: the plain loop, no workers. */
static void map_serial(const long *mylist, size_t n, long *result)
{
    for (size_t i = 0; i < n; i++) {
        burn(work);
        result[i] = mylist[i] * mylist[i];
    }
}

struct options {
    int serial, summary, pool_option;
    int processes;
    long chunksize, maxtasksperchild, range;
    const char *initializer, *timeline;
};

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
           "  -w, --work=N            each task also burns N units of CPU, 0..%ld (default: 0)\n"
           "  -s, --summary           print wall time, items per worker and the speedup\n"
           "                          over the serial loop for the same work\n"
           "  -t, --timeline=FILE     write 'worker item start end' for every task to FILE\n"
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

static void parse_options(int argc, char *argv[], struct options *o)
{
    enum { OPT_SERIAL = 256, OPT_CRASH_ON };
    static const struct option options[] = {
        { "serial",           no_argument,       NULL, OPT_SERIAL },
        { "processes",        required_argument, NULL, 'p' },
        { "chunksize",        required_argument, NULL, 'c' },
        { "maxtasksperchild", required_argument, NULL, 'm' },
        { "range",            required_argument, NULL, 'r' },
        { "quiet",            no_argument,       NULL, 'q' },
        { "initializer",      required_argument, NULL, 'i' },
        { "work",             required_argument, NULL, 'w' },
        { "summary",          no_argument,       NULL, 's' },
        { "timeline",         required_argument, NULL, 't' },
        { "crash-on",         required_argument, NULL, OPT_CRASH_ON },
        { "help",             no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char msg[ARG_MSG_SIZE];
    int opt;

    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":p:c:m:r:qi:w:st:h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_SERIAL: o->serial = 1; break;
        case 'p': o->processes = (int)parse_long(optarg, "--processes", 1, POOL_MAX_PROCESSES);
                  o->pool_option = 1; break;
        case 'c': o->chunksize = parse_long(optarg, "--chunksize", 1, RANGE_MAX);
                  o->pool_option = 1; break;
        case 'm': o->maxtasksperchild = parse_long(optarg, "--maxtasksperchild", 1, RANGE_MAX);
                  o->pool_option = 1; break;
        case 'r': o->range = parse_long(optarg, "--range", 1, RANGE_MAX); break;
        case 'q': quiet = 1; break;
        case 'i': o->initializer = optarg; o->pool_option = 1; break;
        case 'w': work = parse_long(optarg, "--work", 0, WORK_MAX); break;
        case 's': o->summary = 1; o->pool_option = 1; break;
        case 't': o->timeline = optarg; o->pool_option = 1; break;
        case OPT_CRASH_ON:
            crash_on = parse_long(optarg, "--crash-on", -ITEM_MAX, ITEM_MAX);
            crash_on_set = 1;
            o->pool_option = 1;
            break;
        case 'h': usage(); exit(0);
        default:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            usage_error("%s", msg);
        }
    }
    if (o->serial && o->pool_option)
        usage_error("--serial runs no pool: it cannot be combined with --processes, "
                    "--chunksize, --maxtasksperchild, --initializer, --summary, "
                    "--timeline or --crash-on");
    if (o->range > 0 && optind < argc)
        usage_error("give either --range or a list of numbers, not both");
}

/* The input list: positional numbers, --range N, or the tutorial's 1..5. */
static long *make_list(int argc, char *argv[], long range, size_t *n)
{
    char msg[ARG_MSG_SIZE];
    size_t len = optind < argc ? (size_t)(argc - optind) : range > 0 ? (size_t)range : 5;
    long *mylist = malloc(len * sizeof *mylist);

    if (mylist == NULL)
        die("malloc");
    if (optind < argc) {
        if (arg_long_list(argv + optind, len, "list item", -ITEM_MAX, ITEM_MAX,
                          mylist, msg, sizeof msg) == -1)
            usage_error("%s", msg);
    } else {
        for (size_t i = 0; i < len; i++)
            mylist[i] = (long)i + 1;
    }
    *n = len;
    return mylist;
}

/* A worker killed by SIGPIPE was printing to a pipe whose reader has gone
 * (`session8 --range 100 | head -3`): that is not an error to report but
 * the usual end of a program in a pipeline, so the program ends the same
 * way, silently killed by SIGPIPE (the shell shows status 141). The pool
 * has already stopped the other workers. */
static void end_as_killed_by_sigpipe(void)
{
    signal(SIGPIPE, SIG_DFL);
    raise(SIGPIPE);
    _exit(1);                   /* not reached: SIGPIPE's default ends us */
}

static int in_list(const long *list, size_t n, long item)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == item)
            return 1;
    return 0;
}

static void print_summary(const struct pool *pool, const struct options *o, size_t n,
                          double pool_seconds, const long *mylist)
{
    size_t count;
    const struct pool_worker_stat *stats = pool_stats(pool, &count);
    struct timespec start;
    long *check = malloc((n ? n : 1) * sizeof *check);
    double serial_seconds;

    if (check == NULL)
        die("malloc");
    clock_gettime(CLOCK_MONOTONIC, &start);
    map_serial(mylist, n, check);
    serial_seconds = seconds_since(&start);
    free(check);

    printf("pool: %d processes, %zu items, chunksize %zu, wall time %.3f s\n",
           o->processes, n,
           o->chunksize ? (size_t)o->chunksize : pool_default_chunksize(n, o->processes),
           pool_seconds);
    for (size_t i = 0; i < count; i++)
        printf("worker %ld ran %zu items\n", (long)stats[i].pid, stats[i].items);
    printf("serial: wall time %.3f s\n", serial_seconds);
    printf("speedup: %.2fx\n", serial_seconds / pool_seconds);
}

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > POOL_MAX_PROCESSES ? POOL_MAX_PROCESSES : (int)n;
}

int main(int argc, char *argv[])
{
    struct options o = { 0 };
    struct pool *pool;
    long *mylist, *result;
    size_t n;
    double pool_seconds;

    die_init("session8");
    parse_options(argc, argv, &o);
    mylist = make_list(argc, argv, o.range, &n);
    if (crash_on_set && !in_list(mylist, n, crash_on))
        usage_error("--crash-on %ld is not in the list, so no worker would crash", crash_on);
    result = malloc(n * sizeof *result);
    if (result == NULL)
        die("malloc");

    if (o.serial) {                     /* result = [square(n) for n in mylist] */
        map_serial(mylist, n, result);
        pylist_print_longs(stdout, result, n);
        putchar('\n');
        free(mylist);
        free(result);
        return fflush(stdout) == 0 ? 0 : 1;
    }

    if (o.processes == 0)
        o.processes = online_cpus();
    if (o.timeline != NULL) {
        timeline_fd = open(o.timeline, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
        if (timeline_fd == -1)
            die(o.timeline);
    }
    /* Workers take turns printing: each line must leave in one write. */
    if (output_line_buffered() == -1)
        die("setvbuf");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");

    clock_gettime(CLOCK_MONOTONIC, &t0);
    pool = pool_new(o.processes, o.initializer ? init_worker : NULL,
                    (void *)o.initializer, o.maxtasksperchild);  /* p = Pool() */
    if (pool == NULL)
        die("starting the pool");
    if (pool_map(pool, square, mylist, n, (size_t)o.chunksize, result) == -1) {
        if (pool_error_signal(pool) == SIGPIPE)
            end_as_killed_by_sigpipe();
        fail("%s", pool_error(pool));   /* result = p.map(square, mylist) */
    }
    pool_close(pool);
    if (pool_join(pool) == -1)
        fail("%s", pool_error(pool));
    pool_seconds = seconds_since(&t0);

    pylist_print_longs(stdout, result, n);               /* print(result) */
    putchar('\n');
    if (o.summary)
        print_summary(pool, &o, n, pool_seconds, mylist);
    pool_free(pool);
    if (timeline_fd >= 0 && close(timeline_fd) == -1)
        die("close timeline");
    free(mylist);
    free(result);
    return fflush(stdout) == 0 ? 0 : 1;
}
