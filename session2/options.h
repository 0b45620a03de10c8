/* options.h - session2's command line: the list, --type, --verbose, --named.
 * The lesson (session2.c) makes one call, parse_options (args.h); --help
 * lists every option. docs/session2.md explains them.
 */
#ifndef SESSION2_OPTIONS_H
#define SESSION2_OPTIONS_H

#include <stddef.h>

struct options {
    const char *trace;          /* --trace FILE, or NULL */
    const long *mylist;     /* the input list (default 1 2 3 4), kept until exit */
    size_t len;
    char typecode;          /* 'i' (default: every square and the sum must fit) or 'd' */
    int verbose;            /* tag each line with who printed it */
    int named;              /* --named: named POSIX shared memory (named.c) */
};

#endif
