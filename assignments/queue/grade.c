/* grade.c - the tests of the queue assignment: `make grade` runs them.
 *
 * Producers and consumers are the grader's processes; they call the
 * student's queue_put and queue_get and check, from the outside, what
 * comes out. Waiting is checked from the outside too: a process that waits
 * on a full or empty queue must be asleep (state S in /proc) and use almost
 * no CPU. A signal handler installed without SA_RESTART interrupts a wait
 * on purpose, and the grader holds the queue's lock itself to see whether
 * put and get take it.
 */
#include "grade.h"
#include "queue.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const HINT_WAIT =
    "README.md, \"What to write\"; "
    "docs/session4.md#the-queue-the-textbook-bounded-buffer";
static const char *const HINT_LOCK =
    "README.md, \"What to write\" (the lock); "
    "docs/session4.md#the-queue-the-textbook-bounded-buffer";
static const char *const HINT_EINTR =
    "README.md, \"Signals\"; man 7 signal (\"Interruption of system calls\"), man 3 sem_wait";
static const char *const HINT_MANY =
    "README.md, \"What to write\"; "
    "docs/session4.md#many-producers-and-consumers---producers---consumers---count---maxsize";

#define CPU_LIMIT 0.05          /* seconds of CPU a waiting process may use in 1 s */

/* What a grader process reports about its queue_put or queue_get calls. */
struct report {
    atomic_int calling;         /* 1 just before the call that should wait */
    atomic_int returned;        /* calls that returned */
    atomic_int rc;              /* the last one's return value */
    atomic_int err;             /* and errno */
    atomic_long item;           /* the last item got */
    atomic_int signals;         /* SIGUSR1 handled */
};

static struct report *report;   /* in grade_shared memory */

static struct queue *new_queue(size_t capacity)
{
    struct queue *q = queue_new(capacity);

    if (q == NULL)
        grade_fail("queue_new(%zu) failed: %s", capacity, strerror(errno));
    return q;
}

/* Waits for a grader process; fails with `what` when it has not ended. */
static void join_or_fail(pid_t pid, double seconds, const char *what)
{
    int status = grade_wait(pid, seconds);

    if (status == -1)
        grade_fail("%s", what);
    if (WIFSIGNALED(status))
        grade_fail("a process calling queue_put or queue_get was killed by signal %d",
                   WTERMSIG(status));
}

/* The grader's own puts and gets, where the queue has room (or an item):
 * each runs in a process of its own, so that one that never returns is a
 * message, not a test that runs out of time. */
static void put_or_fail(struct queue *q, long item)
{
    pid_t pid = grade_fork();

    if (pid == 0) {
        if (queue_put(q, item) != 0)
            grade_fail("queue_put returned -1 (%s) on a queue with a free slot",
                       strerror(errno));
        _exit(0);
    }
    join_or_fail(pid, 3, "queue_put into a queue with a free slot did not return within "
                 "3 s: a put must wait only while the queue is full (free_slots counts "
                 "the free slots)");
}

static long get_or_fail(struct queue *q)
{
    atomic_long *got = grade_shared(sizeof *got);
    pid_t pid = grade_fork();

    if (pid == 0) {
        long item;

        if (queue_get(q, &item) != 0)
            grade_fail("queue_get returned -1 (%s) on a queue with an item", strerror(errno));
        atomic_store(got, item);
        _exit(0);
    }
    join_or_fail(pid, 3, "queue_get from a queue holding an item did not return within "
                 "3 s: a get must wait only while the queue is empty (filled_slots counts "
                 "the items)");
    return atomic_load(got);
}

/* Watches a process that must be waiting in `call` for one second: it must
 * not return, must be asleep at the end, and use under CPU_LIMIT s of CPU. */
static void check_waits_asleep(pid_t pid, const char *call, const char *why_waiting)
{
    double cpu_before = grade_cpu_seconds(pid), cpu;
    struct timespec second = { 1, 0 };
    int asleep;

    nanosleep(&second, NULL);       /* the window the CPU time is measured over */
    if (atomic_load(&report->returned))
        grade_fail("%s returned %d %s at once: it must wait, asleep, until it can go ahead",
                   call, atomic_load(&report->rc), why_waiting);
    cpu = grade_cpu_seconds(pid) - cpu_before;
    asleep = grade_wait_asleep(pid, 0.1);
    if (cpu > CPU_LIMIT || asleep != 1)
        grade_fail("%s %s used %.0f ms of CPU in 1 s and %s: it must sleep in sem_wait, "
                   "not poll in a loop", call, why_waiting, cpu * 1000,
                   asleep == 1 ? "is asleep now" : "never slept");
}

