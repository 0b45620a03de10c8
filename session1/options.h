/* options.h - session1's command line: the list, --verbose, --start.
 * The lesson (session1.c) makes one call, parse_options (args.h); --help
 * lists every option. docs/session1.md explains them.
 */
#ifndef SESSION1_OPTIONS_H
#define SESSION1_OPTIONS_H

#include <stddef.h>

/* How p1 is started: --start fork|spawn, in this order (start.c, which also
 * prints the global `configured`), or as in the tutorial (fork, its exact output). */
enum start_method { START_FORK, START_SPAWN, START_TUTORIAL };

struct options {
    const char *trace;          /* --trace FILE, or NULL */
    const long *mylist;     /* the input list (default 1 2 3 4), kept until exit */
    size_t len;
    int verbose;            /* tag each line with who printed it */
    int start;              /* an enum start_method, as --start's choice */
    int spawned_child;      /* --child: this process is p1, exec'd by --start spawn */
};

#endif
