/* transfer.c - money between two accounts (session 7, --deadlock).
 *
 * As given, this file compiles and runs, and moves money correctly as long
 * as nobody else transfers the other way: P1 moving 0 -> 1 holds lock 0 and
 * waits for lock 1 while P2 moving 1 -> 0 holds lock 1 and waits for lock 0.
 * README.md says what to change; `make grade-deadlock` how far you are.
 */
#include "bank.h"

int transfer(struct bank *b, int from, int to, long amount)
{
    /* TODO: take the two locks in an order every process agrees on, and
     * only once when from == to. */
    account_lock(b, from);
    account_lock(b, to);
    if (balance_get(b, from) < amount) {
        account_unlock(b, to);
        account_unlock(b, from);
        return -1;
    }
    balance_set(b, from, balance_get(b, from) - amount);
    balance_set(b, to, balance_get(b, to) + amount);
    account_unlock(b, to);
    account_unlock(b, from);
    return 0;
}
