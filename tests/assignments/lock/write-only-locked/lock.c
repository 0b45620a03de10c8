/* lock.c - a spinlock (part A) and a sleeping lock on futex (part B): the
 * reference solution. The sleeping lock is mutex 2 of Ulrich Drepper's
 * "Futexes Are Tricky": state 0 free, 1 held, 2 held with waiters maybe.
 */
#define _DEFAULT_SOURCE         /* syscall() */
#include "lock.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---------------------------------------------------- part A: spinlock */

void spin_lock(struct spinlock *l)
{
    /* The exchange reads the old value and writes 1 in one indivisible
     * step: if the old value was 0, this process is the one that took it. */
    while (atomic_exchange(&l->locked, 1) != 0)
        sched_yield();      /* let the holder run, if it shares our CPU */
}

void spin_unlock(struct spinlock *l)
{
    atomic_store(&l->locked, 0);
}

/* ------------------------------------------- part B: a sleeping lock */

static void futex_wait(atomic_int *word, int expected)
{
    syscall(SYS_futex, word, FUTEX_WAIT, expected, NULL, NULL, 0);
}

static void futex_wake(atomic_int *word, int how_many)
{
    syscall(SYS_futex, word, FUTEX_WAKE, how_many, NULL, NULL, 0);
}

void sleep_lock(struct sleeplock *l)
{
    int c = 0;

    /* Uncontended: 0 -> 1, one atomic operation, no system call. */
    if (atomic_compare_exchange_strong(&l->state, &c, 1))
        return;
    /* Contended: say "someone waits" (2), and sleep while it stays 2. The
     * exchange also takes the lock when it finds it free (old value 0). */
    if (c != 2)
        c = atomic_exchange(&l->state, 2);
    while (c != 0) {
        futex_wait(&l->state, 2);
        c = atomic_exchange(&l->state, 2);
    }
}

void sleep_unlock(struct sleeplock *l)
{
    /* 1 -> 0: nobody waited, no system call. 2 -> 0: wake one waiter. */
    if (atomic_exchange(&l->state, 0) == 2)
        futex_wake(&l->state, 1);
}
