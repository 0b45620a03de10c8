/* transfer.c - ordered locks, but a refused transfer returns without
 * unlocking (WRONG: the early return). */
#include "bank.h"

int transfer(struct bank *b, int from, int to, long amount)
{
    int first = from < to ? from : to;
    int second = from < to ? to : from;

    account_lock(b, first);
    if (second != first)
        account_lock(b, second);
    if (balance_get(b, from) < amount)
        return -1;                  /* WRONG: both locks still held */
    balance_set(b, from, balance_get(b, from) - amount);
    balance_set(b, to, balance_get(b, to) + amount);
    if (second != first)
        account_unlock(b, second);
    account_unlock(b, first);
    return 0;
}
