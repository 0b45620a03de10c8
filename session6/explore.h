/* explore.h - session6/session7 --explore N: count every interleaving of
 * the two processes' N updates each, exactly, and print how many end at each
 * final balance. The counting (explore_count.c, with GMP integers) is in
 * explore_count.h; this header needs no GMP, so a machine without libgmp-dev
 * still builds the programs (explore_without_gmp.c then answers).
 * docs/session6.md ("Every interleaving, counted") shows it.
 */
#ifndef SESSION6_EXPLORE_H
#define SESSION6_EXPLORE_H

#include <stdio.h>

struct options;

/* The largest N accepted: the count takes (2N+1)^4 additions. */
#define EXPLORE_MAX_N 40L

/* Counts every schedule of n updates per process (locked: with session7's
 * Lock) and prints the result for the start balance to out, as a table or
 * with csv as `final_balance,schedules` rows. Returns 0, or -1 with errno
 * (EINVAL, ENOMEM; ENOSYS when the program was built without GMP). */
int explore_run(FILE *out, long n, int locked, long start, int csv);

/* The labs (explore.c): explore_run for o->explore updates from o->balance,
 * with no lock (session6) or with the lock (session7); then bank_end. */
int lab_explore(struct options *o);
int lab_explore_locked(struct options *o);

#endif
