/* bank.h - session 6's bank account (given: do not change it).
 *
 * The grader supplies balance_read and balance_write; you write withdraw
 * and deposit in bank.c.
 */
#ifndef BANK_H
#define BANK_H

#include "lock.h"

struct account {
    struct spinlock lock;       /* guards balance */
    long balance;               /* only through balance_read/balance_write */
};

/* balance.value, read and written: two steps, as in session 6. */
long balance_read(struct account *a);
void balance_write(struct account *a, long value);

/* Take 1 from the balance `times` times; add 1 `times` times. Another
 * process runs the other one at the same time on the same account. */
void withdraw(struct account *a, long times);
void deposit(struct account *a, long times);

#endif
