/* options.h - session4's command line (options.c), which picks the tutorial
 * or one of the labs (labs.h). session4.c calls parse_options (args.h).
 */
#ifndef SESSION4_OPTIONS_H
#define SESSION4_OPTIONS_H

#define MAX_PROCS 64
#define MAX_ITEMS 100000000L        /* producers x count: one byte each to check */

struct options {
    int queue;                      /* --queue textbook|ring: an enum queue_kind, in order */
    long producers, consumers, count, maxsize;
    int counting;                   /* --producers/--consumers/--count/--maxsize given */
    int count_given;
    int concurrent;
    int join_before_drain;
    int verbose;
    const char *trace;              /* --trace FILE, or NULL */
};

#endif
