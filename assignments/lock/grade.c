/* grade.c - the tests of the lock assignment: `make grade` runs them.
 *
 * Your lock.c and bank.c are compiled with interpose.h first, so every
 * atomic operation of yours calls lock_atomic_hook (below) and every
 * syscall() goes through lock_syscall. In the mutual-exclusion tests two
 * processes take turns at those points and at each balance_read and
 * balance_write (grade.h, "turns"): P1 does one atomic operation, then P2
 * one, and so on. If two of your operations can be split by the other
 * process, they are, on every run.
 */
#define _GNU_SOURCE             /* syscall() */
#include "bank.h"
#include "grade.h"
#include "lock.h"

#include <errno.h>
#include <linux/futex.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const HINT_A1 =
    "README.md, \"Part A\", step 1; docs/session7-further.md, \"Three kinds of lock\"";
static const char *const HINT_A2 =
    "README.md, \"Part A\", step 2; docs/session6-further.md, \"The tutorial's tables\"";
static const char *const HINT_B =
    "README.md, \"Part B\"; man 2 futex; Drepper, \"Futexes Are Tricky\", mutex 2";

#define ROUNDS 200              /* lock/unlock rounds per process */
#define UPDATES 500             /* withdraw and deposit, each */
#define SPIN_THRESHOLD 1000     /* atomic operations in a row: a waiter spinning */

/* What the hooks count, shared by the test's processes. */
struct stats {
    atomic_long atomics;        /* every atomic operation of lock.c/bank.c */
    atomic_long futex_waits, futex_wakes;
    atomic_int watched;         /* a PID: post `blocked` when it blocks */
    atomic_int posted;
    sem_t blocked;              /* FUTEX_WAIT entered, or SPIN_THRESHOLD atomics */
    sem_t started;              /* the watched process calls sleep_lock now */
    atomic_int acquired;        /* ... and it returned */
};

static struct stats *stats;
static long my_atomics;         /* this process's, since it was watched */

static struct stats *stats_new(void)
{
    stats = grade_shared(sizeof *stats);
    if (sem_init(&stats->blocked, 1, 0) == -1 || sem_init(&stats->started, 1, 0) == -1)
        grade_fail("sem_init: the grader could not start");
    return stats;
}

static void post_blocked_once(void)
{
    int no = 0;

    if (atomic_load(&stats->watched) == getpid() &&
        atomic_compare_exchange_strong(&stats->posted, &no, 1))
        sem_post(&stats->blocked);
}

/* ------------------------------------------------ the hooks (interpose.h) */

void lock_atomic_hook(void)
{
    if (stats != NULL) {
        atomic_fetch_add(&stats->atomics, 1);
        if (++my_atomics >= SPIN_THRESHOLD)
            post_blocked_once();
    }
    grade_step();
}

long lock_syscall(long number, ...)
{
    long a[6];
    va_list ap;
    long rc;
    int saved, waits = 0;

    va_start(ap, number);
    for (int i = 0; i < 6; i++)
        a[i] = va_arg(ap, long);
    va_end(ap);
    if (number == SYS_futex && stats != NULL) {
        int cmd = (int)a[1] & FUTEX_CMD_MASK;

        waits = cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET;
        if (waits) {
            atomic_fetch_add(&stats->futex_waits, 1);
            post_blocked_once();
        } else if (cmd == FUTEX_WAKE || cmd == FUTEX_WAKE_BITSET) {
            atomic_fetch_add(&stats->futex_wakes, 1);
        }
    }
    if (waits)
        grade_turns_block();    /* asleep: the others go on without it */
    rc = syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
    saved = errno;
    if (waits)
        grade_turns_rejoin();
    errno = saved;
    return rc;
}

/* --------------------------------------------- balance_read/balance_write */

struct bank {
    struct account account;
    atomic_long lost, unlocked;
};

static long last_read;          /* this process's last balance_read */

