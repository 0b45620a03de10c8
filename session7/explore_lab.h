/* explore_lab.h - session7 --explore N: every interleaving of the two
 * processes' N updates, counted exactly (common/explore.c).
 * docs/session7.md explains it.
 */
#ifndef SESSION7_EXPLORE_LAB_H
#define SESSION7_EXPLORE_LAB_H

/* Counts and prints the schedules of n updates per process from a start
 * balance (with csv only the CSV rows). Returns 0; exits 1 when memory
 * runs out. */
int s7_lab_explore(long n, long start, int csv);

#endif
