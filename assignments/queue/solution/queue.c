/* queue.c - the bounded buffer: put and get with a lock and two counting
 * semaphores (the queue assignment, README.md; docs/session4.md).
 *
 * free_slots counts the puts that may go ahead, filled_slots the gets. A
 * put waits for a free slot, stores under the lock, then posts a filled
 * slot; a get is its mirror image.
 */
#define _DEFAULT_SOURCE         /* MAP_ANONYMOUS: Linux and the BSDs */
#include "queue.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <sys/mman.h>

static size_t queue_size_of(size_t capacity)
{
    return sizeof(struct queue) + capacity * sizeof(long);
}

struct queue *queue_new(size_t capacity)
{
    pthread_mutexattr_t attr;
    struct queue *q;
    int rc;

    if (capacity == 0) {
        errno = EINVAL;
        return NULL;
    }
    /* MAP_SHARED before fork(): every child sees the same pages. */
    q = mmap(NULL, queue_size_of(capacity), PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED)
        return NULL;
    q->capacity = capacity;
    q->head = q->tail = 0;
    /* A mutex and semaphores in shared memory work across processes only
     * when they are made for it: PTHREAD_PROCESS_SHARED, pshared = 1. */
    if ((rc = pthread_mutexattr_init(&attr)) == 0) {
        rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        if (rc == 0)
            rc = pthread_mutex_init(&q->lock, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    if (rc != 0) {
        munmap(q, queue_size_of(capacity));
        errno = rc;
        return NULL;
    }
    if (sem_init(&q->free_slots, 1, (unsigned)capacity) == -1
        || sem_init(&q->filled_slots, 1, 0) == -1) {
        int err = errno;

        munmap(q, queue_size_of(capacity));
        errno = err;
        return NULL;
    }
    return q;
}

/* sem_wait, again after a signal handler interrupted it (EINTR). */
static int wait_for(sem_t *sem)
{
    int rc;

    do
        rc = sem_wait(sem);
    while (rc == -1 && errno == EINTR);
    return rc;
}

int queue_put(struct queue *q, long item)
{
    int rc;

    if (wait_for(&q->free_slots) == -1)         /* sleep while full */
        return -1;
    if ((rc = pthread_mutex_lock(&q->lock)) != 0) {
        errno = rc;
        return -1;
    }
    q->items[q->tail] = item;
    q->tail = (q->tail + 1) % q->capacity;
    pthread_mutex_unlock(&q->lock);
    return sem_post(&q->filled_slots);          /* one more get may go */
}

int queue_get(struct queue *q, long *item)
{
    int rc;

    if (wait_for(&q->filled_slots) == -1)       /* sleep while empty */
        return -1;
    if ((rc = pthread_mutex_lock(&q->lock)) != 0) {
        errno = rc;
        return -1;
    }
    *item = q->items[q->head];
    q->head = (q->head + 1) % q->capacity;
    pthread_mutex_unlock(&q->lock);
    return sem_post(&q->free_slots);            /* one more put may go */
}

int queue_free(struct queue *q)
{
    size_t size = queue_size_of(q->capacity);

    sem_destroy(&q->free_slots);
    sem_destroy(&q->filled_slots);
    pthread_mutex_destroy(&q->lock);
    return munmap(q, size);
}