/* ------------------------------------------------------------ the tests */

/* Each put and get runs in a process of its own (put_or_fail, get_or_fail)
 * and the test process itself waits on none of them: the first call that
 * never returns is the one the message names. */
static void test_put_then_get(void)
{
    struct queue *q = new_queue(8);

    for (long i = 1; i <= 8; i++)
        put_or_fail(q, i);
    for (long i = 1; i <= 8; i++) {
        long got = get_or_fail(q);

        if (got != i)
            grade_fail("get number %ld returned %ld after puts of 1 to 8: a queue "
                       "gives items back in the order they were put", i, got);
    }
}

static void test_get_waits_on_empty(void)
{
    struct queue *q = new_queue(4);
    pid_t pid;

    report = grade_shared(sizeof *report);
    if ((pid = grade_fork()) == 0) {
        long item = -1;

        atomic_store(&report->calling, 1);
        atomic_store(&report->rc, queue_get(q, &item));
        atomic_store(&report->item, item);
        atomic_store(&report->returned, 1);
        _exit(0);
    }
    check_waits_asleep(pid, "queue_get", "on an empty queue");
    put_or_fail(q, 42);
    join_or_fail(pid, 3, "a queue_get waiting on an empty queue did not return within 3 s "
                 "of a put: does put post filled_slots?");
    if (atomic_load(&report->rc) != 0 || atomic_load(&report->item) != 42)
        grade_fail("a queue_get waiting on an empty queue returned %d with item %ld after "
                   "the grader put 42", atomic_load(&report->rc), atomic_load(&report->item));
}

static void test_put_waits_on_full(void)
{
    struct queue *q = new_queue(4);
    pid_t pid;

    report = grade_shared(sizeof *report);
    if ((pid = grade_fork()) == 0) {
        for (long i = 1; i <= 5; i++) {
            int rc;

            atomic_store(&report->calling, (int)i);
            rc = queue_put(q, i);
            atomic_store(&report->rc, rc);
            if (i < 5 && rc != 0)
                grade_fail("queue_put returned -1 (%s) on a queue with a free slot",
                           strerror(errno));
        }
        atomic_store(&report->returned, 1);
        _exit(0);
    }
    if (grade_wait_until(&report->calling, 5, 3) != 1)
        grade_fail("the first 4 puts into an empty queue of capacity 4 did not return "
                   "within 3 s (%d did): a put must wait only while the queue is full "
                   "(free_slots starts at the capacity)", atomic_load(&report->calling) - 1);
    check_waits_asleep(pid, "the 5th queue_put", "into a full queue of capacity 4");
    for (long i = 1; i <= 5; i++) {
        long got = get_or_fail(q);

        if (got != i)
            grade_fail("after puts of 1 to 5 into a queue of capacity 4, get number %ld "
                       "returned %ld", i, got);
        if (i == 1)
            join_or_fail(pid, 3, "the 5th queue_put did not return within 3 s of a get "
                         "that freed a slot: does get post free_slots?");
    }
}

/* The grader holds q->lock while a put (or get) that need not wait is
 * called: it must not finish before the lock is released. */
