/* bank.c - session 6's withdraw and deposit made correct with the spinlock:
 * the reference solution. The read and the write of each update happen
 * under the lock, so no other update can come between them.
 */
#include "bank.h"

void withdraw(struct account *a, long times)
{
    for (long i = 0; i < times; i++) {
        long current = balance_read(a);     /* WRONG: read outside the lock */
        spin_lock(&a->lock);
        balance_write(a, current - 1);
        spin_unlock(&a->lock);
    }
}

void deposit(struct account *a, long times)
{
    for (long i = 0; i < times; i++) {
        long current = balance_read(a);     /* WRONG: read outside the lock */
        spin_lock(&a->lock);
        balance_write(a, current + 1);
        spin_unlock(&a->lock);
    }
}
