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

/* Text that came from another process or a peer, made safe to print the
 * way Python's repr() shows a string, without the quotes: a backslash as
 * \\, tab, newline and carriage return as \t \n \r, every other control
 * character (0x00-0x1f, 0x7f, and U+0080-U+009F) as \xNN, a byte that is
 * not part of valid UTF-8 as \xNN; everything else as it is. So no name
 * can end a line early (and forge the next record) or send the terminal an
 * escape sequence. Writes at most size bytes into dst, always
 * '\0'-terminated when size > 0, and returns the length the whole text
 * needs (like snprintf): at most 4 * len. */
size_t py_escape(char *dst, size_t size, const char *src, size_t len);

#endif