static void check_takes_lock(int is_put)
{
    const char *call = is_put ? "queue_put" : "queue_get";
    struct queue *q = new_queue(4);
    pid_t pid;
    int rc;

    report = grade_shared(sizeof *report);
    if (!is_put)
        put_or_fail(q, 7);
    if ((rc = pthread_mutex_lock(&q->lock)) != 0)
        grade_fail("the grader could not lock q->lock: %s (does queue_new still "
                   "initialise it?)", strerror(rc));
    if ((pid = grade_fork()) == 0) {
        long item = -1;

        atomic_store(&report->calling, 1);
        atomic_store(&report->rc, is_put ? queue_put(q, 8) : queue_get(q, &item));
        atomic_store(&report->item, item);
        atomic_store(&report->returned, 1);
        _exit(0);
    }
    /* Either it returns and ends (wrong), or it goes to sleep on the lock. */
    grade_wait_asleep(pid, 2);
    if (atomic_load(&report->returned))
        grade_fail("%s finished while another process held q->lock: %s must lock q->lock "
                   "around its use of the items and of %s", call, call,
                   is_put ? "tail" : "head");
    pthread_mutex_unlock(&q->lock);
    join_or_fail(pid, 3, is_put ? "a queue_put into an empty queue did not return within "
                 "3 s of the lock's release"
                 : "a queue_get from a queue holding an item did not return within 3 s of "
                 "the lock's release");
    if (is_put ? get_or_fail(q) != 8 : atomic_load(&report->item) != 7)
        grade_fail("%s under the lock gave the wrong item", call);
}

static void test_put_takes_the_lock(void)
{
    check_takes_lock(1);
}

static void test_get_takes_the_lock(void)
{
    check_takes_lock(0);
}

static void on_sigusr1(int sig)
{
    (void)sig;
    atomic_fetch_add(&report->signals, 1);
}

/* Interrupts a wait with SIGUSR1 (handler without SA_RESTART): the call
 * must go on waiting. */
static void interrupt_wait(pid_t pid, const char *call, const char *why_waiting)
{
    grade_wait_asleep(pid, 1);          /* a poller never sleeps: interrupt it anyway */
    if (atomic_load(&report->returned))
        grade_fail("%s %s returned %d at once: it must wait, asleep, until it can go ahead",
                   call, why_waiting, atomic_load(&report->rc));
    kill(pid, SIGUSR1);
    if (grade_wait_until(&report->signals, 1, 3) != 1)
        grade_fail("the signal handler did not run within 3 s (the grader sent SIGUSR1)");
    grade_wait_asleep(pid, 1);          /* back to sleep, or returned and ended */
    if (atomic_load(&report->returned))
        grade_fail("%s %s returned %d (%s) when a signal handler interrupted its wait: "
                   "when sem_wait fails with EINTR, wait again", call, why_waiting,
                   atomic_load(&report->rc), strerror(atomic_load(&report->err)));
}

static void test_waits_survive_signals(void)
{
    struct sigaction sa;
    struct queue *q = new_queue(1);
    pid_t pid;

    report = grade_shared(sizeof *report);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigusr1;         /* no SA_RESTART: sem_wait fails, EINTR */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) == -1)
        grade_fail("sigaction: %s", strerror(errno));
    if ((pid = grade_fork()) == 0) {
        long item = -1;
        int rc = queue_get(q, &item);

        atomic_store(&report->err, errno);
        atomic_store(&report->rc, rc);
        atomic_store(&report->item, item);
        atomic_store(&report->returned, 1);
        _exit(0);
    }
    interrupt_wait(pid, "queue_get", "on an empty queue");
    put_or_fail(q, 5);
    join_or_fail(pid, 3, "a queue_get did not return within 3 s of a put");
    if (atomic_load(&report->rc) != 0 || atomic_load(&report->item) != 5)
        grade_fail("queue_get interrupted by a signal then returned %d with item %ld, "
                   "not the 5 the grader put", atomic_load(&report->rc),
                   atomic_load(&report->item));

    memset(report, 0, sizeof *report);
    put_or_fail(q, 6);                  /* capacity 1: now full */
    if ((pid = grade_fork()) == 0) {
        int rc = queue_put(q, 7);

        atomic_store(&report->err, errno);
        atomic_store(&report->rc, rc);
        atomic_store(&report->returned, 1);
        _exit(0);
    }
    interrupt_wait(pid, "queue_put", "into a full queue");
    if (get_or_fail(q) != 6)
        grade_fail("the first get after puts of 6 and 7 did not return 6");
    join_or_fail(pid, 3, "a queue_put did not return within 3 s of a get");
    if (atomic_load(&report->rc) != 0 || get_or_fail(q) != 7)
        grade_fail("queue_put interrupted by a signal then failed or lost its item");
}

/* ------------------------------------- many producers and consumers */

