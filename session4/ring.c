/* ring.c - session4's fast queue (`--queue ring`), the lock-free twin of
 * bounded_buffer.c behind the same interface (queue.h); docs/session4.md.
 *
 * The ring is Dmitry Vyukov's bounded multi-producer multi-consumer queue:
 * every slot has an atomic sequence number that says whose turn it is, so a
 * put or get that does not have to wait takes no lock and makes no system
 * call. Two process-shared semaphores are used only to sleep while the queue
 * is full or empty. Not a mutex and condition variables: a process killed
 * while waiting on a glibc condition variable can make every later
 * pthread_cond_broadcast wait for it forever (tests/test_session4.c,
 * a_consumer_killed_while_asleep_leaves_the_queue_working).
 */
#include "queue_impl.h"

#include "clock.h"
#include "shm.h"

#include <errno.h>
#include <semaphore.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* How often a put or get retries before it goes to sleep: a short spin
 * saves a sleep and a wake-up (two system calls) when the other side is
 * running on the other core and about to make room or bring an item. */
#define SPIN_TRIES 200

/* Separate cache lines for what producers write and what consumers write,
 * so the two sides do not keep stealing one line from each other. */
#define CACHE_LINE 64

struct slot {
    atomic_size_t seq;      /* == 2*pos: free for the put at pos;
                             * == 2*pos + 1: holds the message for the get at pos.
                             * (Doubled so that even a 1-slot queue can tell
                             * "full at pos" from "free for pos + 1".) */
    uint32_t len;
    unsigned char data[];   /* max_msg bytes */
};

struct ring {
    size_t capacity, slot_size, map_size;
    alignas(CACHE_LINE) atomic_size_t enqueue_pos;  /* next put */
    alignas(CACHE_LINE) atomic_size_t dequeue_pos;  /* next get */
    alignas(CACHE_LINE) atomic_int closed;
    atomic_int put_waiters, get_waiters;            /* processes asleep */
    sem_t not_full, not_empty;                      /* wake-up calls */
    alignas(CACHE_LINE) unsigned char slots[];
};

static struct slot *slot_at(struct ring *q, size_t pos)
{
    return (struct slot *)(q->slots + (pos % q->capacity) * q->slot_size);
}

static int init_sync(struct ring *q)
{
    /* pshared = 1: the semaphores live in shared memory and work across
     * processes. They start at 0: no wake-up is pending. */
    if (sem_init(&q->not_full, 1, 0) == -1)
        return -1;
    if (sem_init(&q->not_empty, 1, 0) == -1) {
        sem_destroy(&q->not_full);
        return -1;
    }
    return 0;
}

static void *ring_create(size_t capacity, size_t max_msg)
{
    size_t slot_size, map_size;
    struct ring *q;
    int err;

    slot_size = (sizeof(struct slot) + max_msg + alignof(struct slot) - 1)
                / alignof(struct slot) * alignof(struct slot);
    if (capacity > (SIZE_MAX - sizeof *q) / slot_size) {
        errno = ENOMEM;
        return NULL;
    }
    map_size = sizeof *q + capacity * slot_size;
    q = shared_alloc(map_size);
    if (q == NULL)
        return NULL;
    q->capacity = capacity;
    q->slot_size = slot_size;
    q->map_size = map_size;
    for (size_t i = 0; i < capacity; i++)
        atomic_init(&slot_at(q, i)->seq, 2 * i);
    if (init_sync(q) == -1) {
        err = errno;
        shared_free(q, map_size);
        errno = err;
        return NULL;
    }
    return q;
}

/* One attempt, never waiting. QUEUE_OK or QUEUE_FULL. */
static enum queue_result try_put(struct ring *q, const void *msg, size_t len)
{
    size_t pos = atomic_load_explicit(&q->enqueue_pos, memory_order_relaxed);
    struct slot *s;

