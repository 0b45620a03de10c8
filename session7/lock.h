/* lock.h - the three kinds of Lock session7 can put around the update:
 * a process-shared POSIX semaphore, a process-shared robust pthread mutex,
 * and a C11 atomic spinlock. docs/session7.md compares them.
 */
#ifndef SESSION7_LOCK_H
#define SESSION7_LOCK_H

#include "trace.h"

#include <pthread.h>
#include <semaphore.h>
#include <errno.h>
#include <stdatomic.h>

enum lock_kind { LOCK_SEMAPHORE, LOCK_MUTEX, LOCK_SPIN };

/* Lives in shared memory (shared_alloc), so both processes use the same one. */
struct lock {
    enum lock_kind kind;
    union {
        sem_t sem;
        pthread_mutex_t mutex;
        atomic_flag spin;
    } u;
};

/* Each kind's name, in the order of enum lock_kind ("semaphore", "mutex",
 * "spin"), then NULL: the words --lock accepts. */
extern const char *const lock_kind_names[];
const char *lock_kind_name(enum lock_kind kind);

/* lock_init returns 0 or an error number (for the semaphore, the errno
 * sem_init set). */
int lock_init(struct lock *l, enum lock_kind kind);
void lock_destroy(struct lock *l);

/* lock.acquire(). With a mutex whose holder died holding it: EOWNERDEAD, and
 * the caller now holds it and must call lock_make_consistent(). Inline below:
 * the semaphore's path is the sem_wait a raw semaphore costs, no more. */
static inline int lock_acquire(void *l);

/* Gives up after seconds: ETIMEDOUT. EOWNERDEAD as lock_acquire. */
int lock_timed_acquire(struct lock *l, double seconds);

/* Does not wait: EBUSY when someone else holds the lock. */
int lock_try_acquire(void *l);

/* After EOWNERDEAD (mutex only): the state is usable again. */
int lock_make_consistent(struct lock *l);

/* lock.release(). Inline below, like lock_acquire. */
static inline int lock_release(void *l);

/* For a child in the middle of its loop: lock.acquire() that recovers a
 * robust mutex whose holder died (EOWNERDEAD), and lock.release(); any other
 * error ends the child (die_child: one line, exit 1). */
static inline void lock_acquire_or_die(struct lock *l);
static inline void lock_release_or_die(struct lock *l);

/* The spinlock, and a sem_wait interrupted by a signal (lock.c). */
int lock_acquire_slow(struct lock *l);
int lock_release_slow(struct lock *l);
/* What the _or_die pair does when lock_acquire or lock_release returned
 * err (not 0): recover EOWNERDEAD, or end the child. */
void lock_acquire_failed(struct lock *l, int err);
void lock_release_failed(int err);

/* Inline so that acquire and release cost what the raw sem_wait and sem_post
 * cost: a call into another file cannot be inlined, and the uncontended
 * lock is so cheap (a few ns) that two extra calls and a switch made it
 * 1.3-1.6 times the raw semaphore (docs/performance.md, lock_uncontended). */
static inline int lock_acquire(void *lock)
{
    struct lock *l = lock;

    if (l->kind == LOCK_SEMAPHORE && sem_wait(&l->u.sem) == 0)
        return 0;
    if (l->kind == LOCK_MUTEX)
        return pthread_mutex_lock(&l->u.mutex);
    return lock_acquire_slow(l);
}

static inline int lock_release(void *lock)
{
    struct lock *l = lock;

    if (l->kind == LOCK_SEMAPHORE)
        return sem_post(&l->u.sem) == 0 ? 0 : errno;
    if (l->kind == LOCK_MUTEX)
        return pthread_mutex_unlock(&l->u.mutex);
    return lock_release_slow(l);
}

/* --trace: the wait for the lock and the hold, as spans (lock.c). */
extern const struct trace_kind lock_wait_begin, lock_wait_end, lock_hold_begin, lock_hold_end;

static inline void lock_acquire_or_die(struct lock *l)
{
    int err;

    trace_event(&lock_wait_begin, 0, 0, 0, 0);
    err = lock_acquire(l);
    trace_event(&lock_wait_end, 0, 0, 0, 0);
    if (err != 0)
        lock_acquire_failed(l, err);
    trace_event(&lock_hold_begin, 0, 0, 0, 0);
}

static inline void lock_release_or_die(struct lock *l)
{
    int err;

    /* Before the release: once it is released, the other may take it. */
    trace_event(&lock_hold_end, 0, 0, 0, 0);
    err = lock_release(l);
    if (err != 0)
        lock_release_failed(err);
}

#endif
