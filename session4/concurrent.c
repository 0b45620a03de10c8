/* concurrent.c - session4 --concurrent: empty() is only a snapshot.
 *
 * One producer feeds two queues alike; consumer A drains qa the tutorial's
 * way (while not empty()), consumer B drains qb until end-of-queue. All
 * three start together. A starts draining once the first half is in; the
 * producer pauses there until A has decided (a slow producer, made certain
 * with semaphores rather than left to luck), and A's empty() answer is then
 * true and already out of date. docs/session4.md, "Going further".
 */
#include "crew.h"
#include "labs.h"
#include "queue.h"

#include "die.h"
#include "shm.h"

#include <errno.h>
#include <semaphore.h>
#include <stdio.h>

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
            if (sem_post(&s->half_put) == -1)
                die_child("sem_post");
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
    if (sem_post(&s->a_decided) == -1)
        die_child("sem_post");
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

int lab_concurrent(const struct options *o)
{
    struct side_by_side *s = shared_alloc(sizeof *s);
    struct crew crew = { 0 };

    if (s == NULL)
        die("mmap");
    s->count = o->count;
    s->qa = queue_new(o->queue, (size_t)o->maxsize, sizeof(long));
    s->qb = queue_new(o->queue, (size_t)o->maxsize, sizeof(long));
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
    return 0;
}
