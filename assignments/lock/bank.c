/* bank.c - session 6's withdraw and deposit, to be made correct with the
 * spinlock of lock.c (part A, step 2).
 *
 * As given, they are session 6's racy loops: an update between another
 * process's read and write of the balance is lost.
 */
#include "bank.h"

void withdraw(struct account *a, long times)
{
    for (long i = 0; i < times; i++) {
        /* TODO: spin_lock(&a->lock) here, and spin_unlock(&a->lock) after the
         * write: the read and the write inside one locked stretch. */
        long current = balance_read(a);
        balance_write(a, current - 1);
    }
}

void deposit(struct account *a, long times)
{
    for (long i = 0; i < times; i++) {
        /* TODO: the same lock around the read and the write. */
        long current = balance_read(a);
        balance_write(a, current + 1);
    }
}
