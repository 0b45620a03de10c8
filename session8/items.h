/* items.h - the list that session8 and session8-mpi map: main's default,
 * the numbers given as operands, or --range N; the rows of their option
 * tables that say so, and the checks on it.
 */
#ifndef SESSION8_ITEMS_H
#define SESSION8_ITEMS_H

#include <stddef.h>

/* The largest |n| whose square fits in a long (3037000499^2 < 2^63). */
#define ITEM_MAX 3037000499L
#define RANGE_MAX 10000000L
#define WORK_MAX 1000000000L

/* The rows for NUMBER... and --range N (args.h), --range into `range`. */
#define ITEMS_ROWS(range) \
    { .arg = "NUMBER", .help = "the input list (default: 1 2 3 4 5), each in\n" \
      "{min}..{max}; put -- before a\nnegative number", .min = -ITEM_MAX, .max = ITEM_MAX }, \
    { "range", 'r', "N", "the list 1..N instead (N in {min}..{max})", \
      .number = &(range), 1, RANGE_MAX }

/* After arg_parse: the operands, or 1..range, into a new array *owned (and
 * *items), with its length in *n; with neither, *items and *n stay (main's
 * list). crash_on, when not NULL, must be one of the items. Returns 0; -1
 * with a one-line message for bad usage; -2 when malloc failed. */
int items_read(int argc, char *argv[], long range, const long *crash_on, long **owned,
               const long **items, size_t *n, char *msg, size_t msglen);

#endif
