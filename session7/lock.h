/* lock.h - the three kinds of Lock session7 can put around the update:
 * a process-shared POSIX semaphore, a process-shared robust pthread mutex,
 * and a C11 atomic spinlock. docs/session7.md compares them.
 */
#ifndef SESSION7_LOCK_H
#define SESSION7_LOCK_H

#include <pthread.h>
#include <semaphore.h>
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
 * the caller now holds it and must call lock_make_consistent(). */
int lock_acquire(void *l);

/* Gives up after seconds: ETIMEDOUT. EOWNERDEAD as lock_acquire. */
int lock_timed_acquire(struct lock *l, double seconds);

/* Does not wait: EBUSY when someone else holds the lock. */
int lock_try_acquire(void *l);

/* After EOWNERDEAD (mutex only): the state is usable again. */
int lock_make_consistent(struct lock *l);

/* lock.release(). */
int lock_release(void *l);

/* For a child in the middle of its loop: lock.acquire() that recovers a
 * robust mutex whose holder died (EOWNERDEAD), and lock.release(); any other
 * error ends the child (die_child: one line, exit 1). */
void lock_acquire_or_die(struct lock *l);
void lock_release_or_die(struct lock *l);

#endif
