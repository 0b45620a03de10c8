/* join_before_drain.c - session4 --join-before-drain: joining a process
 * before draining the queue it fills is a deadlock (CPython gh-73983).
 *
 * p1 puts one item more than the queue holds, so its last put waits for a
 * free slot; main joins p1 before it reads anything, so it waits for p1 to
 * end. Neither can go on. main joins with a timeout, sees the full queue,
 * says who waits for whom, stops p1, exits 1. docs/session4.md.
 */
#include "labs.h"
#include "queue.h"

#include "clock.h"
#include "die.h"
#include "proc.h"

#include <signal.h>
#include <stdio.h>
#include <time.h>

#define JOIN_TIMEOUT 1.0        /* seconds before main looks at what hangs */

struct fill {
    struct queue *q;
    long count;
};

static int fill_queue(void *arg)
{
    const struct fill *f = arg;

    for (long k = 1; k <= f->count; k++)
        if (queue_put(f->q, &k, sizeof k, QUEUE_FOREVER) != QUEUE_OK)
            die_child("queue_put");
    return 0;
}

/* p1.join(timeout=...), as a poll of waitpid(WNOHANG) every 10 ms (Python's
 * join(timeout) waits on the process's sentinel fd instead). Returns 1 when
 * p1 has ended (its wait status in *status); 0 when, after JOIN_TIMEOUT
 * seconds, p1 still runs and q is full while p1 has more to put than q
 * holds, so p1 cannot go on; -1 with errno. */
static int join_with_timeout(pid_t pid, const struct fill *f, int *status)
{
    int stuck_when_full = (size_t)f->count > queue_capacity(f->q);
    const struct timespec tick = { 0, 10000000L };     /* 10 ms */
    struct timespec start;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &start);
    while ((rc = proc_try_join(pid, status)) == 0) {
        if (stuck_when_full && seconds_since(&start) >= JOIN_TIMEOUT
            && queue_size(f->q) == queue_capacity(f->q))
            return 0;
        nanosleep(&tick, NULL);
    }
    return rc;
}

int lab_join_before_drain(const struct options *o)
{
    struct fill f;
    long capacity = o->maxsize > 0 ? o->maxsize : QUEUE_DEFAULT_MAXSIZE, took = 0;
    enum queue_result r;
    char how[64];
    int status, joined;
    size_t len;
    long item;
    pid_t p1;

    f.q = queue_new(o->queue, (size_t)capacity, sizeof(long));
    f.count = o->count_given ? o->count : capacity + 1;
    if (f.q == NULL)
        die("queue_new");
    printf("main: q holds %ld items; p1 will put %ld\n", capacity, f.count);
    printf("main: p1.start(), then p1.join() before reading q\n");
    if ((p1 = proc_start(fill_queue, &f)) == -1)
        die("fork");
    if ((joined = join_with_timeout(p1, &f, &status)) == -1)
        die("waitpid");
    if (!joined) {
        printf("main: p1 has not ended after %.1f s: deadlock\n"
               "  main waits in p1.join() for p1 (pid %ld) to end;\n"
               "  p1 waits in q.put() for a free slot: q holds %zu of %ld items,\n"
               "  and only main would take them out, after the join.\n",
               JOIN_TIMEOUT, (long)p1, queue_size(f.q), capacity);
        if (kill(p1, SIGTERM) == -1)
            die("kill");
        if (proc_join(p1, &status) == -1)
            die("waitpid");
        printf("main: stopped p1 (it %s). The cure: drain q first, then join p1.\n",
               proc_describe_status(status, how, sizeof how));
        queue_free(f.q);
        fail("deadlock: p1 was joined before its queue was drained (CPython gh-73983)");
    }
    if (!proc_succeeded(status))
        fail_child("p1", status);
    while ((r = queue_get(f.q, &item, sizeof item, &len, QUEUE_NOWAIT)) == QUEUE_OK)
        took++;
    if (r != QUEUE_EMPTY)
        die("queue_get");
    printf("main: p1 ended; then main took %ld items from q: they all fit\n", took);
    queue_free(f.q);
    return 0;
}
