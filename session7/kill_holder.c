/* kill_holder.c - session7 --kill-holder: P1 takes the lock and is killed
 * with SIGKILL while it holds it. A robust mutex tells the next locker
 * (EOWNERDEAD); a semaphore or a spinlock cannot, and P2 gives up after a
 * bounded wait. docs/session7.md, "When the holder dies".
 */
#include "labs.h"

#include "clock.h"
#include "die.h"
#include "lock.h"
#include "proc.h"
#include "shm.h"

#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

/* How long the survivor waits for a lock nobody releases. */
#define KILL_HOLDER_WAIT_SECONDS 1.0

/* In shared memory: both children and the parent see it. */
struct kill_demo {
    struct account *balance;
    struct lock lock;
    sem_t holding;              /* P1 posts it once it holds the lock */
    int never_freed;            /* P2 sets it when its wait timed out */
};

/* P1: takes the lock, says so, and waits to be killed. */
static int hold_lock_until_killed(void *arg)
{
    struct kill_demo *d = arg;

    lock_acquire_or_die(&d->lock);
    printf("P1 (withdraw): lock.acquire(): got it\n");
    if (sem_post(&d->holding) == -1)
        die_child("sem_post");
    for (;;)
        pause();
}

/* P2: waits for the lock a bounded time, then deposits. */
static int deposit_after_holder_died(void *arg)
{
    struct kill_demo *d = arg;
    int err = lock_timed_acquire(&d->lock, KILL_HOLDER_WAIT_SECONDS);

    if (err == ETIMEDOUT) {
        printf("P2 (deposit):  lock.acquire(): still not free after %.0f s\n",
               KILL_HOLDER_WAIT_SECONDS);
        d->never_freed = 1;
        return 0;
    }
    if (err == EOWNERDEAD) {
        printf("P2 (deposit):  lock.acquire(): EOWNERDEAD, its holder died holding it\n");
        if ((err = lock_make_consistent(&d->lock)) != 0) {
            errno = err;
            die_child("pthread_mutex_consistent");
        }
        printf("P2 (deposit):  pthread_mutex_consistent(): the lock works again\n");
    } else if (err != 0) {
        errno = err;
        die_child("lock.acquire");
    }
    balance_write(d->balance, balance_read(d->balance) + 1);
    lock_release_or_die(&d->lock);
    for (long i = 1; i < d->balance->iterations; i++) {
        lock_acquire_or_die(&d->lock);
        balance_write(d->balance, balance_read(d->balance) + 1);
        lock_release_or_die(&d->lock);
    }
    printf("P2 (deposit):  %ld deposits done\n", d->balance->iterations);
    return 0;
}

static void explain_unrecoverable(enum lock_kind kind)
{
    fail("the %s lock is never released: its holder was killed, and a %s does not "
         "record who holds it, so nobody can tell that the holder died "
         "(a robust mutex can: try --lock mutex)", lock_kind_name(kind),
         kind == LOCK_SEMAPHORE ? "semaphore" : "spinlock's atomic flag");
}

/* Waits until P1 says it holds the lock (at most 5 s: it is one step). */
static void wait_until_holding(struct kill_demo *d)
{
    struct timespec limit = deadline_after(CLOCK_REALTIME, 5.0);

    while (sem_timedwait(&d->holding, &limit) == -1)
        if (errno != EINTR) {
            proc_terminate_all(SIGKILL);
            die("sem_timedwait (waiting for P1 to take the lock)");
        }
}

int lab_kill_holder(struct options *o)
{
    struct kill_demo *d = shared_alloc(sizeof *d);
    enum lock_kind kind = (enum lock_kind)o->lock_kind;
    char how[64];
    pid_t p1, p2;
    int status, err;

    if (d == NULL || (d->balance = account_new(o)) == NULL)
        die("mmap");
    if ((err = lock_init(&d->lock, kind)) != 0)
        die_errnum("lock_init", err);
    if (sem_init(&d->holding, 1, 0) == -1)
        die("sem_init");
    if ((p1 = proc_start(hold_lock_until_killed, d)) == -1)
        die("fork");
    wait_until_holding(d);
    if (kill(p1, SIGKILL) == -1 || proc_join(p1, &status) == -1) {
        proc_terminate_all(SIGKILL);
        die("kill");
    }
    printf("main:          P1 %s while it held the lock\n",
           proc_describe_status(status, how, sizeof how));
    if ((p2 = proc_start(deposit_after_holder_died, d)) == -1)
        die("fork");
    join_or_fail(p2, "P2 (deposit)");
    if (d->never_freed)
        explain_unrecoverable(kind);
    printf("Final balance = %ld (expected %ld: P1 died before its first withdrawal)\n",
           balance_read(d->balance), o->balance + d->balance->iterations);
    sem_destroy(&d->holding);
    lock_destroy(&d->lock);
    account_free(d->balance);
    shared_free(d, sizeof *d);
    bank_end(o);
    return 0;
}
