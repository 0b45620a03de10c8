/* session4 - a Queue between processes.
 *
 * p1 puts the squares into a queue; after p1 is joined, p2 takes them out.
 * The queue (queue.c) is a ring in shared memory made before fork(); the
 * options run many producers and consumers through it and check that
 * nothing is lost or duplicated. docs/session4.md explains it.
 */
#include "args.h"
#include "die.h"
#include "output.h"
#include "proc.h"
#include "shm.h"
#include "session4/queue.h"

#include <errno.h>
#include <getopt.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_PROCS 64
#define MAX_ITEMS 100000000L    /* producers x count: one byte each to check */

struct options {
    long producers, consumers, count, maxsize;
    int counting;               /* --producers/--consumers/--count/--maxsize given */
    int concurrent;
};

/* ------------------------------------------------ the tutorial's program */

static const long mylist[] = { 1, 2, 3, 4 };

/* The target of p1: q.put(num * num) for each number. */
static int square_list(void *arg)
{
    struct queue *q = arg;

    for (size_t i = 0; i < sizeof mylist / sizeof mylist[0]; i++) {
        long square = mylist[i] * mylist[i];

        if (queue_put(q, &square, sizeof square, QUEUE_FOREVER) != QUEUE_OK)
            die_child("queue_put");
    }
    return 0;
}

/* The target of p2: the tutorial's `while not q.empty(): print(q.get())`.
 * Safe here only because p1 was joined first: nobody can put any more, so
 * an empty() snapshot cannot go stale. --concurrent shows when it does. */
static int print_queue(void *arg)
{
    struct queue *q = arg;
    long square;
    size_t len;

    printf("Queue elements:\n");
    while (!queue_empty(q)) {
        if (queue_get(q, &square, sizeof square, &len, QUEUE_FOREVER) != QUEUE_OK)
            die_child("queue_get");
        printf("%ld\n", square);
    }
    printf("Queue is now empty!\n");
    return 0;
}

static _Noreturn void stop_all(const char *name, int status)
{
    char how[64];

    proc_terminate_all(SIGTERM);
    fail("process %s %s", name, proc_describe_status(status, how, sizeof how));
}

/* The processes of the options' runs: who they are, and which produce. */
struct crew {
    long n, producers_left;
    pid_t pid[2 * MAX_PROCS + 1];
    char name[2 * MAX_PROCS + 1][32];
    int produces[2 * MAX_PROCS + 1];
};

static void crew_start(struct crew *c, proc_fn fn, void *arg, int produces,
                       const char *name)
{
    pid_t pid = proc_start(fn, arg);

    if (pid == -1) {
        proc_terminate_all(SIGTERM);
        die("fork");
    }
    c->pid[c->n] = pid;
    c->produces[c->n] = produces;
    c->producers_left += produces;
    snprintf(c->name[c->n], sizeof c->name[0], "%s", name);
    c->n++;
}

/* Joins the processes in the order they end. When the last producer has
 * ended, closes q: the consumers then drain it and see end-of-queue. A
 * process that fails stops all the others at once; joining in a fixed
 * order could instead wait forever on a producer blocked on a full queue
 * whose consumer is dead. */
static void crew_join(struct crew *c, struct queue *q)
{
    for (long left = c->n; left > 0; left--) {
        int status;
        pid_t pid = proc_join_any(&status);
        long i = 0;

        if (pid == -1)
            die("waitpid");
        while (i < c->n && c->pid[i] != pid)
            i++;
        if (i == c->n || !proc_succeeded(status))
            stop_all(i == c->n ? "unknown" : c->name[i], status);
        if (c->produces[i] && --c->producers_left == 0)
            queue_close(q);
    }
}

static void run_tutorial(void)
{
    struct queue *q = queue_new(0, sizeof(long));  /* q = multiprocessing.Queue() */
    pid_t p1, p2;

    if (q == NULL)
        die("queue_new");
    if ((p1 = proc_start(square_list, q)) == -1)
        die("fork");
    join_or_fail(p1, "p1");
    if ((p2 = proc_start(print_queue, q)) == -1)
        die("fork");
    join_or_fail(p2, "p2");
    queue_free(q);
}

