/* session7 - a Lock fixes the race: session6 plus lock.acquire() and
 * lock.release() around each update, built with session6's shared modules
 * (bank.c, explore.c). diff session6/session6.c shows the lock alone.
 */
#include "args.h"
#include "bank.h"
#include "die.h"
#include "lock.h"
#include "proc.h"
#include "shm.h"

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

/* What each process is given: args=(balance, lock) */
struct transaction { /* line:transaction */
    struct account *balance;
    struct lock *lock;
};

/* def withdraw(balance, lock): */
static int withdraw(void *arg) /* line:withdraw */
{
    struct transaction *args = arg;

    bank_start_gate(args->balance, 1);              /* both loops start together */
    for (long i = 0; i < args->balance->iterations; i++) {      /* for _ in range(10000): */
        lock_acquire_or_die(args->lock);        /* lock.acquire(): sem_wait, lock.c */ /* line:acquire */
        /* balance.value = balance.value - 1: a read, then a write */
        long current = balance_read(args->balance);     /* line:read */
        balance_write(args->balance, current - 1);      /* line:write */
        lock_release_or_die(args->lock);        /* lock.release(): sem_post */ /* line:release */
    }
    return 0;
}

/* def deposit(balance, lock): */
static int deposit(void *arg) /* line:deposit */
{
    struct transaction *args = arg;

    bank_start_gate(args->balance, 2);
    for (long i = 0; i < args->balance->iterations; i++) {      /* for _ in range(10000): */
        lock_acquire_or_die(args->lock);        /* lock.acquire(): sem_wait, lock.c */
        /* balance.value = balance.value + 1: a read, then a write */
        long current = balance_read(args->balance);
        balance_write(args->balance, current + 1);
        lock_release_or_die(args->lock);        /* lock.release(): sem_post */
    }
    return 0;
}

/* def perform_transactions(): */
static void perform_transactions(struct options *opt)
{
    struct account *balance = account_new(opt);     /* balance = multiprocessing.Value('i', 100) */ /* line:value */
    struct lock *lock = shared_alloc(sizeof *lock);     /* lock = multiprocessing.Lock() */ /* line:lock */
    struct transaction args = { balance, lock };
    struct bank_failure failed;
    pid_t p1, p2;
    int rc;

    if (balance == NULL || lock == NULL)
        die("mmap");
    if ((rc = lock_init(lock, opt->lock_kind)) != 0)    /* sem_init(&lock->u.sem, 1, 1): lock.c */ /* line:lock-init */
        die_errnum("lock_init", rc);
    /* p1 = multiprocessing.Process(target=withdraw, args=(balance, lock)); p1.start() */
    if ((p1 = proc_start(withdraw, &args)) == -1) /* line:start */
        die("fork");
    /* p2 = multiprocessing.Process(target=deposit, args=(balance, lock)); p2.start() */
    if ((p2 = proc_start(deposit, &args)) == -1) {
        proc_terminate_all(SIGTERM);
        die("fork");
    }
    if ((rc = bank_join_both(p1, p2, &failed)) == -1)  /* p1.join(); p2.join() */ /* line:join */
        die("waitpid");
    if (rc == 1)
        fail_child(failed.name, failed.status);
    bank_print_final(opt, balance);     /* print("Final balance = {}".format(balance.value)) */ /* line:print */
    lock_destroy(lock); /* line:destroy */
    shared_free(lock, sizeof *lock);
    account_free(balance);
}

/* if __name__ == "__main__": */
int main(int argc, char *argv[])
{
    struct options opt;
    const char *failed;

    die_init("session7");
    parse_options(argc, argv, &opt);        /* --help and the options: options.c */
    if ((failed = bank_begin(&opt)) != NULL)
        die(failed);
    if (opt.lab != NULL)                    /* --schedule and the other labs: --help */
        return opt.lab(&opt);
    for (long t = 0; t < opt.trials; t++)   /* for _ in range(10): */ /* line:trials */
        perform_transactions(&opt);         /*     perform_transactions() */
    bank_end(&opt);                         /* --summary */
    return fflush(stdout) == 0 ? 0 : 1;
}
