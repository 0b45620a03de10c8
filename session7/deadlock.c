/* deadlock.c - session7 --deadlock: two accounts, each with its own lock, and
 * two processes moving money in opposite directions. Each locks the account
 * it takes from, then the one it pays into: P1 holds lock 1 and wants lock 2,
 * P2 holds lock 2 and wants lock 1, and neither lets go. --ordered takes the
 * locks lowest number first, so that cycle cannot form. docs/session7.md
 * ("Deadlock") explains it; docs/diagrams/deadlock.svg draws the cycle.
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
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#define NO_LOCK (-1)

/* How long the parent waits for any move of the two processes before it
 * gives up on them (the deadlock itself is seen at once, as a cycle). */
#define DEADLOCK_SECONDS 2.0

/* What one process publishes about itself, so the parent can draw the
 * wait-for graph: the locks it holds and the one it is blocked on. */
struct party {
    int from, to;               /* accounts 0 and 1 (printed as 1 and 2) */
    long amount;
    _Atomic int holds[2];
    _Atomic int waits_for;      /* an account, or NO_LOCK */
    _Atomic int done;
    sem_t go;                   /* the parent's "take your next lock" */
};

struct bank2 {
    struct lock lock[2];        /* one Lock per account */
    long balance[2];            /* each changed only under its lock */
    struct party party[2];      /* P1, P2 */
    sem_t changed;              /* posted after every change of a party */
    int ordered;
};

static void post_or_die(sem_t *sem)
{
    if (sem_post(sem) == -1)
        die_child("sem_post");
}

static void wait_or_die(sem_t *sem)
{
    while (sem_wait(sem) == -1)
        if (errno != EINTR)
            die_child("sem_wait");
}

/* lock.acquire() on an account, in public: a process that finds the lock
 * taken says which one it waits for before it blocks on it. */
static void take(struct bank2 *b, struct party *me, int account)
{
    int err = lock_try_acquire(&b->lock[account]);

    if (err == EBUSY) {
        me->waits_for = account;
        post_or_die(&b->changed);
        err = lock_acquire(&b->lock[account]);
        me->waits_for = NO_LOCK;
    }
    /* --lock mutex: the holder was killed (the parent is stopping both), and
     * this process holds the lock now; it is stopped in a moment too. */
    if (err == EOWNERDEAD)
        err = lock_make_consistent(&b->lock[account]);
    if (err != 0) {
        errno = err;
        die_child("lock.acquire");
    }
    me->holds[account] = 1;
    post_or_die(&b->changed);
}

static void give_back(struct bank2 *b, struct party *me, int account)
{
    int err;

    me->holds[account] = 0;
    if ((err = lock_release(&b->lock[account])) != 0) {
        errno = err;
        die_child("lock.release");
    }
    post_or_die(&b->changed);
}

/* with lock[first]: with lock[second]: move the money. The parent says when
 * to reach for each lock, so both first locks are taken before either
 * process reaches for its second: the order that deadlocks, every time. */
static int transfer(struct bank2 *b, struct party *me)
{
    int first = me->from, second = me->to;

    if (b->ordered && first > second) { /* line:ordered */
        first = me->to;
        second = me->from;
    }
    wait_or_die(&me->go);
    take(b, me, first); /* line:first */
    wait_or_die(&me->go);
    take(b, me, second); /* line:second */
    b->balance[me->from] -= me->amount;
    b->balance[me->to] += me->amount;
    give_back(b, me, second);
    give_back(b, me, first);
    me->done = 1;
    post_or_die(&b->changed);
    return 0;
}

static int p1_transfer(void *arg)
{
    struct bank2 *b = arg;

    return transfer(b, &b->party[0]);
}

static int p2_transfer(void *arg)
{
    struct bank2 *b = arg;

    return transfer(b, &b->party[1]);
}

/* ------------------------------------------------------------ the parent */

static pid_t pids[2];
static const char *const names[2] = { "P1", "P2" };

/* Waits for the next change of a party. After DEADLOCK_SECONDS without
 * one, a process that ended is reported as what happened to it, else both
 * are stopped and that is the failure. */
static void wait_for_change(struct bank2 *b)
{
    struct timespec until = deadline_after(CLOCK_REALTIME, DEADLOCK_SECONDS);
    int status;

    while (sem_timedwait(&b->changed, &until) == -1) {
        if (errno == EINTR)
            continue;
        if (errno != ETIMEDOUT) {
            proc_terminate_all(SIGKILL);
            die("sem_timedwait");
        }
        for (int p = 0; p < 2; p++)
            if (proc_try_join(pids[p], &status) == 1 && !proc_succeeded(status))
                fail_child(names[p], status);
        proc_terminate_all(SIGKILL);
        fail("--deadlock: P1 and P2 made no move for %.0f s; both stopped",
             DEADLOCK_SECONDS);
    }
}

