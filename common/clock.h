/* clock.h - the time calculations several sessions need: the monotonic
 * clock in seconds, how long since a moment, and a deadline some seconds
 * from now (for sem_timedwait and friends). Both read clock_gettime; docs/performance.md says which clock.
 */
#ifndef COMMON_CLOCK_H
#define COMMON_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC, from a start of its own: only differences
 * between two readings mean anything. */
double monotonic_seconds(void);

/* Seconds elapsed on CLOCK_MONOTONIC since *start (read from the same clock). */
double seconds_since(const struct timespec *start);

/* The moment `seconds` from now on `clock` (sem_timedwait wants
 * CLOCK_REALTIME, pthread_cond_timedwait the clock its condattr names). */
struct timespec deadline_after(clockid_t clock, double seconds);

#endif
