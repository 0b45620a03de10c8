/* schedule.c - session6 --schedule STEPS (and --interleave, which is
 * --schedule 1212): the two processes take the steps STEPS gives them, one
 * at a time, and the table shows each read and write (bank.c plays
 * it). With --value-lock each read and each write is locked on its own.
 * docs/session6.md shows the tutorial's three tables.
 */
#include "labs.h"

#include "die.h"
#include "proc.h"

int lab_schedule(struct options *o)
{
    struct bank_lock value_lock;
    struct bank_failure failed;
    const char *op;
    int rc;

    if (o->value_lock && value_lock_new(&value_lock) == -1)
        die("sem_init");
    rc = bank_play_schedule(o, o->value_lock ? &value_lock : NULL, &failed, &op);
    if (rc == -1)
        die(op);
    if (rc == 1)
        fail_child(failed.name, failed.status);
    if (o->value_lock)
        value_lock_free(&value_lock);
    bank_end(o);
    return 0;
}
