/* schedule.c - session7 --schedule STEPS (and --interleave, which is
 * --schedule 1212): the two processes take the steps STEPS gives them, and
 * the real lock decides: a read whose lock the other process holds waits,
 * and the table shows it (session6/bank.c plays it). Every schedule ends
 * correct. docs/session7.md shows the tables.
 */
#include "labs.h"

#include "die.h"
#include "lock.h"
#include "proc.h"
#include "shm.h"

int lab_schedule(struct options *o)
{
    struct lock *lock = shared_alloc(sizeof *lock);
    struct bank_lock guard = { lock, lock_acquire, lock_try_acquire, lock_release, 1 };
    struct bank_failure failed;
    const char *op;
    int rc;

    if (lock == NULL)
        die("mmap");
    if ((rc = lock_init(lock, (enum lock_kind)o->lock_kind)) != 0)
        die_errnum("lock_init", rc);
    rc = bank_play_schedule(o, &guard, &failed, &op);
    if (rc == -1)
        die(op);
    if (rc == 1)
        fail_child(failed.name, failed.status);
    lock_destroy(lock);
    shared_free(lock, sizeof *lock);
    bank_end(o);
    return 0;
}
