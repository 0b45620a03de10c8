/* shared.h - the assignment's interface (given: do not change it).
 *
 * A parent hands a list of numbers to a child process; the child writes the
 * square of each into `values` and their sum into `*sum`; after the child has
 * ended, the parent reads both. README.md says what to write.
 */
#ifndef SHARED_H
#define SHARED_H

#include <stddef.h>

/* Python's Array('l', len) and Value('l'). */
struct squares {
    long *values;       /* len of them */
    size_t len;
    long *sum;
};

/* Makes s ready for len values and a sum, all zero. Returns 0, or -1 with
 * errno set. */
int squares_new(struct squares *s, size_t len);

/* Gives back what squares_new took. */
void squares_free(struct squares *s);

/* Starts a child process that sets s->values[i] = square(mylist[i]) for
 * each of the s->len numbers and *s->sum to their sum, then ends; waits for
 * it. Returns 0 when the child ended with exit status 0, else -1. */
int square_list_in_child(const long *mylist, struct squares *s);

/* The square of x; the grader supplies it (and sometimes makes it crash). */
long square(long x);

#endif
