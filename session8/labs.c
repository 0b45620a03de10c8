/* labs.c - session8's labs: --initializer, --quiet, --verbose, --work,
 * --crash-on, --trace, --timeline, --summary and --serial (see labs.h).
 *
 * Each lab that touches a worker does it through the pool's hooks:
 * init_worker() (Pool(initializer=...)) and around_task() (a hook the pool
 * calls around square()). docs/session8.md, "Going further", shows them.
 */
#include "labs.h"

#include "clock.h"
#include "die.h"
#include "io.h"
#include "output.h"
#include "pylist.h"
#include "trace.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What the hooks read in the workers: set before the pool forks them. */
static const struct options *settings;
static struct timespec t0;      /* time 0 of the run, for --summary */
static double pool_seconds;     /* from t0 to the pool's join, for --summary */

/* Spends CPU time on purpose, so that the pool has something to speed up:
 * one unit of --work is 1000 rounds of a xorshift (about 2 microseconds on
 * a 2020s x86 core). The volatile store keeps the compiler from dropping
 * the loop. */
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

/* --verbose: the tag goes into stdout's buffer without a newline; the line
 * the worker prints next completes it, and stdout is line-buffered, so tag
 * and line leave in one write() and never mix with another worker's. */
static void tag_next_line(void)
{
    if (settings->verbose)
        printf("%s ", output_tag() + 2);        /* as a prefix: "[pid P, parent Q] " */
}

/* Pool(initializer=init_worker, initargs=(ARG,)), run once in each worker. */
static void init_worker(void *initargs)
{
    const char *failed;

    if (initargs != NULL) {
        tag_next_line();
        printf("Initializing worker %ld with %s\n", (long)getpid(), (const char *)initargs);
    }
    if (!settings->quiet)
        return;
    /* --quiet: square() prints its line into nothing; the parent still
     * prints the result. */
    if ((failed = output_to_dev_null()) != NULL)
        die_child(failed);
}

/* The hook the pool runs around every task, in the worker. */
static long around_task(pool_fn fn, long item, void *unused)
{
    long result;

    (void)unused;
    if (settings->crash_on_set && item == settings->crash_on)
        kill(getpid(), SIGKILL);        /* --crash-on: this worker dies now */
    burn(settings->work);
    tag_next_line();
    result = fn(item);
    return result;
}

void labs_configure(struct options *o)
{
    settings = o;
    if (o->initializer != NULL || o->quiet || o->verbose) {
        o->pool.initializer = init_worker;
        o->pool.initargs = (void *)o->initializer;
    }
    if (o->verbose || o->work > 0 || o->crash_on_set)
        o->pool.task_hook = around_task;
}

/* The plain loop, with the same --work per item as a pool task. */
static void map_serial(const long *mylist, size_t n, long work, long *result)
{
    for (size_t i = 0; i < n; i++) {
        burn(work);
        result[i] = mylist[i] * mylist[i];
    }
}

int lab_serial(const struct options *o)
{
    long *result = malloc((o->n ? o->n : 1) * sizeof *result);

    if (result == NULL)
        die("malloc");
    map_serial(o->items, o->n, o->work, result);    /* [square(n) for n in mylist] */
    pylist_print_longs(stdout, result, o->n);
    putchar('\n');
    free(result);
    free(o->owned);
    return 0;
}

/* --trace FILE and --timeline FILE.svg: the pool records each chunk and task
 * (pool.c) on one track per worker; --timeline draws the trace at exit. */
static char temporary_trace[] = "/tmp/session8-trace-XXXXXX";

