/* options.h - session8's command line, parsed into one struct.
 *
 * session8.c calls parse_options() (args.h) once; the labs (labs.h) read the rest.
 */
#ifndef SESSION8_OPTIONS_H
#define SESSION8_OPTIONS_H

#include "items.h"
#include "pool.h"

#include <stddef.h>

struct options {
    const long *items;          /* main's list (set before parse_options), or --range/NUMBER */
    size_t n;
    long *owned;                /* items, when the options made them (freed at exit) */
    struct pool_options pool;   /* --processes, --maxtasksperchild, the labs' hooks */
    long chunksize;             /* 0: CPython's default */
    int serial, summary, quiet, verbose;
    long work;                  /* --work: CPU units each task burns */
    int crash_on_set;
    long crash_on;
    const char *initializer, *timeline, *trace;
};

#endif
