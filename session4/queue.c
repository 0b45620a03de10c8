/* queue.c - the one interface of session4's two queues (queue.h): checks the
 * arguments once, then hands each call to the queue it was made with,
 * bounded_buffer.c (the textbook) or ring.c (lock-free). docs/session4.md.
 */
#include "session4/queue.h"
#include "session4/queue_impl.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* The handle lives in the creator's own memory: every child forked after
 * queue_new has a copy of it, pointing at the same shared state. */
struct queue {
    const struct queue_ops *ops;
    void *shared;
    size_t capacity, max_msg;
};

struct queue *queue_new(enum queue_kind kind, size_t maxsize, size_t max_msg)
{
    struct queue *q;

    if (max_msg == 0 || max_msg > UINT32_MAX || (kind != QUEUE_TEXTBOOK && kind != QUEUE_RING)) {
        errno = EINVAL;
        return NULL;
    }
    if ((q = malloc(sizeof *q)) == NULL)
        return NULL;
    q->ops = kind == QUEUE_RING ? &ring_ops : &bounded_buffer_ops;
    q->capacity = maxsize == 0 ? QUEUE_DEFAULT_MAXSIZE : maxsize;
    q->max_msg = max_msg;
    q->shared = q->ops->create(q->capacity, max_msg);
    if (q->shared == NULL) {
        int err = errno;

        free(q);
        errno = err;
        return NULL;
    }
    return q;
}

enum queue_result queue_put(struct queue *q, const void *msg, size_t len, double timeout)
{
    if (len > q->max_msg) {
        errno = EMSGSIZE;
        return QUEUE_ERROR;
    }
    return q->ops->put(q->shared, msg, len, timeout);
}

enum queue_result queue_get(struct queue *q, void *buf, size_t bufsize, size_t *len,
                            double timeout)
{
    if (bufsize < q->max_msg) {
        errno = EINVAL;
        return QUEUE_ERROR;
    }
    return q->ops->get(q->shared, buf, len, timeout);
}

void queue_close(struct queue *q)
{
    q->ops->close(q->shared);
}

size_t queue_size(struct queue *q)
{
    return q->ops->size(q->shared);
}

int queue_empty(struct queue *q)
{
    return queue_size(q) == 0;
}

size_t queue_capacity(const struct queue *q)
{
    return q->capacity;
}

int queue_free(struct queue *q)
{
    int rc = q->ops->destroy(q->shared);

    free(q);
    return rc;
}

const char *queue_kind_name(enum queue_kind kind)
{
    return kind == QUEUE_RING ? "ring" : "textbook";
}
