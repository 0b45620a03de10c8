/* typecode.h - session2's numbers in shared memory, of the type Python's
 * typecode names: 'i' a C int, 'd' a C double. One accessor for both, so
 * square_list is written once. docs/session2.md explains it.
 */
#ifndef SESSION2_TYPECODE_H
#define SESSION2_TYPECODE_H

#include <stddef.h>

/* multiprocessing.Array(typecode, len), or Value(typecode) when len is 1:
 * this descriptor is an ordinary variable (fork copies it); mem points to
 * the shared pages (fork does not copy those). */
struct shared {
    char typecode;          /* 'i' or 'd' */
    size_t len;             /* how many numbers: the Array's length, 1 for a Value */
    void *mem;              /* len ints or len doubles */
};

/* Whether squaring every number of list[0..len-1] and adding the squares up
 * stays within the typecode: with 'i' a square or the sum past INT_MAX would
 * overflow a signed int, undefined behaviour in C. Returns 0, or -1 with a
 * one-line message in msg. Checked before any process starts. */
int typecode_fits(char typecode, const long *list, size_t len, char *msg, size_t msglen);

/* The bytes the numbers take: len * sizeof(int) or len * sizeof(double). */
size_t shared_size(const struct shared *s);

/* s[idx], and s[idx] = x. A double holds every int exactly, so one accessor
 * serves both types; for 'i', x must fit in an int (the options check that
 * every square and their sum do, before any process starts). */
double shared_get(const struct shared *s, size_t idx);
void shared_set(struct shared *s, size_t idx, double x);

/* sum(s), added up in order. */
double shared_sum(const struct shared *s);

/* Print as Python does: an Array as [1, 4, 9, 16] or [1.0, 4.0], a Value as
 * 30 or 30.0. Return 0, or -1 when stdout could not be written. */
int print_array(const struct shared *s);
int print_value(const struct shared *s);

#endif
