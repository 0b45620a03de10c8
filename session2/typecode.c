/* typecode.c - numbers of type 'i' or 'd' in shared memory; see typecode.h. */
#include "typecode.h"
#include "trace.h"

#include "pylist.h"

#include <stdint.h>
#include <stdio.h>

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

/* --trace: each write into shared memory, its place and its value. */
static const struct trace_kind kind_write = {
    "shared write", "memory", 'i', { "index", "value", "address", NULL }, NULL };

void shared_set(struct shared *s, size_t idx, double x)
{
    trace_event(&kind_write, (long)idx, (long)x, (long)(uintptr_t)s->mem, 0);
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