    for (;;) {
        s = slot_at(q, pos);
        size_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        intptr_t diff = (intptr_t)seq - (intptr_t)(2 * pos);

        if (diff == 0) {        /* the slot is free: claim position pos */
            if (atomic_compare_exchange_weak_explicit(&q->enqueue_pos, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed))
                break;          /* on failure pos holds the new value: retry */
        } else if (diff < 0) {  /* the get of the previous round is not done */
            return QUEUE_FULL;
        } else {                /* another producer took pos: look again */
            pos = atomic_load_explicit(&q->enqueue_pos, memory_order_relaxed);
        }
    }
    if (len > 0)                /* memcpy from NULL is undefined, even of 0 bytes */
        memcpy(s->data, msg, len);
    s->len = (uint32_t)len;
    /* Release: a consumer that sees seq == 2*pos + 1 also sees data and len. */
    atomic_store_explicit(&s->seq, 2 * pos + 1, memory_order_release);
    return QUEUE_OK;
}

/* One attempt, never waiting. QUEUE_OK or QUEUE_EMPTY. */
static enum queue_result try_get(struct ring *q, void *buf, size_t *len)
{
    size_t pos = atomic_load_explicit(&q->dequeue_pos, memory_order_relaxed);
    struct slot *s;

    for (;;) {
        s = slot_at(q, pos);
        size_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        intptr_t diff = (intptr_t)seq - (intptr_t)(2 * pos + 1);

        if (diff == 0) {        /* a message is there: claim it */
            if (atomic_compare_exchange_weak_explicit(&q->dequeue_pos, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if (diff < 0) {  /* nothing put at pos yet */
            return QUEUE_EMPTY;
        } else {
            pos = atomic_load_explicit(&q->dequeue_pos, memory_order_relaxed);
        }
    }
    *len = s->len;
    if (s->len > 0)
        memcpy(buf, s->data, s->len);
    /* The slot is free for the put one lap later. */
    atomic_store_explicit(&s->seq, 2 * (pos + q->capacity), memory_order_release);
    return QUEUE_OK;
}

/* Wakes one sleeper on sem, if there is one. The seq_cst fence pairs with
 * the one in sleep_until: either this side sees the waiter count, or the
 * waiter's own retry sees the change just made. A post made while the
 * waiter was still on its way to sem_wait is kept by the semaphore, so no
 * wake-up is lost; a spare one only costs the waiter one more look. */
static void wake(atomic_int *waiters, sem_t *sem)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(waiters, memory_order_relaxed) > 0)
        sem_post(sem);  /* only fails with EOVERFLOW: enough wake-ups are pending */
}

/* The slow path of put and get: retry `attempt`, sleeping on sem between
 * tries, until it succeeds, the queue is closed, or the deadline passes.
 * Nothing is held while asleep, so a process killed here leaves nothing
 * locked behind: only its count in *waiters, which costs the others a
 * spare sem_post now and then. */
typedef enum queue_result (*attempt_fn)(struct ring *q, void *arg);

static enum queue_result sleep_until(struct ring *q, attempt_fn attempt, void *arg,
                                     atomic_int *waiters, sem_t *sem, double timeout)
{
    /* sem_timedwait takes a CLOCK_REALTIME deadline. */
    struct timespec deadline = deadline_after(CLOCK_REALTIME, timeout < 0 ? 0 : timeout);
    enum queue_result r;

    atomic_fetch_add(waiters, 1);
    atomic_thread_fence(memory_order_seq_cst);
    while ((r = attempt(q, arg)) == QUEUE_FULL || r == QUEUE_EMPTY) {
        int rc = timeout < 0 ? sem_wait(sem) : sem_timedwait(sem, &deadline);

        if (rc == -1 && errno == ETIMEDOUT) {
            r = attempt(q, arg);    /* one last look */
            if (r == QUEUE_FULL || r == QUEUE_EMPTY)
                r = QUEUE_TIMEOUT;
            break;
        }
        if (rc == -1 && errno != EINTR) {
            r = QUEUE_ERROR;
            break;
        }
    }
    atomic_fetch_sub(waiters, 1);
    return r;
}

struct put_args {
    const void *msg;
    size_t len;
};

static enum queue_result attempt_put(struct ring *q, void *arg)
{
    struct put_args *a = arg;

