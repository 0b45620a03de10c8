/* lock.c - a spinlock (part A) and a sleeping lock on futex (part B).
 *
 * As given, this file compiles and runs, and neither lock locks anything.
 * README.md says what to write; `make grade-lock` says how far you are.
 */
#define _DEFAULT_SOURCE         /* syscall() */
#include "lock.h"

#include <linux/futex.h>
#include <sched.h>              /* sched_yield(), for the spin loop */
#include <sys/syscall.h>
#include <unistd.h>

/* ---------------------------------------------------- part A: spinlock */

void spin_lock(struct spinlock *l)
{
    /* TODO: wait until locked goes from 0 to 1 in one atomic step that
     * this process made. */
    (void)l;
}

void spin_unlock(struct spinlock *l)
{
    /* TODO: make the lock free again. */
    (void)l;
}

/* ------------------------------------------- part B: a sleeping lock */

/* futex(2) has no glibc wrapper: the two calls you need, for words in
 * memory that several processes share (so not FUTEX_PRIVATE_FLAG). */
static void futex_wait(atomic_int *word, int expected)
{
    /* Sleeps only if *word still equals expected (else returns at once). */
    syscall(SYS_futex, word, FUTEX_WAIT, expected, NULL, NULL, 0);
}

static void futex_wake(atomic_int *word, int how_many)
{
    syscall(SYS_futex, word, FUTEX_WAKE, how_many, NULL, NULL, 0);
}

void sleep_lock(struct sleeplock *l)
{
    /* TODO: take the lock; while someone else holds it, sleep in
     * futex_wait instead of spinning. */
    (void)l;
    (void)futex_wait;
}

void sleep_unlock(struct sleeplock *l)
{
    /* TODO: free the lock, and wake a waiter if there may be one. */
    (void)l;
    (void)futex_wake;
}
