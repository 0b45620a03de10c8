/* bank.h - accounts, each with its own lock (given: do not change it).
 *
 * The grader supplies the bank; you write transfer() in transfer.c.
 * README.md says what it must do.
 */
#ifndef BANK_H
#define BANK_H

struct bank;

/* lock.acquire() and lock.release() of one account's lock. A process that
 * asks for a lock someone else holds waits until it is given back. The
 * locks are not recursive: asking again for a lock you hold waits forever. */
void account_lock(struct bank *b, int account);
void account_unlock(struct bank *b, int account);

/* An account's balance; only while holding that account's lock. */
long balance_get(struct bank *b, int account);
void balance_set(struct bank *b, int account, long value);

/* Moves amount from account `from` to account `to`, if `from` holds at
 * least amount: returns 0. If it does not, moves nothing and returns -1.
 * from may equal to (then nothing changes, and it returns 0 if the account
 * holds at least amount). Several processes call transfer at the same time,
 * between any accounts. */
int transfer(struct bank *b, int from, int to, long amount);

#endif
