/* typecode.c - numbers of type 'i' or 'd' in shared memory; see typecode.h. */
#include "typecode.h"

#include "pylist.h"

#include <limits.h>
#include <stdio.h>

int typecode_fits(char typecode, const long *list, size_t len, char *msg, size_t msglen)
{
    const long root = 46340;    /* 46340^2 <= INT_MAX < 46341^2 */
    long long sum = 0;

    if (typecode != 'i')
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (list[i] < -root || list[i] > root) {
            snprintf(msg, msglen, "%ld squared does not fit in type 'i' (a C int, at most %d); "
                     "try --type d", list[i], INT_MAX);
            return -1;
        }
        sum += (long long)list[i] * list[i];
    }
    if (sum > INT_MAX) {
        snprintf(msg, msglen, "the sum of squares, %lld, does not fit in type 'i' "
                 "(a C int, at most %d); try --type d", sum, INT_MAX);
        return -1;
    }
    return 0;
}

size_t shared_size(const struct shared *s)
{
    return s->len * (s->typecode == 'i' ? sizeof(int) : sizeof(double));
}

double shared_get(const struct shared *s, size_t idx)
{
    if (s->typecode == 'i')
        return ((const int *)s->mem)[idx];
    return ((const double *)s->mem)[idx];
}

void shared_set(struct shared *s, size_t idx, double x)
{
    if (s->typecode == 'i')
        ((int *)s->mem)[idx] = (int)x;
    else
        ((double *)s->mem)[idx] = x;
}

double shared_sum(const struct shared *s)
{
    double sum = 0;

    for (size_t idx = 0; idx < s->len; idx++)
        sum += shared_get(s, idx);
    return sum;
}

int print_array(const struct shared *s)
{
    if (s->typecode == 'i')
        return pylist_print_ints(stdout, s->mem, s->len);
    return pylist_print_doubles(stdout, s->mem, s->len);
}

int print_value(const struct shared *s)
{
    if (s->typecode == 'i')
        return printf("%d", *(const int *)s->mem) < 0 ? -1 : 0;
    return py_print_double(stdout, *(const double *)s->mem);
}
