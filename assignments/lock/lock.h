/* lock.h - the two locks of the assignment (given: do not change it).
 *
 * Both live in memory that several processes share (mmap MAP_SHARED) and
 * start all zero. README.md says what to write in lock.c.
 */
#ifndef LOCK_H
#define LOCK_H

#include <stdatomic.h>

/* Part A: a spinlock. locked is 0 when the lock is free, 1 while a process
 * holds it (the grader reads it). */
struct spinlock {
    atomic_int locked;
};

void spin_lock(struct spinlock *l);     /* returns once the caller holds it */
void spin_unlock(struct spinlock *l);

/* Part B: a sleeping lock on futex(2). state is 0 when the lock is free,
 * anything else while a process holds it (what else it says is yours to
 * choose: "held, and someone may be waiting" is a useful value). */
struct sleeplock {
    atomic_int state;
};

void sleep_lock(struct sleeplock *l);
void sleep_unlock(struct sleeplock *l);

#endif
