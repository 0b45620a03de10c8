/* queue.h - multiprocessing.Queue in C: a bounded FIFO in shared memory that
 * any number of producer and consumer processes use at once.
 *
 * Create it before fork(); every child inherits the mapping. Two queues
 * implement this one interface: the textbook bounded buffer
 * (bounded_buffer.c: a lock and two counting semaphores, the default) and a
 * lock-free ring (ring.c, `--queue ring`). docs/session4.md compares them.
 */
#ifndef SESSION4_QUEUE_H
#define SESSION4_QUEUE_H

#include <stddef.h>

/* maxsize 0 means this many slots, as Python's maxsize <= 0 means "big". */
#define QUEUE_DEFAULT_MAXSIZE 32768

/* Timeouts, in seconds, for queue_put and queue_get: */
#define QUEUE_FOREVER (-1.0)    /* block until it can be done (block=True) */
#define QUEUE_NOWAIT 0.0        /* never block (block=False, put_nowait) */

/* Which of the two queues queue_new makes. */
enum queue_kind {
    QUEUE_TEXTBOOK,     /* bounded_buffer.c: lock + two counting semaphores */
    QUEUE_RING,         /* ring.c: lock-free ring of sequence-numbered slots */
};

/* What queue_put and queue_get return. Each outcome is distinct, so a
 * caller never has to guess from a side effect. */
enum queue_result {
    QUEUE_ERROR = -1,   /* a call failed: errno says why */
    QUEUE_OK = 0,       /* the message was put / got */
    QUEUE_TIMEOUT,      /* the timeout passed first (queue.Full / queue.Empty) */
    QUEUE_FULL,         /* QUEUE_NOWAIT put on a full queue (queue.Full) */
    QUEUE_EMPTY,        /* QUEUE_NOWAIT get on an empty, still open queue */
    QUEUE_CLOSED,       /* get: closed and drained, no message will ever come;
                         * put: the queue was closed (Python's ValueError) */
};

struct queue;

/* A queue of kind `kind` holding at most maxsize messages (0:
 * QUEUE_DEFAULT_MAXSIZE), each of at most max_msg bytes. Returns NULL with
 * errno on failure (EINVAL for a max_msg of 0, ENOMEM when it does not fit
 * in memory). */
struct queue *queue_new(enum queue_kind kind, size_t maxsize, size_t max_msg);

/* Puts a copy of len bytes at msg. timeout: QUEUE_FOREVER, QUEUE_NOWAIT or
 * seconds. Returns QUEUE_OK, QUEUE_TIMEOUT, QUEUE_FULL, QUEUE_CLOSED, or
 * QUEUE_ERROR (EMSGSIZE when len > max_msg). */
enum queue_result queue_put(struct queue *q, const void *msg, size_t len, double timeout);

/* Takes the oldest message into buf (bufsize must be at least max_msg) and
 * stores its length in *len. Returns QUEUE_OK, QUEUE_TIMEOUT, QUEUE_EMPTY,
 * QUEUE_CLOSED (closed and drained: end of queue), or QUEUE_ERROR. */
enum queue_result queue_get(struct queue *q, void *buf, size_t bufsize, size_t *len,
                            double timeout);

/* The producers are done: wakes every waiter; from now on a get on an empty
 * queue returns QUEUE_CLOSED at once. Call it after the last put of the last
 * producer has returned (the labs do, after joining the producers). */
void queue_close(struct queue *q);

/* Snapshots: true when they were read, maybe stale by the time the caller
 * looks (another process may put or get in between). docs/session4.md. */
int queue_empty(struct queue *q);
size_t queue_size(struct queue *q);

size_t queue_capacity(const struct queue *q);

/* Frees the queue. Only when no process uses it any more. Returns 0 or -1. */
int queue_free(struct queue *q);

#endif