static long peek(const long *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

long balance_read(struct account *a)
{
    struct bank *b = (struct bank *)a;

    grade_step();
    if (atomic_load(&a->lock.locked) == 0)
        atomic_fetch_add(&b->unlocked, 1);
    last_read = peek(&a->balance);
    return last_read;
}

void balance_write(struct account *a, long value)
{
    struct bank *b = (struct bank *)a;

    grade_step();
    if (atomic_load(&a->lock.locked) == 0)
        atomic_fetch_add(&b->unlocked, 1);
    if (peek(&a->balance) != last_read)     /* someone wrote since: lost */
        atomic_fetch_add(&b->lost, 1);
    __atomic_store_n(&a->balance, value, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------- two processes, in turns */

/* Runs body(0, arg) and body(1, arg) as P1 and P2, taking turns; fails,
 * asking `question`, if they have not both finished after seconds or sleep
 * with nobody to wake them. */
static void run_pair(void (*body)(int, void *), void *arg, double seconds, const char *question)
{
    struct grade_turns *t = grade_turns_new(2);
    pid_t pid[2];

    for (int p = 0; p < 2; p++) {
        if ((pid[p] = grade_fork()) == -1)
            grade_fail("the grader could not fork");
        if (pid[p] == 0) {
            grade_turns_join(t, p);
            body(p, arg);
            grade_turns_leave();
            _exit(0);
        }
    }
    for (int p = 0; p < 2; p++) {
        int status = -1;

        /* Checked every 0.1 s: both asleep with nobody left to wake them is
         * final, and reported at once; otherwise up to `seconds`. */
        for (int tenths = 0; status == -1 && tenths < (int)(seconds * 10); tenths++) {
            status = grade_wait(pid[p], 0.1);
            if (status == -1 && grade_turns_asleep(t))
                grade_fail("a process sleeps in FUTEX_WAIT with nobody left to wake it "
                           "(the other has finished, or sleeps too): %s", question);
        }
        if (status == -1)
            grade_fail("P1 and P2 did not finish in %.0f s: %s", seconds, question);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            grade_fail("P%d %s", p + 1, WIFSIGNALED(status) ? "crashed" : "failed");
    }
}

/* A critical section the grader watches: how many are inside at once. */
struct section {
    struct spinlock spin;
    struct sleeplock sleep;
    int use_sleep;
    atomic_int inside;
    atomic_long overlaps;
    long counter;
};

static void rounds(int party, void *arg)
{
    struct section *s = arg;

    (void)party;
    for (int i = 0; i < ROUNDS; i++) {
        long v;

        if (s->use_sleep)
            sleep_lock(&s->sleep);
        else
            spin_lock(&s->spin);
        grade_step();
        if (atomic_fetch_add(&s->inside, 1) != 0)
            atomic_fetch_add(&s->overlaps, 1);
        v = peek(&s->counter);
        grade_step();
        __atomic_store_n(&s->counter, v + 1, __ATOMIC_SEQ_CST);
        atomic_fetch_sub(&s->inside, 1);
        if (s->use_sleep)
            sleep_unlock(&s->sleep);
        else
            spin_unlock(&s->spin);
    }
}

static void mutual_exclusion(int use_sleep)
{
    struct section *s = grade_shared(sizeof *s);
    const char *name = use_sleep ? "sleep_lock" : "spin_lock";
    long overlaps, lost;

    stats_new();
    s->use_sleep = use_sleep;
    run_pair(rounds, s, 20, use_sleep
             ? "does sleep_unlock free the lock and wake a sleeping waiter (FUTEX_WAKE), "
               "and does every access to state go through an atomic_*() call?"
             : "does spin_unlock free the lock, and does every access to locked go through "
               "an atomic_*() call (a plain read in a loop is a loop the grader cannot "
               "interrupt)?");
    overlaps = atomic_load(&s->overlaps);
    lost = 2L * ROUNDS - s->counter;
    if (overlaps > 0)
        grade_fail("two processes were inside the lock at once %ld times, and %ld of %d "
                   "updates were lost under a forced interleaving: does %s test and take "
                   "the lock in one atomic operation (atomic_exchange or "
                   "atomic_compare_exchange_strong)?", overlaps, lost, 2 * ROUNDS, name);
}

static void test_spin_mutual_exclusion(void)
{
    mutual_exclusion(0);
}

static void test_sleep_mutual_exclusion(void)
{
    mutual_exclusion(1);
}

static void test_spin_unlock_releases(void)
{
    struct spinlock *l = grade_shared(sizeof *l);
    pid_t pid;

    spin_lock(l);
    if (atomic_load(&l->locked) != 1)
        grade_fail("after spin_lock, locked is %d, not 1: does spin_lock set it?",
                   atomic_load(&l->locked));
    spin_unlock(l);
    if (atomic_load(&l->locked) != 0)
        grade_fail("after spin_unlock, locked is still %d: does spin_unlock store 0?",
                   atomic_load(&l->locked));
    if ((pid = grade_fork()) == -1)
        grade_fail("the grader could not fork");
    if (pid == 0) {
        spin_lock(l);
        spin_unlock(l);
        _exit(0);
    }
    if (grade_wait(pid, 5) == -1)
        grade_fail("a second process could not take the lock in 5 s after spin_unlock");
}

static void bank_party(int party, void *arg)
{
    struct bank *b = arg;

    if (party == 0)
        withdraw(&b->account, UPDATES);
    else
        deposit(&b->account, UPDATES);
}

static void test_bank_updates(void)
{
    struct bank *b = grade_shared(sizeof *b);
    long lost, unlocked, final;

    stats_new();
    b->account.balance = 100;
    run_pair(bank_party, b, 20, "does every spin_lock in withdraw and deposit have its "
             "spin_unlock, on every path?");
    lost = atomic_load(&b->lost);
    unlocked = atomic_load(&b->unlocked);
    final = b->account.balance;
    if (lost > 0)
        grade_fail("lost %ld of %d updates under a forced interleaving: is every read and "
                   "write of the balance inside the lock?", lost, 2 * UPDATES);
    if (unlocked > 0)
        grade_fail("read or wrote the balance %ld times without holding the lock: is every "
                   "read and write of the balance inside the lock?", unlocked);
    if (final != 100)
        grade_fail("the final balance is %ld, not 100: does withdraw take 1 and deposit add "
                   "1, %d times each?", final, UPDATES);
}

/* The child of the sleep tests: announces itself, takes the lock (which
 * the parent holds), says so, gives it back. */
static void waiter(struct sleeplock *l)
{
    atomic_store(&stats->watched, getpid());
    my_atomics = 0;
    sem_post(&stats->started);
    sleep_lock(l);
    atomic_store(&stats->acquired, 1);
    sem_post(&stats->blocked);      /* in case it never blocked */
    sleep_unlock(l);
    _exit(0);
}

static void sem_wait_or_fail(sem_t *sem, double seconds, const char *what)
{
    struct timespec until;
    double s = grade_seconds(seconds);

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)s;
    while (sem_timedwait(sem, &until) == -1)
        if (errno != EINTR)
            grade_fail("%s", what);
}

static void hold_or_fail(struct sleeplock *l)
{
    sleep_lock(l);
    if (atomic_load(&l->state) == 0)
        grade_fail("after sleep_lock, state is 0 (free): does sleep_lock take the lock?");
}

/* The grader takes the lock, then starts the waiter, which asks for it. */
static pid_t start_waiter(struct sleeplock *l)
{
    pid_t pid;

    stats_new();
    hold_or_fail(l);
    if ((pid = grade_fork()) == -1)
        grade_fail("the grader could not fork");
    if (pid == 0)
        waiter(l);
    return pid;
}

static void test_sleep_wakes_waiter(void)
{
    struct sleeplock *l = grade_shared(sizeof *l);
    long wakes;
    pid_t pid;
    int status;

    pid = start_waiter(l);
    sem_wait_or_fail(&stats->blocked, 10, "a process calling sleep_lock on a held lock "
                     "neither slept (FUTEX_WAIT) nor spun in 10 s");
    if (atomic_load(&stats->acquired))
        grade_fail("sleep_lock returned while another process held the lock: does it wait "
                   "until state was 0 and it set it?");
    wakes = atomic_load(&stats->futex_wakes);
    sleep_unlock(l);
    if (atomic_load(&stats->futex_waits) > 0 && atomic_load(&stats->futex_wakes) == wakes)
        grade_fail("the waiter slept in FUTEX_WAIT and sleep_unlock did not call FUTEX_WAKE: "
                   "does sleep_unlock wake it when someone may be waiting?");
    if ((status = grade_wait(pid, 5)) == -1)
        grade_fail("the waiter was still asleep 5 s after sleep_unlock: does sleep_unlock "
                   "wake it (FUTEX_WAKE) when someone may be waiting?");
    if (!WIFEXITED(status) || !atomic_load(&stats->acquired))
        grade_fail("the waiter crashed instead of taking the lock");
}

static void test_sleep_blocked_no_cpu(void)
{
    struct sleeplock *l = grade_shared(sizeof *l);
    struct timespec second = { 1, 0 };
    double cpu0, cpu1;
    long atomics0, atomics1;
    pid_t pid;

    pid = start_waiter(l);
    sem_wait_or_fail(&stats->started, 10, "the waiting process did not start in 10 s");
    cpu0 = grade_cpu_seconds(pid);
    atomics0 = atomic_load(&stats->atomics);
    while (nanosleep(&second, &second) == -1 && errno == EINTR)
        ;                       /* the measurement: one second blocked */
    cpu1 = grade_cpu_seconds(pid);
    atomics1 = atomic_load(&stats->atomics);
    if (atomic_load(&stats->acquired))
        grade_fail("sleep_lock returned while another process held the lock");
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    if (cpu1 - cpu0 >= 0.050 || atomics1 - atomics0 > 100)
        grade_fail("a process blocked for 1 s on a held lock used %.0f ms of CPU and made "
                   "%ld atomic operations: does sleep_lock sleep in futex(FUTEX_WAIT) "
                   "instead of spinning?", (cpu1 - cpu0) * 1000, atomics1 - atomics0);
}

static void test_sleep_fast_path(void)
{
    struct sleeplock *l = grade_shared(sizeof *l);
    long calls;

    stats_new();
    for (int i = 0; i < 1000; i++) {
        hold_or_fail(l);
        sleep_unlock(l);
        if (atomic_load(&l->state) != 0)
            grade_fail("after sleep_unlock, state is %d, not 0 (free)", atomic_load(&l->state));
    }
    calls = atomic_load(&stats->futex_waits) + atomic_load(&stats->futex_wakes);
    if (calls > 0)
        grade_fail("made %ld futex calls for 1000 lock/unlock pairs nobody else wanted: "
                   "without a waiter, lock and unlock should each be one atomic operation "
                   "and no system call", calls);
}

static const struct grade_test tests[] = {
    { "spin_mutual_exclusion", 20, 30, test_spin_mutual_exclusion, HINT_A1, 0 },
    { "spin_unlock_releases", 10, 20, test_spin_unlock_releases, HINT_A1, 0 },
    { "bank_updates", 20, 30, test_bank_updates, HINT_A2, 0 },
    { "sleep_mutual_exclusion", 20, 30, test_sleep_mutual_exclusion, HINT_B, 0 },
    { "sleep_wakes_waiter", 10, 30, test_sleep_wakes_waiter, HINT_B, 0 },
    { "sleep_blocked_no_cpu", 10, 20, test_sleep_blocked_no_cpu, HINT_B, 0 },
    { "sleep_fast_path", 10, 20, test_sleep_fast_path, HINT_B, 0 },
};

int main(int argc, char *argv[])
{
    return grade_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
