/* lock.c - a semaphore, a robust mutex and a spinlock behind one interface,
 * each in shared memory and marked process-shared. docs/session7.md explains
 * what each costs and what happens when a holder dies.
 */
#include "lock.h"
#include "trace.h"

#include "clock.h"
#include "die.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>

/* --trace: how long each process waited for the lock, and held it (the
 * inline lock_acquire_or_die and lock_release_or_die record them). */
const struct trace_kind lock_wait_begin = {
    "waits for the lock", "lock", 'B', { NULL, NULL, NULL, NULL }, NULL };
const struct trace_kind lock_wait_end = {
    "waits for the lock", "lock", 'E', { NULL, NULL, NULL, NULL }, NULL };
const struct trace_kind lock_hold_begin = {
    "holds the lock", "lock", 'B', { NULL, NULL, NULL, NULL }, NULL };
const struct trace_kind lock_hold_end = {
    "holds the lock", "lock", 'E', { NULL, NULL, NULL, NULL }, NULL };

const char *const lock_kind_names[] = { "semaphore", "mutex", "spin", NULL };

const char *lock_kind_name(enum lock_kind kind)
{
    return lock_kind_names[kind];
}

/* A robust mutex: when its holder dies, the next locker is told (EOWNERDEAD)
 * instead of waiting forever. PTHREAD_PROCESS_SHARED: it lives in memory
 * that several processes map. */
static int mutex_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t attr;
    int err = pthread_mutexattr_init(&attr);

    if (err != 0)
        return err;
    if ((err = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)) == 0 &&
        (err = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST)) == 0)
        err = pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
    return err;
}

int lock_init(struct lock *l, enum lock_kind kind)
{
    l->kind = kind;
    switch (kind) {
    case LOCK_SEMAPHORE:
        /* Lock() in Python is a semaphore with value 1; pshared = 1. */
        return sem_init(&l->u.sem, 1, 1) == -1 ? errno : 0;
    case LOCK_MUTEX:
        return mutex_init(&l->u.mutex);
    default:
        atomic_flag_clear(&l->u.spin);
        return 0;
    }
}

void lock_destroy(struct lock *l)
{
    if (l->kind == LOCK_SEMAPHORE)
        sem_destroy(&l->u.sem);
    else if (l->kind == LOCK_MUTEX)
        pthread_mutex_destroy(&l->u.mutex);
}

static int sem_wait_retrying(sem_t *sem)
{
    while (sem_wait(sem) == -1)
        if (errno != EINTR)
            return errno;
    return 0;
}

/* Also the semaphore after its sem_wait failed (EINTR: wait again). */
int lock_acquire_slow(struct lock *l)
{
    switch (l->kind) {
    case LOCK_SEMAPHORE:
        return sem_wait_retrying(&l->u.sem);
    case LOCK_MUTEX:
        return pthread_mutex_lock(&l->u.mutex);
    default:
        /* test_and_set is one indivisible read-and-write: exactly what the
         * racy update lacked. Acquire ordering makes the holder see what the
         * previous holder wrote; yielding lets a holder on our core run. */
        while (atomic_flag_test_and_set_explicit(&l->u.spin, memory_order_acquire))
            sched_yield();
        return 0;
    }
}

static int passed(const struct timespec *deadline)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec > deadline->tv_sec ||
           (t.tv_sec == deadline->tv_sec && t.tv_nsec >= deadline->tv_nsec);
}

int lock_timed_acquire(struct lock *l, double seconds)
{
    /* sem_timedwait and pthread_mutex_timedlock take a CLOCK_REALTIME time. */
    struct timespec until = deadline_after(CLOCK_REALTIME, seconds);

    switch (l->kind) {
    case LOCK_SEMAPHORE:
        while (sem_timedwait(&l->u.sem, &until) == -1)
            if (errno != EINTR)
                return errno;
        return 0;
    case LOCK_MUTEX:
        return pthread_mutex_timedlock(&l->u.mutex, &until);
    default:
        until = deadline_after(CLOCK_MONOTONIC, seconds);
        while (atomic_flag_test_and_set_explicit(&l->u.spin, memory_order_acquire)) {
            if (passed(&until))
                return ETIMEDOUT;
            sched_yield();
        }
        return 0;
    }
}

int lock_try_acquire(void *lock)
{
    struct lock *l = lock;

    switch (l->kind) {
    case LOCK_SEMAPHORE:
        if (sem_trywait(&l->u.sem) == -1)
            return errno == EAGAIN ? EBUSY : errno;
        return 0;
    case LOCK_MUTEX:
        return pthread_mutex_trylock(&l->u.mutex);
    default:
        return atomic_flag_test_and_set_explicit(&l->u.spin, memory_order_acquire) ? EBUSY : 0;
    }
}

int lock_make_consistent(struct lock *l)
{
    return l->kind == LOCK_MUTEX ? pthread_mutex_consistent(&l->u.mutex) : EINVAL;
}

int lock_release_slow(struct lock *l)
{
    switch (l->kind) {
    case LOCK_SEMAPHORE:
        return sem_post(&l->u.sem) == -1 ? errno : 0;
    case LOCK_MUTEX:
        return pthread_mutex_unlock(&l->u.mutex);
    default:
        atomic_flag_clear_explicit(&l->u.spin, memory_order_release);
        return 0;
    }
}

/* With --lock mutex, EOWNERDEAD means the other process died holding the
 * lock, and this one now holds it. What the lock guards is one balance,
 * changed by one write per update, so it is whole whether or not the dead
 * process wrote: this process marks the lock usable again and carries on,
 * and the parent reports the dead process (--kill-holder shows this step by
 * step). */
void lock_acquire_failed(struct lock *l, int err)
{
    if (err == EOWNERDEAD)
        err = lock_make_consistent(l);
    if (err != 0) {
        errno = err;
        die_child("lock.acquire");
    }
}

void lock_release_failed(int err)
{
    errno = err;
    die_child("lock.release");
}
