/* explore_count.h - every interleaving of session6's two processes, counted exactly.
 *
 * Process 1 withdraws 1 and process 2 deposits 1, N updates each; an update
 * is a read step and then a write step (computing the new value is private).
 * explore_count() counts, for each final balance, how many of the step
 * orders end there, as GMP integers (explore.h is the GMP-free entry point
 * the programs use). docs/session6.md ("Every interleaving, counted") shows it.
 */
#ifndef SESSION6_EXPLORE_COUNT_H
#define SESSION6_EXPLORE_COUNT_H

#include <stdio.h>             /* before gmp.h, which declares gmp_fprintf only after FILE */
#include <gmp.h>

#include "explore.h"

/* How many schedules end at each final balance. The final balance always
 * lies in start - n .. start + n, so counts[k] is for start - n + k. */
struct explore_result {
    long n;
    mpz_t *counts;  /* 2n + 1 of them */
    mpz_t total;    /* their sum */
};

/* Counts every schedule of n updates per process (1 <= n <= EXPLORE_MAX_N).
 * locked = 0: any step may follow any other (session6). locked = 1: a read
 * waits while the other process is between its read and its write, as with
 * session7's Lock. Returns 0, or -1 with errno (EINVAL, ENOMEM). */
int explore_count(long n, int locked, struct explore_result *r);
void explore_free(struct explore_result *r);

/* Prints the counts for a start balance: a table with the total and the
 * share that ends correct, or with csv only `final_balance,schedules` and
 * one row per balance that some schedule reaches, ascending. */
void explore_print(FILE *out, const struct explore_result *r, long start, int csv);

#endif