enum { PRODUCERS = 3, CONSUMERS = 3, PER_PRODUCER = 1000, CAPACITY = 4 };
#define STOP (-1L)

struct tally {
    atomic_int got[PRODUCERS][PER_PRODUCER];    /* how many times each item came out */
};

static long item_of(int producer, int seq)
{
    return (long)producer * PER_PRODUCER + seq;
}

static void consumer(struct queue *q, struct tally *t, int me)
{
    int last[PRODUCERS];

    for (int p = 0; p < PRODUCERS; p++)
        last[p] = -1;
    for (;;) {
        long item;
        int p, seq;

        if (queue_get(q, &item) != 0)
            grade_fail("consumer %d: queue_get returned -1 (%s)", me, strerror(errno));
        if (item == STOP)
            _exit(0);
        if (item < 0 || item >= (long)PRODUCERS * PER_PRODUCER)
            grade_fail("consumer %d got %ld, which no producer put: a get read a slot "
                       "no put had filled", me, item);
        p = (int)(item / PER_PRODUCER);
        seq = (int)(item % PER_PRODUCER);
        if (seq <= last[p])
            grade_fail("consumer %d got item %d of producer %d after that producer's item "
                       "%d: every item must come out once, and each producer's items in "
                       "the order it put them",
                       me, seq, p, last[p]);
        last[p] = seq;
        atomic_fetch_add(&t->got[p][seq], 1);
    }
}

static void test_many_producers_consumers(void)
{
    struct queue *q = new_queue(CAPACITY);
    struct tally *t = grade_shared(sizeof *t);
    pid_t producers[PRODUCERS], consumers[CONSUMERS];
    int lost = 0, twice = 0, first_p = -1, first_seq = -1;

    for (int c = 0; c < CONSUMERS; c++)
        if ((consumers[c] = grade_fork()) == 0)
            consumer(q, t, c);
    for (int p = 0; p < PRODUCERS; p++)
        if ((producers[p] = grade_fork()) == 0) {
            for (int seq = 0; seq < PER_PRODUCER; seq++)
                if (queue_put(q, item_of(p, seq)) != 0)
                    grade_fail("producer %d: queue_put returned -1 (%s)", p, strerror(errno));
            _exit(0);
        }
    for (int p = 0; p < PRODUCERS; p++)
        join_or_fail(producers[p], 20, "the producers did not finish within 20 s");
    for (int c = 0; c < CONSUMERS; c++)
        put_or_fail(q, STOP);           /* one per consumer: its end */
    for (int c = 0; c < CONSUMERS; c++)
        join_or_fail(consumers[c], 20, "the consumers did not finish within 20 s");
    for (int p = 0; p < PRODUCERS; p++)
        for (int seq = 0; seq < PER_PRODUCER; seq++) {
            int n = atomic_load(&t->got[p][seq]);

            lost += n == 0;
            twice += n > 1;
            if (n != 1 && first_p < 0) {
                first_p = p;
                first_seq = seq;
            }
        }
    if (lost > 0 || twice > 0)
        grade_fail("%d producers put %d items each through a queue of capacity %d to %d "
                   "consumers: %d never came out, %d came out more than once (the first: "
                   "item %d of producer %d): every item must come out once: is every use of "
                   "head and tail inside the lock, and does every put wait for a free slot?",
                   PRODUCERS, PER_PRODUCER, CAPACITY, CONSUMERS, lost, twice, first_seq, first_p);
}

static const struct grade_test tests[] = {
    { "put_then_get", 10, 10, test_put_then_get, HINT_WAIT, 0 },
    { "get_waits_on_empty", 20, 10, test_get_waits_on_empty, HINT_WAIT, 0 },
    { "put_waits_on_full", 20, 10, test_put_waits_on_full, HINT_WAIT, 0 },
    { "put_takes_the_lock", 10, 10, test_put_takes_the_lock, HINT_LOCK, 0 },
    { "get_takes_the_lock", 10, 10, test_get_takes_the_lock, HINT_LOCK, 0 },
    { "waits_survive_signals", 10, 15, test_waits_survive_signals, HINT_EINTR, 0 },
    { "many_producers_consumers", 20, 30, test_many_producers_consumers, HINT_MANY, 0 },
};

int main(int argc, char *argv[])
{
    return grade_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
