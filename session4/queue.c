/* queue.c - the one interface of session4's two queues (queue.h): checks the
 * arguments once, then hands each call to the queue it was made with,
 * bounded_buffer.c (the textbook) or ring.c (lock-free). docs/session4.md.
 */
#include "queue.h"
#include "queue_impl.h"
#include "trace.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* --trace: each put and get is a span, so the time it waited on a full or
 * an empty queue is its length; the item is the message read as a long. */
static const struct trace_kind kind_put_begin = {
    "q.put()", "queue", 'B', { "item", "bytes", NULL, NULL }, NULL };
static const struct trace_kind kind_put_end = {
    "q.put()", "queue", 'E', { "result", NULL, NULL, NULL }, NULL };
static const struct trace_kind kind_get_begin = {
    "q.get()", "queue", 'B', { NULL, NULL, NULL, NULL }, NULL };
static const struct trace_kind kind_get_end = {
    "q.get()", "queue", 'E', { "result", "item", "bytes", NULL }, NULL };

static long item_of(const void *msg, size_t len)
{
    long item = 0;

    memcpy(&item, msg, len < sizeof item ? len : sizeof item);
    return item;
}

enum queue_result queue_put(struct queue *q, const void *msg, size_t len, double timeout)
{
    enum queue_result r;

    if (len > q->max_msg) {
        errno = EMSGSIZE;
        return QUEUE_ERROR;
    }
    if (trace_self != NULL)
        trace_event(&kind_put_begin, item_of(msg, len), (long)len, 0, 0);
    r = q->ops->put(q->shared, msg, len, timeout);
    trace_event(&kind_put_end, r, 0, 0, 0);
    return r;
}

enum queue_result queue_get(struct queue *q, void *buf, size_t bufsize, size_t *len,
                            double timeout)
{
    enum queue_result r;

    if (bufsize < q->max_msg) {
        errno = EINVAL;
        return QUEUE_ERROR;
    }
    trace_event(&kind_get_begin, 0, 0, 0, 0);
    r = q->ops->get(q->shared, buf, len, timeout);
    if (trace_self != NULL)
        trace_event(&kind_get_end, r, r == QUEUE_OK ? item_of(buf, *len) : 0,
                    r == QUEUE_OK ? (long)*len : 0, 0);
    return r;
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