/* ------------------------------------------- many producers and consumers */

/* What the processes report back, in shared memory. */
struct tally {
    long count;                         /* items per producer */
    long waited[MAX_PROCS];             /* per producer: puts that found it full */
    long took[MAX_PROCS];               /* per consumer */
    long out_of_order[MAX_PROCS];       /* per consumer: FIFO broken (never) */
    atomic_uchar seen[];                /* per item: times some consumer got it */
};

struct worker {
    struct queue *q;
    struct tally *t;
    long index;
    long producers;
};

/* Producer i puts i*count .. i*count + count-1: distinct across producers,
 * so each consumer can tell whose item it got and in which order. */
static int producer(void *arg)
{
    struct worker *w = arg;

    for (long k = 0; k < w->t->count; k++) {
        uint64_t item = (uint64_t)(w->index * w->t->count + k);
        enum queue_result r = queue_put(w->q, &item, sizeof item, QUEUE_NOWAIT);

        if (r == QUEUE_FULL) {          /* count it, then block like q.put() */
            w->t->waited[w->index]++;
            r = queue_put(w->q, &item, sizeof item, QUEUE_FOREVER);
        }
        if (r != QUEUE_OK)
            die_child("queue_put");
    }
    return 0;
}

/* Takes until end-of-queue: never asks empty(), so never stops early. */
static int consumer(void *arg)
{
    struct worker *w = arg;
    long *last = malloc((size_t)w->producers * sizeof *last);
    enum queue_result r;
    uint64_t item;
    size_t len;

    if (last == NULL)
        die_child("malloc");
    for (long p = 0; p < w->producers; p++)
        last[p] = -1;
    while ((r = queue_get(w->q, &item, sizeof item, &len, QUEUE_FOREVER)) == QUEUE_OK) {
        long from = (long)(item / (uint64_t)w->t->count);
        long k = (long)(item % (uint64_t)w->t->count);

        if (len != sizeof item || from >= w->producers) {
            fprintf(stderr, "session4: consumer %ld got a malformed item\n", w->index + 1);
            _exit(1);
        }
        if (k <= last[from])            /* each producer's items in order */
            w->t->out_of_order[w->index]++;
        last[from] = k;
        atomic_fetch_add_explicit(&w->t->seen[item], 1, memory_order_relaxed);
        w->t->took[w->index]++;
    }
    free(last);
    if (r != QUEUE_CLOSED)
        die_child("queue_get");
    return 0;
}

static void report(const struct options *o, const struct tally *t)
{
    long total = o->producers * o->count, received = 0, lost = 0, dup = 0, disorder = 0;

    for (long i = 0; i < o->producers; i++)
        printf("producer %ld put %ld items, found the queue full %ld times\n",
               i + 1, o->count, t->waited[i]);
    for (long j = 0; j < o->consumers; j++) {
        printf("consumer %ld took %ld items\n", j + 1, t->took[j]);
        received += t->took[j];
        disorder += t->out_of_order[j];
    }
    for (long n = 0; n < total; n++) {
        unsigned char times = atomic_load(&t->seen[n]);

        lost += times == 0;
        dup += times > 1;
    }
    if (lost != 0 || dup != 0 || disorder != 0)
        fail("received %ld of %ld items: %ld lost, %ld duplicated, %ld out of order",
             received, total, lost, dup, disorder);
    printf("received %ld of %ld items, none lost or duplicated\n", received, total);
}

static void run_counting(const struct options *o)
{
    size_t tally_size = sizeof(struct tally) + (size_t)(o->producers * o->count);
    struct tally *t = shared_alloc(tally_size);
    struct queue *q = queue_new((size_t)o->maxsize, sizeof(uint64_t));
    struct worker w[2 * MAX_PROCS];
    struct crew crew = { 0 };
    char name[32];

    if (t == NULL || q == NULL)
        die("mmap");
    t->count = o->count;
    for (long i = 0; i < o->consumers + o->producers; i++) {
        int is_consumer = i < o->consumers;
        long index = is_consumer ? i : i - o->consumers;

        w[i] = (struct worker){ q, t, index, o->producers };
        snprintf(name, sizeof name, "%s %ld", is_consumer ? "consumer" : "producer", index + 1);
        crew_start(&crew, is_consumer ? consumer : producer, &w[i], !is_consumer, name);
    }
    crew_join(&crew, q);
    report(o, t);
    queue_free(q);
    shared_free(t, tally_size);
}