    if (atomic_load(&q->closed))
        return QUEUE_CLOSED;
    return try_put(q, a->msg, a->len);
}

/* One side of the ring: the processes asleep on it, and the semaphore they
 * sleep on (puts wait for "not full", gets for "not empty"). */
struct side {
    atomic_int *waiters;
    sem_t *sem;
};

/* A put or a get: a few tries spinning (`busy`: the answer that means try
 * again), then asleep on `mine` until the attempt succeeds, the queue is
 * closed or the deadline passes; a success wakes one sleeper of `other`. */
static enum queue_result spin_then_sleep(struct ring *q, attempt_fn attempt, void *arg,
                                         enum queue_result busy, struct side mine,
                                         struct side other, double timeout)
{
    enum queue_result r;

    for (int i = 0; i < SPIN_TRIES; i++)
        if ((r = attempt(q, arg)) != busy || timeout == QUEUE_NOWAIT)
            goto done;
    r = sleep_until(q, attempt, arg, mine.waiters, mine.sem, timeout);
done:
    if (r == QUEUE_OK)
        wake(other.waiters, other.sem);
    return r;
}

static enum queue_result ring_put(void *shared, const void *msg, size_t len, double timeout)
{
    struct ring *q = shared;
    struct put_args a = { msg, len };

    return spin_then_sleep(q, attempt_put, &a, QUEUE_FULL,
                           (struct side){ &q->put_waiters, &q->not_full },
                           (struct side){ &q->get_waiters, &q->not_empty }, timeout);
}

struct get_args {
    void *buf;
    size_t *len;
};

static enum queue_result attempt_get(struct ring *q, void *arg)
{
    struct get_args *a = arg;
    int closed = atomic_load(&q->closed);
    enum queue_result r = try_get(q, a->buf, a->len);

    /* closed was read *before* the try: every put finished before the
     * close, so an empty queue now is empty for good. */
    if (r == QUEUE_EMPTY && closed)
        return QUEUE_CLOSED;
    return r;
}

static enum queue_result ring_get(void *shared, void *buf, size_t *len, double timeout)
{
    struct ring *q = shared;
    struct get_args a = { buf, len };

    return spin_then_sleep(q, attempt_get, &a, QUEUE_EMPTY,
                           (struct side){ &q->get_waiters, &q->not_empty },
                           (struct side){ &q->put_waiters, &q->not_full }, timeout);
}

/* Posts one wake-up for every process asleep on sem. */
static void wake_all(atomic_int *waiters, sem_t *sem)
{
    for (int n = atomic_load(waiters); n > 0; n--)
        sem_post(sem);
}

static void ring_close(void *shared)
{
    struct ring *q = shared;

    atomic_store(&q->closed, 1);
    /* A sleeper counted itself before its last look: either it is counted
     * here and gets a wake-up, or its look comes after this store and sees
     * closed (both sides are seq_cst). */
    atomic_thread_fence(memory_order_seq_cst);
    wake_all(&q->get_waiters, &q->not_empty);
    wake_all(&q->put_waiters, &q->not_full);
}

static size_t ring_size(void *shared)
{
    struct ring *q = shared;
    size_t out = atomic_load(&q->dequeue_pos);
    size_t in = atomic_load(&q->enqueue_pos);

    /* The two loads are not one moment: clamp what cannot be. */
    if (in < out)
        return 0;
    return in - out > q->capacity ? q->capacity : in - out;
}

static int ring_destroy(void *shared)
{
    struct ring *q = shared;

    sem_destroy(&q->not_full);
    sem_destroy(&q->not_empty);
    return shared_free(q, q->map_size);
}

const struct queue_ops ring_ops = {
    ring_create, ring_put, ring_get, ring_close, ring_size, ring_destroy,
};
