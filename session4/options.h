/* options.h - session4's command line (options.c) and the labs it selects
 * (many.c, concurrent.c, join_before_drain.c). session4.c calls these.
 */
#ifndef SESSION4_OPTIONS_H
#define SESSION4_OPTIONS_H

#include "session4/queue.h"

#define S4_MAX_PROCS 64
#define S4_MAX_ITEMS 100000000L     /* producers x count: one byte each to check */

struct s4_options {
    enum queue_kind queue;          /* --queue textbook|ring */
    long producers, consumers, count, maxsize;
    int counting;                   /* --producers/--consumers/--count/--maxsize given */
    int count_given;
    int concurrent;
    int join_before_drain;
    int verbose;
};

/* Fills *o from argv; bad usage ends the program (exit 2). */
void s4_parse_options(int argc, char *argv[], struct s4_options *o);

/* With --verbose, "  [pid P, parent Q]" of the calling process, to tag a
 * line a child prints; "" otherwise. The text lives until the next call. */
const char *s4_tag(void);

/* The labs: each returns main's exit status. */
int s4_lab_many(const struct s4_options *o);              /* many.c */
int s4_lab_concurrent(const struct s4_options *o);        /* concurrent.c */
int s4_lab_join_before_drain(const struct s4_options *o); /* join_before_drain.c */

#endif
