/* labs.c - session8's labs: --initializer, --quiet, --verbose, --work,
 * --crash-on, --timeline, --summary and --serial (see labs.h).
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

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What the hooks read in the workers: set before the pool forks them. */
static const struct options *settings;
static int timeline_fd = -1;
static struct timespec t0;      /* time 0 of the run, for --timeline and --summary */
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
    if (initargs != NULL) {
        tag_next_line();
        printf("Initializing worker %ld with %s\n", (long)getpid(), (const char *)initargs);
    }
    if (!settings->quiet)
        return;
    /* --quiet: this worker's stdout goes to /dev/null, so square() prints
     * its line into nothing (fully buffered: a million lines cost no
     * write() each); the parent still prints the result. */
    if (fflush(stdout) == EOF)
        die_child("write error");
    if (freopen("/dev/null", "w", stdout) == NULL)
        die_child("/dev/null");
    if (setvbuf(stdout, NULL, _IOFBF, BUFSIZ) != 0)
        die_child("setvbuf");
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

/* The hook the pool runs around every task, in the worker. */
static long around_task(pool_fn fn, long item, void *unused)
{
    double start = timeline_fd >= 0 ? seconds_since(&t0) : 0;
    long result;

    (void)unused;
    if (settings->crash_on_set && item == settings->crash_on)
        kill(getpid(), SIGKILL);        /* --crash-on: this worker dies now */
    burn(settings->work);
    tag_next_line();
    result = fn(item);
    if (timeline_fd >= 0)
        timeline_write(item, start, seconds_since(&t0));
    return result;
}

void labs_configure(struct options *o)
{
    settings = o;
    if (o->initializer != NULL || o->quiet || o->verbose) {
        o->pool.initializer = init_worker;
        o->pool.initargs = (void *)o->initializer;
    }
    if (o->verbose || o->work > 0 || o->crash_on_set || o->timeline != NULL)
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

void labs_start(const struct options *o)
{
    if (o->timeline != NULL) {
        int fd = open(o->timeline, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

        if (fd == -1)
            die(o->timeline);
        /* Started with stdout closed, the file would be fd 1 and get every
         * worker's lines: keep it above 0-2 (F_DUPFD takes the lowest >= 3). */
        if (fd <= STDERR_FILENO) {
            timeline_fd = fcntl(fd, F_DUPFD, STDERR_FILENO + 1);
            if (timeline_fd == -1)
                die(o->timeline);
            close(fd);
        } else {
            timeline_fd = fd;
        }
    }
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
    if (timeline_fd >= 0 && close(timeline_fd) == -1)
        die("close timeline");
    timeline_fd = -1;
    free(o->owned);
    o->owned = NULL;
}
