/* session7 - a Lock fixes the race.
 *
 * session6 again, line for line, with one change: every update of the
 * balance happens inside lock.acquire() ... lock.release(). --kill-holder
 * shows what happens when a process dies holding the lock.
 * docs/session7.md explains it.
 */
#include "args.h"
#include "bank.h"
#include "die.h"
#include "lock.h"
#include "output.h"
#include "proc.h"
#include "shm.h"

#include <errno.h>
#include <getopt.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long the survivor of --kill-holder waits for a lock nobody releases. */
#define KILL_HOLDER_WAIT_SECONDS 1.0

static struct lock *lock_of(struct account *acc)
{
    return acc->guard->lock;
}

/* With --lock mutex, EOWNERDEAD means the other process died holding the
 * lock, and this one now holds it. What the lock guards is one balance,
 * changed by one write per update, so it is whole whether or not the dead
 * process wrote: this process marks the lock usable again and carries on,
 * and the parent reports the dead process (--kill-holder shows this step by
 * step). */
static void acquire_or_die(struct account *acc)
{
    int err = lock_acquire(lock_of(acc));

    if (err == EOWNERDEAD)
        err = lock_make_consistent(lock_of(acc));
    if (err != 0) {
        errno = err;
        die_child("lock.acquire");
    }
}

static void release_or_die(struct account *acc)
{
    int err = lock_release(lock_of(acc));

    if (err != 0) {
        errno = err;
        die_child("lock.release");
    }
}

/* lock.acquire(); balance.value = balance.value - 1; lock.release() */
static int withdraw(void *arg)
{
    struct account *acc = arg;

    account_start_gate(acc, 0);
    for (long i = 0; i < acc->iterations; i++) {
        acquire_or_die(acc);
        long current = balance_read(acc);
        balance_write(acc, current - 1);
        release_or_die(acc);
    }
    return 0;
}

/* lock.acquire(); balance.value = balance.value + 1; lock.release() */
static int deposit(void *arg)
{
    struct account *acc = arg;

    account_start_gate(acc, 1);
    for (long i = 0; i < acc->iterations; i++) {
        acquire_or_die(acc);
        long current = balance_read(acc);
        balance_write(acc, current + 1);
        release_or_die(acc);
    }
    return 0;
}

/* ----------------------------------------------------------- kill-holder */

struct kill_demo {
    struct account *acc;
    sem_t *holding;             /* P1 posts it once it holds the lock */
};

/* P1: takes the lock, says so, and waits to be killed. */
static int hold_lock_until_killed(void *arg)
{
    struct kill_demo *d = arg;

    acquire_or_die(d->acc);
    printf("P1 (withdraw): lock.acquire(): got it\n");
    if (sem_post(d->holding) == -1)
        die_child("sem_post");
    for (;;)
        pause();
}

/* P2: waits for the lock a bounded time; exit status 3 means it never came. */
static int deposit_after_holder_died(void *arg)
{
    struct kill_demo *d = arg;
    struct account *acc = d->acc;
    int err = lock_timed_acquire(lock_of(acc), KILL_HOLDER_WAIT_SECONDS);

    if (err == ETIMEDOUT) {
        printf("P2 (deposit):  lock.acquire(): still not free after %.0f s\n",
               KILL_HOLDER_WAIT_SECONDS);
        return 3;
    }
    if (err == EOWNERDEAD) {
        printf("P2 (deposit):  lock.acquire(): EOWNERDEAD, its holder died holding it\n");
        if ((err = lock_make_consistent(lock_of(acc))) != 0) {
            errno = err;
            die_child("pthread_mutex_consistent");
        }
        printf("P2 (deposit):  pthread_mutex_consistent(): the lock works again\n");
    } else if (err != 0) {
        errno = err;
        die_child("lock.acquire");
    }
    balance_write(acc, balance_read(acc) + 1);
    release_or_die(acc);
    for (long i = 1; i < acc->iterations; i++) {
        acquire_or_die(acc);
        balance_write(acc, balance_read(acc) + 1);
        release_or_die(acc);
    }
    printf("P2 (deposit):  %ld deposits done\n", acc->iterations);
    return 0;
}

static void explain_unrecoverable(enum lock_kind kind)
{
    fail("the %s lock is never released: its holder was killed, and a %s does not "
         "record who holds it, so nobody can tell that the holder died "
         "(a robust mutex can: try --lock mutex)", lock_kind_name(kind),
         kind == LOCK_SEMAPHORE ? "semaphore" : "spinlock's atomic flag");
}

static void kill_holder(struct account *acc, const struct bank_options *bank, enum lock_kind kind)
{
    struct kill_demo d = { acc, shared_alloc(sizeof(sem_t)) };
    struct timespec limit;
    char how[64];
    pid_t p1, p2;
    int status;

    if (d.holding == NULL)
        die("mmap");
    if (sem_init(d.holding, 1, 0) == -1)
        die("sem_init");
    acc->iterations = bank->iterations;
    balance_write(acc, bank->balance);
    if ((p1 = proc_start(hold_lock_until_killed, &d)) == -1)
        die("fork");
    clock_gettime(CLOCK_REALTIME, &limit);
    limit.tv_sec += 5;
    while (sem_timedwait(d.holding, &limit) == -1)
        if (errno != EINTR) {
            proc_terminate_all(SIGKILL);
            die("sem_timedwait (waiting for P1 to take the lock)");
        }
    if (kill(p1, SIGKILL) == -1 || proc_join(p1, &status) == -1) {
        proc_terminate_all(SIGKILL);
        die("kill");
    }
    printf("main:          P1 %s while it held the lock\n",
           proc_describe_status(status, how, sizeof how));
    if ((p2 = proc_start(deposit_after_holder_died, &d)) == -1)
        die("fork");
    if (proc_join(p2, &status) == -1)
        die("waitpid");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
        explain_unrecoverable(kind);
    if (!proc_succeeded(status))
        fail("P2 %s", proc_describe_status(status, how, sizeof how));
    printf("Final balance = %ld (expected %ld: P1 died before its first withdrawal)\n",
           balance_read(acc), bank->balance + acc->iterations);
    sem_destroy(d.holding);
    shared_free(d.holding, sizeof(sem_t));
}

