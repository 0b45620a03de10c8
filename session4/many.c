/* many.c - session4 --producers/--consumers/--count/--maxsize: many processes
 * share one queue, and the run checks that every item arrived exactly once
 * and each producer's items in order. docs/session4.md, "Going further".
 */
#include "crew.h"
#include "labs.h"
#include "queue.h"

#include "die.h"
#include "shm.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

int lab_many(const struct options *o)
{
    size_t tally_size = sizeof(struct tally) + (size_t)(o->producers * o->count);
    struct tally *t = shared_alloc(tally_size);
    struct queue *q = queue_new(o->queue, (size_t)o->maxsize, sizeof(uint64_t));
    struct worker w[2 * MAX_PROCS];
    struct crew crew = { 0 };
    char name[32];

    if (t == NULL)
        die("mmap");
    if (q == NULL)
        die("queue_new");
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
    return 0;
}