/* ------------------------------------ --concurrent: empty() is a snapshot */

/* One producer feeds two queues alike; consumer A drains qa the tutorial's
 * way, consumer B drains qb until end-of-queue. All three start together.
 * A starts draining once the first half is in; the producer pauses there
 * until A has decided (a slow producer, made certain with semaphores rather
 * than left to luck), and A's empty() answer is then true and already out
 * of date. */
struct side_by_side {
    struct queue *qa, *qb;
    long count;
    long took_a, took_b;
    sem_t half_put, a_decided;
};

static void sem_wait_or_die(sem_t *s)
{
    while (sem_wait(s) == -1)
        if (errno != EINTR)
            die_child("sem_wait");
}

static int slow_producer(void *arg)
{
    struct side_by_side *s = arg;

    for (long k = 1; k <= s->count; k++) {
        if (k == s->count / 2 + 1) {
            sem_post(&s->half_put);
            sem_wait_or_die(&s->a_decided);     /* the producer is slow here */
        }
        if (queue_put(s->qa, &k, sizeof k, QUEUE_FOREVER) != QUEUE_OK ||
            queue_put(s->qb, &k, sizeof k, QUEUE_FOREVER) != QUEUE_OK)
            die_child("queue_put");
    }
    return 0;
}

static int drain_while_not_empty(void *arg)
{
    struct side_by_side *s = arg;
    size_t len;
    long k;

    sem_wait_or_die(&s->half_put);      /* start once there is something */
    while (!queue_empty(s->qa)) {
        if (queue_get(s->qa, &k, sizeof k, &len, QUEUE_FOREVER) != QUEUE_OK)
            die_child("queue_get");
        s->took_a++;
    }
    sem_post(&s->a_decided);
    return 0;
}

static int get_until_end_of_queue(void *arg)
{
    struct side_by_side *s = arg;
    enum queue_result r;
    size_t len;
    long k;

    while ((r = queue_get(s->qb, &k, sizeof k, &len, QUEUE_FOREVER)) == QUEUE_OK)
        s->took_b++;
    if (r != QUEUE_CLOSED)
        die_child("queue_get");
    return 0;
}

static void run_concurrent(const struct options *o)
{
    struct side_by_side *s = shared_alloc(sizeof *s);
    struct crew crew = { 0 };

    if (s == NULL)
        die("mmap");
    s->count = o->count;
    s->qa = queue_new((size_t)o->maxsize, sizeof(long));
    s->qb = queue_new((size_t)o->maxsize, sizeof(long));
    if (s->qa == NULL || s->qb == NULL)
        die("queue_new");
    if (sem_init(&s->half_put, 1, 0) == -1 || sem_init(&s->a_decided, 1, 0) == -1)
        die("sem_init");
    crew_start(&crew, slow_producer, s, 1, "producer");
    crew_start(&crew, drain_while_not_empty, s, 0, "consumer A");
    crew_start(&crew, get_until_end_of_queue, s, 0, "consumer B");
    crew_join(&crew, s->qb);        /* closes qb once the producer is done */
    printf("drain while not empty(): took %ld of %ld items, then saw empty() and stopped early\n",
           s->took_a, s->count);
    printf("get until end-of-queue:  took %ld of %ld items\n", s->took_b, s->count);
    queue_free(s->qa);
    queue_free(s->qb);
    sem_destroy(&s->half_put);
    sem_destroy(&s->a_decided);
    shared_free(s, sizeof *s);
}

/* ------------------------------------------------------------ the options */

