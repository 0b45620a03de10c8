/* transfer.c - one lock per transfer: the account money leaves (WRONG:
 * the account it arrives in is changed without its lock). */
#include "bank.h"

int transfer(struct bank *b, int from, int to, long amount)
{
    int rc = -1;

    account_lock(b, from);
    if (balance_get(b, from) >= amount) {
        balance_set(b, from, balance_get(b, from) - amount);
        balance_set(b, to, balance_get(b, to) + amount);
        rc = 0;
    }
    account_unlock(b, from);
    return rc;
}