/* A party has made its move on lock `account` once it holds it or waits for it. */
static int has_moved(const struct party *me, int account)
{
    return me->holds[account] || me->waits_for == account;
}

/* "P1: holds lock 1, waits for lock 2 (P2 holds it)": one node of the
 * wait-for graph and its edges. */
static void say(const struct bank2 *b, int p)
{
    const struct party *me = &b->party[p];
    const char *sep = ":";

    printf("%s", names[p]);
    for (int a = 0; a < 2; a++)
        if (me->holds[a]) {
            printf("%s holds lock %d", sep, a + 1);
            sep = ",";
        }
    if (me->waits_for != NO_LOCK)
        printf("%s waits for lock %d (%s holds it)", sep, me->waits_for + 1, names[1 - p]);
    printf("\n");
}

/* The wait-for graph has two nodes: a cycle is each waiting for a lock the
 * other holds. Nothing can break it: a holder lets go only after it has
 * its second lock. */
static int deadlocked(const struct bank2 *b)
{
    const struct party *p1 = &b->party[0], *p2 = &b->party[1];
    int w1 = p1->waits_for, w2 = p2->waits_for;

    return w1 != NO_LOCK && w2 != NO_LOCK && p2->holds[w1] && p1->holds[w2];
}

static void run(struct bank2 *b)
{
    /* P1 takes its first lock (or finds it taken), then P2 does. */
    for (int p = 0; p < 2; p++) {
        struct party *me = &b->party[p];
        int first = b->ordered && me->from > me->to ? me->to : me->from;

        if (sem_post(&me->go) == -1)
            die("sem_post");
        while (!has_moved(me, first))
            wait_for_change(b);
        say(b, p);
    }
    /* Now both reach for their second lock at once; in the ordered run P2
     * holds nothing yet and still waits for its first, lock 1. */
    if (b->ordered)
        printf("P1 reaches for its second lock; P2, holding none, still waits for lock 1\n");
    else
        printf("P1 and P2 reach for their second lock\n");
    if (sem_post(&b->party[0].go) == -1 || sem_post(&b->party[1].go) == -1)
        die("sem_post");
    while (!(b->party[0].done && b->party[1].done)) {
        if (deadlocked(b)) {
            say(b, 0);
            say(b, 1);
            proc_terminate_all(SIGKILL);
            fail("deadlock: P1 holds lock 1 and waits for lock 2, P2 holds lock 2 and "
                 "waits for lock 1; both stopped (try --ordered)");
        }
        wait_for_change(b);
    }
    for (int p = 0; p < 2; p++)
        join_or_fail(pids[p], names[p]);
}

static void setup(struct bank2 *b, const struct options *o)
{
    int err;

    b->ordered = o->ordered;
    for (int a = 0; a < 2; a++) {
        if ((err = lock_init(&b->lock[a], (enum lock_kind)o->lock_kind)) != 0)
            die_errnum("lock init", err);
        b->balance[a] = o->balance;
    }
    /* P1 moves 30 from account 1 to account 2, P2 10 the other way. */
    for (int p = 0; p < 2; p++) {
        struct party *me = &b->party[p];

        me->from = p;
        me->to = 1 - p;
        me->amount = p == 0 ? 30 : 10;
        me->waits_for = NO_LOCK;
        if (sem_init(&me->go, 1, 0) == -1)
            die("sem_init");
    }
    if (sem_init(&b->changed, 1, 0) == -1)
        die("sem_init");
}

/* --deadlock [--ordered]: set up, start P1 and P2, run, report. */
int lab_deadlock(struct options *o)
{
    struct bank2 *b = shared_alloc(sizeof *b);

    if (b == NULL)
        die("mmap");
    setup(b, o);
    printf("Accounts 1 and 2 hold %ld each. P1 moves 30 from 1 to 2, P2 moves 10 from 2 to 1.\n"
           "%s\n", o->balance, o->ordered
               ? "Each takes the lock of the lower-numbered account first."
               : "Each takes the lock of the account it takes from, then the other.");
    if ((pids[0] = proc_start(p1_transfer, b)) == -1)
        die("fork");
    if ((pids[1] = proc_start(p2_transfer, b)) == -1) {
        proc_terminate_all(SIGKILL);
        die("fork");
    }
    run(b);
    printf("Account 1 = %ld, account 2 = %ld (expected %ld and %ld)\n",
           b->balance[0], b->balance[1], o->balance - 20, o->balance + 20);
    for (int a = 0; a < 2; a++)
        lock_destroy(&b->lock[a]);
    for (int p = 0; p < 2; p++)
        sem_destroy(&b->party[p].go);
    sem_destroy(&b->changed);
    shared_free(b, sizeof *b);
    bank_end(o);
    return 0;
}
