/* spin.c - the spinning Pipe of spin.h; docs/session5.md explains it. */
#include "spin.h"

#include "shm.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* How many reads of the shared word between two offers of the core: some
 * tens of microseconds, a hundred times an idle machine's round trip. */
#define SPINS_PER_YIELD 1024

/* One turn of a spin loop. The x86 `pause` tells the core this is a wait
 * (it saves power and lets the other hyperthread run). Every
 * SPINS_PER_YIELD turns the process offers its core with sched_yield(),
 * which is not sleeping: it runs again at once if nobody else wants the
 * core. Without it, two processes on one core (taskset, a busy machine)
 * would each spin a whole time slice before the other could answer; with
 * 65536 turns instead of 1024, 2000 messages on a loaded machine took
 * 0.3-3 s instead of 0.4-0.6 s. */
static void spin_once(unsigned long *turns)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (++*turns % SPINS_PER_YIELD == 0)
        sched_yield();
}

struct spin_pipe *spin_pipe_new(struct spin_conn *conn1, struct spin_conn *conn2)
{
    struct spin_pipe *p = shared_alloc(sizeof *p);  /* zeroed: both boxes free */

    if (p == NULL)
        return NULL;
    *conn1 = (struct spin_conn){ &p->box[1], &p->box[0] };
    *conn2 = (struct spin_conn){ &p->box[0], &p->box[1] };
    return p;
}

int spin_pipe_free(struct spin_pipe *p)
{
    return shared_free(p, sizeof *p);
}

int spin_send(struct spin_conn *c, const void *msg, size_t len)
{
    struct spin_box *b = c->out;
    unsigned long turns = 0;

    if (len > SPIN_MAX_MESSAGE) {
        errno = EMSGSIZE;
        return -1;
    }
    /* Acquire: the receiver's copy out of data is over before ours begins. */
    while (atomic_load_explicit(&b->full, memory_order_acquire))
        spin_once(&turns);
    memcpy(b->data, msg, len);
    b->len = len;
    /* Release: whoever reads full == 1 also sees data and len. */
    atomic_store_explicit(&b->full, 1, memory_order_release);
    return 0;
}

int spin_recv(struct spin_conn *c, char **msg, size_t *len)
{
    struct spin_box *b = c->in;
    unsigned long turns = 0;

    while (!atomic_load_explicit(&b->full, memory_order_acquire)) {
        /* closed is set after the last message's full: when closed is
         * seen, a last message is seen by the read of full that follows. */
        if (atomic_load_explicit(&b->closed, memory_order_acquire)
            && !atomic_load_explicit(&b->full, memory_order_acquire))
            return 0;
        spin_once(&turns);
    }
    if ((*msg = malloc(b->len + 1)) == NULL)
        return -1;
    memcpy(*msg, b->data, b->len);
    (*msg)[b->len] = '\0';
    *len = b->len;
    atomic_store_explicit(&b->full, 0, memory_order_release);
    return 1;
}

void spin_close(struct spin_conn *c)
{
    atomic_store_explicit(&c->out->closed, 1, memory_order_release);
}
