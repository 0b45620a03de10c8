/* queue_impl.h - what each of session4's two queues provides, so that
 * queue.c can hand every queue_* call to the one a queue was made with.
 *
 * `shared` is the implementation's own state, in MAP_SHARED memory. queue.c
 * has already checked the arguments (sizes, lengths) before it calls these.
 */
#ifndef SESSION4_QUEUE_IMPL_H
#define SESSION4_QUEUE_IMPL_H

#include "queue.h"

struct queue_ops {
    void *(*create)(size_t capacity, size_t max_msg);   /* NULL with errno */
    enum queue_result (*put)(void *shared, const void *msg, size_t len, double timeout);
    enum queue_result (*get)(void *shared, void *buf, size_t *len, double timeout);
    void (*close)(void *shared);
    size_t (*size)(void *shared);
    int (*destroy)(void *shared);
};

extern const struct queue_ops bounded_buffer_ops;      /* bounded_buffer.c */
extern const struct queue_ops ring_ops;                /* ring.c */

#endif