/* ---------------------------------------------------------------- main */

enum { OPT_LOCK = 0x200, OPT_KILL_HOLDER };

struct options {
    struct bank_options bank;
    enum lock_kind kind;
    int kill_holder;
};

static void usage(void)
{
    printf("Usage: session7 [OPTION]...\n"
           "Two processes share a bank balance, and every update happens inside a\n"
           "lock: one withdraws 1 and one deposits 1, ten thousand times each, and\n"
           "the balance ends where it started.\n"
           "\n"
           "      --lock=KIND      semaphore (a process-shared POSIX semaphore, like\n"
           "                       Python's Lock; default), mutex (a process-shared\n"
           "                       robust pthread mutex) or spin (a C11 atomic spinlock)\n"
           "      --kill-holder    kill P1 with SIGKILL while it holds the lock and show\n"
           "                       what P2 can do about it (default off)\n");
    bank_usage_options();
    printf("  -h, --help           print this help and exit\n"
           "\n"
           "Explained in docs/session7.md.\n");
}

static void parse_args(int argc, char *argv[], struct options *o)
{
    static const struct option options[] = {
        BANK_LONG_OPTIONS,
        { "lock",        required_argument, NULL, OPT_LOCK },
        { "kill-holder", no_argument,       NULL, OPT_KILL_HOLDER },
        { "help",        no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char msg[ARG_MSG_SIZE];
    int opt;

    bank_options_init(&o->bank);
    o->kind = LOCK_SEMAPHORE;
    o->kill_holder = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (opt == 'h') {
            usage();
            exit(0);
        } else if (opt == OPT_LOCK) {
            if (lock_parse_kind(optarg, &o->kind) == -1)
                usage_error("invalid --lock '%s' (accepted: semaphore, mutex, spin)", optarg);
            continue;
        } else if (opt == OPT_KILL_HOLDER) {
            o->kill_holder = 1;
            continue;
        }
        switch (bank_parse_option(opt, optarg, &o->bank, msg, sizeof msg)) {
        case 1:
            continue;
        case 0:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            /* fall through */
        default:
            usage_error("%s", msg);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s' (session7 takes only options)", argv[optind]);
    if (bank_check_options(&o->bank, msg, sizeof msg) == -1)
        usage_error("%s", msg);
    if (o->kill_holder && (o->bank.interleave || o->bank.csv || o->bank.summary))
        usage_error("--kill-holder cannot be combined with --interleave, --csv or --summary");
}

/* A failed system call is reported with its error (die); a child that was
 * killed or failed is reported as what happened to it (fail). Both exit 1. */
static void stop_if_failed(int rc, const char *op)
{
    if (rc == BANK_CHILD_FAILED)
        fail("%s", op);
    if (rc != 0)
        die(op);
}

int main(int argc, char *argv[])
{
    struct options o;
    struct lock *lock;
    struct bank_lock guard = { NULL, lock_acquire, lock_try_acquire, lock_release };
    struct account *balance;
    long *finals, final_balance;
    double seconds_per_trial;
    const char *op;
    int rc;
    int err;

    die_init("session7");
    parse_args(argc, argv, &o);
    if (output_line_buffered() == -1)
        die("setvbuf");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");

    /* lock = Lock(); balance = Value('i', 100), guarded by it. */
    if ((lock = shared_alloc(sizeof *lock)) == NULL)
        die("mmap");
    if ((err = lock_init(lock, o.kind)) != 0)
        die_errnum("lock init", err);
    guard.lock = lock;
    if ((balance = account_new(&guard)) == NULL)
        die("mmap");
    if (o.kill_holder) {
        kill_holder(balance, &o.bank, o.kind);
    } else if (o.bank.interleave) {
        rc = bank_interleave(balance, o.bank.balance, &final_balance, &op);
        stop_if_failed(rc, op);
        printf("Final balance = %ld (expected %ld)\n", final_balance, o.bank.balance);
    } else {
        if ((finals = malloc((size_t)o.bank.trials * sizeof *finals)) == NULL)
            die("malloc");
        /* for _ in range(10): p1 = Process(target=withdraw, args=(balance, lock));
         * p2 = Process(target=deposit, ...); start; join; print. */
        rc = bank_run_trials(&o.bank, balance, withdraw, deposit, finals,
                             &seconds_per_trial, &op);
        stop_if_failed(rc, op);
        bank_print_results(&o.bank, finals, seconds_per_trial);
        free(finals);
    }
    account_free(balance);
    lock_destroy(lock);
    shared_free(lock, sizeof *lock);
    return fflush(stdout) == 0 ? 0 : 1;
}
