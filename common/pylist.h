/* pylist.h - print numbers the way Python prints them, so the C programs'
 * output matches the tutorial's: [1, 4, 9, 16], [], [1.0, 4.0], 30.0.
 */
#ifndef COMMON_PYLIST_H
#define COMMON_PYLIST_H

#include <stddef.h>
#include <stdio.h>

/* Each returns 0, or -1 when writing to out failed. */
int pylist_print_longs(FILE *out, const long *items, size_t count);
int pylist_print_ints(FILE *out, const int *items, size_t count);
int pylist_print_doubles(FILE *out, const double *items, size_t count);

/* One float as Python's repr() writes it: the shortest text that reads back
 * as the same double, with ".0" when it would look like an integer:
 * 30.0, 0.1, 1e+16, inf, nan. */
int py_print_double(FILE *out, double value);

#endif
