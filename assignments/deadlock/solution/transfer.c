/* transfer.c - money between two accounts without deadlock: the reference
 * solution. Every process takes the lower-numbered account's lock first, so
 * no process can hold a higher lock while waiting for a lower one, and no
 * cycle of waits can form (docs/session7-further.md, "Deadlock").
 */
#include "bank.h"

int transfer(struct bank *b, int from, int to, long amount)
{
    int first = from < to ? from : to;
    int second = from < to ? to : from;
    int rc = -1;

    account_lock(b, first);
    if (second != first)
        account_lock(b, second);
    if (balance_get(b, from) >= amount) {
        balance_set(b, from, balance_get(b, from) - amount);
        balance_set(b, to, balance_get(b, to) + amount);
        rc = 0;
    }
    if (second != first)
        account_unlock(b, second);
    account_unlock(b, first);
    return rc;
}
