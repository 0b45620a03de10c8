/* queue.h - the bounded buffer of session 4, for the queue assignment.
 *
 * A FIFO of at most `capacity` longs in memory shared by every process
 * forked after queue_new: any number of producers call queue_put, any
 * number of consumers queue_get. docs/session4.md draws it; README.md says
 * what to write. Do not change this file: the grader uses it as it is.
 */
#ifndef ASSIGNMENT_QUEUE_H
#define ASSIGNMENT_QUEUE_H

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>

struct queue {
    pthread_mutex_t lock;   /* guards head, tail and the items */
    sem_t free_slots;       /* how many puts may go ahead: starts at capacity */
    sem_t filled_slots;     /* how many gets may go ahead: starts at 0 */
    size_t capacity;
    size_t head;            /* the next slot to get from */
    size_t tail;            /* the next slot to put into */
    long items[];           /* capacity slots */
};

/* q = Queue(maxsize=capacity): a queue in shared memory (capacity >= 1).
 * Returns NULL with errno on failure. Given: already written. */
struct queue *queue_new(size_t capacity);

/* q.put(item): waits, sleeping, while the queue is full, then stores item
 * at the tail. Returns 0, or -1 with errno when a call fails. A signal that
 * interrupts the wait does not end it. */
int queue_put(struct queue *q, long item);

/* item = q.get(): waits, sleeping, while the queue is empty, then takes the
 * oldest item into *item. Returns 0, or -1 with errno when a call fails.
 * A signal that interrupts the wait does not end it. */
int queue_get(struct queue *q, long *item);

/* Frees the queue, once no process uses it any more. Given. Returns 0 or -1. */
int queue_free(struct queue *q);

#endif
