/* value_lock.c - session6 --value-lock: Python's "synchronized" Value. Its
 * own lock is taken once for the read and once for the write of
 * balance.value = balance.value - 1 (gh-106691), so the other process can
 * still slip in between: the race stays. docs/session6.md, "What Python
 * users run into", puts it beside session7's lock around the whole update.
 */
#include "labs.h"

#include "die.h"
#include "proc.h"
#include "shm.h"

#include <errno.h>
#include <semaphore.h>
#include <signal.h>

/* The lock of one Value: a process-shared semaphore with value 1, like
 * multiprocessing's RLock/Lock, in shared memory. */
static int value_lock_acquire(void *sem)
{
    while (sem_wait(sem) == -1)
        if (errno != EINTR)
            return errno;
    return 0;
}

static int value_lock_try(void *sem)
{
    if (sem_trywait(sem) == -1)
        return errno == EAGAIN ? EBUSY : errno;
    return 0;
}

static int value_lock_release(void *sem)
{
    return sem_post(sem) == -1 ? errno : 0;
}

int value_lock_new(struct bank_lock *lock)
{
    sem_t *sem = shared_alloc(sizeof *sem);

    if (sem == NULL)
        return -1;
    if (sem_init(sem, 1, 1) == -1) {
        shared_free(sem, sizeof *sem);
        return -1;
    }
    *lock = (struct bank_lock){ sem, value_lock_acquire, value_lock_try, value_lock_release, 0 };
    return 0;
}

void value_lock_free(struct bank_lock *lock)
{
    sem_destroy(lock->lock);
    shared_free(lock->lock, sizeof(sem_t));
}

struct synchronized_value {
    struct account *balance;
    struct bank_lock *lock;
};

/* balance.value (get): with the Value's lock held, and released again. */
static long value_get(struct synchronized_value *v)
{
    long value;
    int err;

    if ((err = v->lock->acquire(v->lock->lock)) != 0) {
        errno = err;
        die_child("sem_wait");
    }
    value = balance_read(v->balance);
    if (v->lock->release(v->lock->lock) != 0)
        die_child("sem_post");
    return value;
}

/* balance.value = value (set): the lock is taken again, separately. */
static void value_set(struct synchronized_value *v, long value)
{
    int err;

    if ((err = v->lock->acquire(v->lock->lock)) != 0) {
        errno = err;
        die_child("sem_wait");
    }
    balance_write(v->balance, value);
    if (v->lock->release(v->lock->lock) != 0)
        die_child("sem_post");
}

static int withdraw(void *arg)
{
    struct synchronized_value *v = arg;

    bank_start_gate(v->balance, 1);
    for (long i = 0; i < v->balance->iterations; i++)
        value_set(v, value_get(v) - 1);     /* two lock.acquire()s, not one */
    return 0;
}

static int deposit(void *arg)
{
    struct synchronized_value *v = arg;

    bank_start_gate(v->balance, 2);
    for (long i = 0; i < v->balance->iterations; i++)
        value_set(v, value_get(v) + 1);
    return 0;
}

static void one_trial(struct options *o, struct bank_lock *lock)
{
    struct synchronized_value v = { account_new(o), lock };
    struct bank_failure failed;
    pid_t p1, p2;
    int rc;

    if (v.balance == NULL)
        die("mmap");
    if ((p1 = proc_start(withdraw, &v)) == -1)
        die("fork");
    if ((p2 = proc_start(deposit, &v)) == -1) {
        proc_terminate_all(SIGTERM);
        die("fork");
    }
    if ((rc = bank_join_both(p1, p2, &failed)) == -1)
        die("waitpid");
    if (rc == 1)
        fail_child(failed.name, failed.status);
    bank_print_final(o, v.balance);
    account_free(v.balance);
}

int lab_value_lock(struct options *o)
{
    struct bank_lock lock;

    if (value_lock_new(&lock) == -1)
        die("sem_init");
    for (long t = 0; t < o->trials; t++)
        one_trial(o, &lock);
    bank_end(o);
    value_lock_free(&lock);
    return 0;
}
