/* bounded_buffer.c - the textbook producer/consumer queue, session4's default.
 *
 * A ring of slots in MAP_SHARED memory, one process-shared mutex around the
 * ring's indices, and two counting semaphores: free_slots (how many puts can
 * go ahead) and filled_slots (how many gets can). put waits for a free slot,
 * locks, stores, unlocks, posts a filled slot; get is the mirror image.
 * docs/session4.md draws it; ring.c is the lock-free alternative.
 */
#include "queue_impl.h"

#include "clock.h"
#include "shm.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

struct slot {
    uint32_t len;
    unsigned char data[];   /* max_msg bytes */
};

struct bounded_buffer {
    size_t capacity, slot_size, map_size;
    pthread_mutex_t lock;   /* guards the four fields below and the slots */
    size_t head, tail;      /* next slot to get from, next slot to put into */
    size_t count;           /* messages in the ring */
    int closed;
    sem_t free_slots;       /* starts at capacity */
    sem_t filled_slots;     /* starts at 0 */
    alignas(max_align_t) unsigned char slots[];
};

static struct slot *slot_at(struct bounded_buffer *b, size_t i)
{
    return (struct slot *)(b->slots + i * b->slot_size);
}

static int init_lock(pthread_mutex_t *lock)
{
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);

    if (rc == 0) {
        /* A mutex in shared memory works across processes only with this. */
        rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        if (rc == 0)
            rc = pthread_mutex_init(lock, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    if (rc != 0)
        errno = rc;
    return rc == 0 ? 0 : -1;
}

static void *bb_create(size_t capacity, size_t max_msg)
{
    size_t slot_size = (sizeof(struct slot) + max_msg + alignof(struct slot) - 1)
                       / alignof(struct slot) * alignof(struct slot);
    struct bounded_buffer *b;
    size_t map_size;
    int err;

    if (capacity > SEM_VALUE_MAX || capacity > (SIZE_MAX - sizeof *b) / slot_size) {
        errno = ENOMEM;
        return NULL;
    }
    map_size = sizeof *b + capacity * slot_size;
    if ((b = shared_alloc(map_size)) == NULL)
        return NULL;
    b->capacity = capacity;
    b->slot_size = slot_size;
    b->map_size = map_size;
    /* pshared = 1: the semaphores live in shared memory, for every process. */
    if (init_lock(&b->lock) == -1)
        goto fail;
    if (sem_init(&b->free_slots, 1, (unsigned)capacity) == -1)
        goto fail_lock;
    if (sem_init(&b->filled_slots, 1, 0) == -1)
        goto fail_free_slots;
    return b;
fail_free_slots:
    sem_destroy(&b->free_slots);
fail_lock:
    pthread_mutex_destroy(&b->lock);
fail:
    err = errno;
    shared_free(b, map_size);
    errno = err;
    return NULL;
}

/* sem_wait with a timeout (QUEUE_FOREVER, QUEUE_NOWAIT or seconds), going
 * on after a signal. Returns 0, or -1 with errno: EAGAIN (would block),
 * ETIMEDOUT, or a real error. */
static int timed_sem_wait(sem_t *sem, double timeout)
{
    struct timespec deadline;
    int rc;

    if (timeout == QUEUE_NOWAIT)
        return sem_trywait(sem);
    if (timeout > 0)    /* sem_timedwait wants a CLOCK_REALTIME deadline */
        deadline = deadline_after(CLOCK_REALTIME, timeout);
    do
        rc = timeout < 0 ? sem_wait(sem) : sem_timedwait(sem, &deadline);
    while (rc == -1 && errno == EINTR);
    return rc;
}

static int lock(struct bounded_buffer *b)
{
    int rc = pthread_mutex_lock(&b->lock);

    if (rc != 0)
        errno = rc;
    return rc == 0 ? 0 : -1;
}

static void unlock(struct bounded_buffer *b)
{
    pthread_mutex_unlock(&b->lock);     /* only fails if we do not hold it */
}

/* What a wait that did not get its semaphore means. */
static enum queue_result not_now(struct bounded_buffer *b, enum queue_result would_block)
{
    int err = errno, closed;

    if (err != EAGAIN && err != ETIMEDOUT)
        return QUEUE_ERROR;
    if (lock(b) == -1)
        return QUEUE_ERROR;
    closed = b->closed;
    unlock(b);
    if (closed)
        return QUEUE_CLOSED;
    return err == EAGAIN ? would_block : QUEUE_TIMEOUT;
}

/* sem_post, then r; QUEUE_ERROR when the post fails. */
static enum queue_result post_sem(sem_t *sem, enum queue_result r)
{
    return sem_post(sem) == -1 ? QUEUE_ERROR : r;
}

/* The first half of a put or a get: wait on slots (free or filled), then
 * take the lock. QUEUE_OK with the lock held; anything else says why not
 * (would_block: the slot the caller waits for is not there), the lock not
 * held and a slot taken given back. */
static enum queue_result take_slot(struct bounded_buffer *b, sem_t *slots,
                                   enum queue_result would_block, double timeout)
{
    if (timed_sem_wait(slots, timeout) == -1)
        return not_now(b, would_block);
    if (lock(b) == -1)
        return post_sem(slots, QUEUE_ERROR);                /* give the slot back */
    return QUEUE_OK;
}

static enum queue_result bb_put(void *shared, const void *msg, size_t len, double timeout)
{
    struct bounded_buffer *b = shared;
    enum queue_result r = take_slot(b, &b->free_slots, QUEUE_FULL, timeout);   /* a free slot */
    struct slot *s;

    if (r != QUEUE_OK)
        return r;
    if (b->closed) {    /* maybe the wake-up of queue_close: pass it on */
        unlock(b);
        return post_sem(&b->free_slots, QUEUE_CLOSED);
    }
    s = slot_at(b, b->tail);                            /* store */
    if (len > 0)                /* memcpy from NULL is undefined, even of 0 bytes */
        memcpy(s->data, msg, len);
    s->len = (uint32_t)len;
    b->tail = (b->tail + 1) % b->capacity;
    b->count++;
    unlock(b);
    return post_sem(&b->filled_slots, QUEUE_OK);            /* post a filled slot */
}

static enum queue_result bb_get(void *shared, void *buf, size_t *len, double timeout)
{
    struct bounded_buffer *b = shared;
    enum queue_result r = take_slot(b, &b->filled_slots, QUEUE_EMPTY, timeout); /* a message */
    struct slot *s;

    if (r != QUEUE_OK)
        return r;
    if (b->count == 0) {
        /* Every put posts after it stored, so a filled slot with nothing in
         * the ring is the one wake-up queue_close posted: closed and
         * drained. Pass it on, so the next waiting get ends too. */
        unlock(b);
        return post_sem(&b->filled_slots, QUEUE_CLOSED);
    }
    s = slot_at(b, b->head);                            /* take */
    *len = s->len;
    if (s->len > 0)
        memcpy(buf, s->data, s->len);
    b->head = (b->head + 1) % b->capacity;
    b->count--;
    unlock(b);
    return post_sem(&b->free_slots, QUEUE_OK);              /* post a free slot */
}

/* One extra post on each semaphore wakes one sleeper; it sees `closed`
 * (or an empty ring) and posts again for the next: a chain that ends
 * every wait, however many processes sleep. */
static void bb_close(void *shared)
{
    struct bounded_buffer *b = shared;
    int was_closed;

    if (lock(b) == -1)
        return;
    was_closed = b->closed;
    b->closed = 1;
    unlock(b);
    if (!was_closed) {
        sem_post(&b->filled_slots);     /* fails only with EOVERFLOW, when */
        sem_post(&b->free_slots);       /* wake-ups are pending anyway */
    }
}

static size_t bb_size(void *shared)
{
    struct bounded_buffer *b = shared;
    size_t count;

    if (lock(b) == -1)
        return 0;
    count = b->count;
    unlock(b);
    return count;
}

static int bb_destroy(void *shared)
{
    struct bounded_buffer *b = shared;

    sem_destroy(&b->free_slots);
    sem_destroy(&b->filled_slots);
    pthread_mutex_destroy(&b->lock);
    return shared_free(b, b->map_size);
}

const struct queue_ops bounded_buffer_ops = {
    bb_create, bb_put, bb_get, bb_close, bb_size, bb_destroy,
};
