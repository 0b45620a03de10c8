/* options.h - session4's command line (options.c) and the labs it selects
 * (many.c, concurrent.c, join_before_drain.c). session4.c calls these.
 */
#ifndef SESSION4_OPTIONS_H
#define SESSION4_OPTIONS_H

#include "queue.h"

#define MAX_PROCS 64
#define MAX_ITEMS 100000000L        /* producers x count: one byte each to check */

struct options {
    enum queue_kind queue;          /* --queue textbook|ring */
    long producers, consumers, count, maxsize;
    int counting;                   /* --producers/--consumers/--count/--maxsize given */
    int count_given;
    int concurrent;
    int join_before_drain;
    int verbose;
    const char *trace;              /* --trace FILE, or NULL */
};

/* Fills *o from argv; bad usage ends the program (exit 2). */
void parse_options(int argc, char *argv[], struct options *o);

/* With --verbose, "  [pid P, parent Q]" of the calling process, to tag a
 * line a child prints; "" otherwise. The text lives until the next call. */
const char *tag(void);

/* The labs: each returns main's exit status. */
int lab_many(const struct options *o);                    /* many.c */
int lab_concurrent(const struct options *o);              /* concurrent.c */
int lab_join_before_drain(const struct options *o); /* join_before_drain.c */

#endif