static void start_trace(const struct options *o)
{
    static const char *const names[] = {
        "worker 1", "worker 2", "worker 3", "worker 4", "worker 5", "worker 6", "worker 7",
        "worker 8", "worker 9", "worker 10", "worker 11", "worker 12", "worker 13",
        "worker 14", "worker 15", "worker 16", "worker 17", "worker 18", "worker 19",
        "worker 20", "worker 21", "worker 22", "worker 23", "worker 24", "worker 25",
        "worker 26", "worker 27", "worker 28", "worker 29", "worker 30", "worker 31",
        "worker 32", "worker 33", "worker 34", "worker 35", "worker 36", "worker 37",
        "worker 38", "worker 39", "worker 40", "worker 41", "worker 42", "worker 43",
        "worker 44", "worker 45", "worker 46", "worker 47", "worker 48", "worker 49",
        "worker 50", "worker 51", "worker 52", "worker 53", "worker 54", "worker 55",
        "worker 56", "worker 57", "worker 58", "worker 59", "worker 60", "worker 61",
        "worker 62", "worker 63", NULL };
    /* Main, each worker, and room for the workers that replace them. */
    int processes = o->pool.processes > 0 ? o->pool.processes : 16;
    int tracks = 1 + 4 * processes < TRACE_MAX_TRACKS ? 1 + 4 * processes : TRACE_MAX_TRACKS;
    const char *path = o->trace;
    int fd;

    if (o->timeline != NULL) {      /* a picture we cannot write: say so now */
        if ((fd = open(o->timeline, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1)
            die(o->timeline);
        close(fd);
    }
    if (path == NULL) {
        if ((fd = mkstemp(temporary_trace)) == -1)
            die("mkstemp");
        close(fd);
        path = temporary_trace;
    }
    if (trace_run(path, "session8", tracks, TRACE_CAPACITY / 4, names) == -1) {
        if (path == temporary_trace)
            unlink(temporary_trace);
        die(trace_what(path));
    }
    if (o->timeline != NULL) {
        static char title[160];
        char day[16];
        time_t now = time(NULL);

        strftime(day, sizeof day, "%Y-%m-%d", localtime(&now));
        snprintf(title, sizeof title, "session8 --timeline: each worker's chunks and the tasks "
                 "inside -- %s, %ld CPUs", day, sysconf(_SC_NPROCESSORS_ONLN));
        trace_run_picture(o->timeline, title, path == temporary_trace);
    }
}

void labs_start(const struct options *o)
{
    if (o->trace != NULL || o->timeline != NULL)
        start_trace(o);
    clock_gettime(CLOCK_MONOTONIC, &t0);
}

void lab_map_failed(const struct pool *p)
{
    /* A worker killed by SIGPIPE was printing to a pipe whose reader has
     * gone (`session8 --range 100 | head -3`): not an error to report but
     * the usual end of a program in a pipeline, so the program ends the
     * same way, silently killed by SIGPIPE (the shell shows status 141).
     * The pool has already stopped the other workers. */
    if (pool_error_signal(p) == SIGPIPE)
        die_reader_gone();
    fail("%s", pool_error(p));
}

/* Seconds with enough digits for a short run to show ("0.001234"). */
static const char *seconds_text(double seconds, char *buf, size_t len)
{
    snprintf(buf, len, "%.*f", seconds < 0.01 ? 6 : 3, seconds);
    return buf;
}

void lab_summary(const struct pool *p, const struct options *o)
{
    size_t count;
    const struct pool_worker_stat *stats = pool_stats(p, &count);
    double serial_seconds;
    long *check = malloc((o->n ? o->n : 1) * sizeof *check);
    int processes = pool_processes(p);
    struct timespec start;
    char text[32];

    if (check == NULL)
        die("malloc");
    clock_gettime(CLOCK_MONOTONIC, &start);
    map_serial(o->items, o->n, o->work, check);
    serial_seconds = seconds_since(&start);
    free(check);

    printf("pool: %d processes, %zu items, chunksize %zu, wall time %s s\n", processes, o->n,
           o->chunksize ? (size_t)o->chunksize : pool_default_chunksize(o->n, processes),
           seconds_text(pool_seconds, text, sizeof text));
    for (size_t i = 0; i < count; i++)
        printf("worker %ld ran %zu items\n", (long)stats[i].pid, stats[i].items);
    printf("serial: wall time %s s\n", seconds_text(serial_seconds, text, sizeof text));
    if (serial_seconds >= 0.1 * pool_seconds) {
        printf("speedup: %.2fx\n", serial_seconds / pool_seconds);
        return;
    }
    /* Trivial work: "0.00x" would say nothing. Say how much slower, and why. */
    printf("speedup: none, the pool took %.0f times as long as the loop: starting %d\n"
           "  workers and sending them the items costs more than squaring them;\n"
           "  give every task some work (--work 1000) to see the pool win\n",
           pool_seconds / (serial_seconds > 1e-9 ? serial_seconds : 1e-9), processes);
}

void labs_joined(void)
{
    pool_seconds = seconds_since(&t0);
}

void labs_end(struct options *o)
{
    free(o->owned);
    o->owned = NULL;
}
