/* pylist.c - Python-style list and float formatting; see pylist.h. */
#include "pylist.h"
#include "trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int py_print_double(FILE *out, double value)
{
    char text[40];

    if (isnan(value))
        return fputs("nan", out) == EOF ? -1 : 0;
    if (isinf(value))
        return fputs(value < 0 ? "-inf" : "inf", out) == EOF ? -1 : 0;

    /* The fewest significant digits that read back as exactly this double
     * (17 always suffice for an IEEE 754 double), in scientific notation. */
    int digits;
    for (digits = 1; digits < 17; digits++) {
        snprintf(text, sizeof text, "%.*e", digits - 1, value);
        if (strtod(text, NULL) == value)
            break;
    }
    snprintf(text, sizeof text, "%.*e", digits - 1, value);

    /* Python keeps that notation only for exponents below -4 or from 16 on;
     * in between it writes the same digits as a plain decimal number. */
    int exponent = (int)strtol(strchr(text, 'e') + 1, NULL, 10);
    if (exponent >= -4 && exponent < 16) {
        int decimals = digits - 1 - exponent;
        snprintf(text, sizeof text, "%.*f", decimals > 0 ? decimals : 0, value);
        if (strchr(text, '.') == NULL) {
            size_t used = strlen(text);

            snprintf(text + used, sizeof text - used, ".0");
        }
    }
    return fputs(text, out) == EOF ? -1 : 0;
}

/* The three list printers differ only in how one item is printed. */
typedef int (*print_item_fn)(FILE *out, const void *item);

static int print_list(FILE *out, const void *items, size_t size, size_t count,
                      print_item_fn print_item)
{
    const char *item = items;

    if (fputc('[', out) == EOF)
        return -1;
    for (size_t i = 0; i < count; i++, item += size) {
        if (i > 0 && fputs(", ", out) == EOF)
            return -1;
        if (print_item(out, item) < 0)
            return -1;
    }
    return fputc(']', out) == EOF ? -1 : 0;
}

static int print_long(FILE *out, const void *item)
{
    return fprintf(out, "%ld", *(const long *)item);
}

static int print_int(FILE *out, const void *item)
{
    return fprintf(out, "%d", *(const int *)item);
}

static int print_double(FILE *out, const void *item)
{
    return py_print_double(out, *(const double *)item);
}

/* --trace: which list a process printed, where it lives and how long it
 * was (session1: p1's copy of `result` and main's, at one address). */
static const struct trace_kind kind_print = {
    "print list", "memory", 'i', { "length", "address", "first", "last" }, NULL };

int pylist_print_longs(FILE *out, const long *items, size_t count)
{
    trace_event(&kind_print, (long)count, (long)(uintptr_t)items, count > 0 ? items[0] : 0,
                count > 0 ? items[count - 1] : 0);
    return print_list(out, items, sizeof *items, count, print_long);
}

int pylist_print_ints(FILE *out, const int *items, size_t count)
{
    return print_list(out, items, sizeof *items, count, print_int);
}

int pylist_print_doubles(FILE *out, const double *items, size_t count)
{
    return print_list(out, items, sizeof *items, count, print_double);
}

/* The length of the valid UTF-8 sequence at s (at most `left` bytes), or 0
 * when the byte there does not start one (overlong forms, surrogates and
 * values past U+10FFFF are not valid either). *cp gets the code point. */
static size_t utf8_sequence(const unsigned char *s, size_t left, unsigned long *cp)
{
    static const unsigned long least[] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

    if (n == 0 || n > left || s[0] >= 0xf8)
        return 0;
    *cp = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        *cp = *cp << 6 | (s[i] & 0x3f);
    }
    if (*cp < least[n] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return n;
}

size_t py_escape(char *dst, size_t size, const char *src, size_t len)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t out = 0;

    for (size_t i = 0; i < len; ) {
        char piece[8];
        size_t n = 1, plen;
        unsigned long cp = s[i];

        if (s[i] >= 0x80 && (n = utf8_sequence(s + i, len - i, &cp)) == 0)
            n = 1, cp = s[i];   /* not UTF-8: shown as the byte it is */
        if (s[i] == '\\')
            plen = (size_t)snprintf(piece, sizeof piece, "\\\\");
        else if (cp == '\t' || cp == '\n' || cp == '\r')
            plen = (size_t)snprintf(piece, sizeof piece, "\\%c",
                                    cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r');
        else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || (n == 1 && cp >= 0x80))
            plen = (size_t)snprintf(piece, sizeof piece, "\\x%02lx", cp);
        else
            memcpy(piece, s + i, plen = n);
        for (size_t k = 0; k < plen; k++, out++)
            if (out + 1 < size)
                dst[out] = piece[k];
        i += n;
    }
    if (size > 0)
        dst[out < size ? out : size - 1] = '\0';
    return out;
}