static void usage(void)
{
    printf("Usage: session4 [OPTION]...\n"
           "A Queue in shared memory: p1 puts the squares of 1 2 3 4, p2 takes them out.\n"
           "With any of the options below, many processes share one queue instead.\n"
           "\n"
           "  -p, --producers=P  producer processes, 1..%d (default 1)\n"
           "  -c, --consumers=C  consumer processes, 1..%d (default 1)\n"
           "  -n, --count=N      items each producer puts, 1..%ld in all (default 1000)\n"
           "  -m, --maxsize=S    the queue holds at most S items, 0..1000000; 0 is\n"
           "                     %d (default 0)\n"
           "      --concurrent   one producer, two consumers started while it runs:\n"
           "                     'while not empty()' next to 'get until end-of-queue'\n"
           "                     (--count at most twice the queue size)\n"
           "  -h, --help         print this help and exit\n"
           "\n"
           "Explained in docs/session4.md.\n",
           MAX_PROCS, MAX_PROCS, MAX_ITEMS, QUEUE_DEFAULT_MAXSIZE);
}

/* The number of items each --concurrent queue holds. */
static long concurrent_capacity(const struct options *o)
{
    return o->maxsize > 0 ? o->maxsize : QUEUE_DEFAULT_MAXSIZE;
}

static void parse_options(int argc, char *argv[], struct options *o)
{
    static const struct option options[] = {
        { "producers",  required_argument, NULL, 'p' },
        { "consumers",  required_argument, NULL, 'c' },
        { "count",      required_argument, NULL, 'n' },
        { "maxsize",    required_argument, NULL, 'm' },
        { "concurrent", no_argument,       NULL, 'C' },
        { "help",       no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char msg[ARG_MSG_SIZE];
    int opt, rc = 0;

    *o = (struct options){ 1, 1, 1000, 0, 0, 0 };
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":p:c:n:m:h", options, NULL)) != -1) {
        switch (opt) {
        case 'p': rc = arg_long(optarg, "--producers", 1, MAX_PROCS, &o->producers, msg, sizeof msg); break;
        case 'c': rc = arg_long(optarg, "--consumers", 1, MAX_PROCS, &o->consumers, msg, sizeof msg); break;
        case 'n': rc = arg_long(optarg, "--count", 1, MAX_ITEMS, &o->count, msg, sizeof msg); break;
        case 'm': rc = arg_long(optarg, "--maxsize", 0, 1000000, &o->maxsize, msg, sizeof msg); break;
        case 'C': o->concurrent = 1; break;
        case 'h': usage(); exit(0);
        default:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            rc = -1;
        }
        if (rc == -1)
            usage_error("%s", msg);
        if (opt != 'C')
            o->counting = 1;
    }
    if (optind < argc)
        usage_error("unexpected argument '%s' (session4 takes options only)", argv[optind]);
    if (o->producers * o->count > MAX_ITEMS)
        usage_error("--producers x --count is %ld items (accepted: at most %ld in all)",
                    o->producers * o->count, MAX_ITEMS);
    if (o->concurrent && (o->producers != 1 || o->consumers != 1))
        usage_error("--concurrent runs one producer and two consumers "
                    "(accepted with it: --count, --maxsize)");
    if (o->concurrent && o->count < 2)
        usage_error("--concurrent needs --count 2 or more, to pause half way");
    /* Queue A holds the first half until consumer A starts, and nobody takes
     * the second half after A stops early: each half must fit, or the
     * producer would wait for room forever. */
    if (o->concurrent && o->count > 2 * concurrent_capacity(o))
        usage_error("--concurrent --count %ld does not fit: queue A must hold each half "
                    "(accepted: --count at most %ld, twice the queue size)",
                    o->count, 2 * concurrent_capacity(o));
}

int main(int argc, char *argv[])
{
    struct options o;

    die_init("session4");
    parse_options(argc, argv, &o);
    if (output_line_buffered() == -1)
        die("setvbuf");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");

    if (o.concurrent)
        run_concurrent(&o);
    else if (o.counting)
        run_counting(&o);
    else
        run_tutorial();
    return fflush(stdout) == 0 ? 0 : 1;
}
