/* options.h - session8's command line, parsed into one struct.
 *
 * session8.c calls parse_options() once; the labs (labs.h) read the rest.
 */
#ifndef SESSION8_OPTIONS_H
#define SESSION8_OPTIONS_H

#include "items.h"
#include "pool.h"

#include <stddef.h>

struct options {
    const long *items;          /* the list to map: main's, or --range / NUMBER... */
    size_t n;
    long *owned;                /* items, when the options made them (freed at exit) */
    struct pool_options pool;   /* --processes, --maxtasksperchild, the labs' hooks */
    long chunksize;             /* 0: CPython's default */
    int serial, summary, quiet, verbose;
    long work;                  /* --work: CPU units each task burns */
    int crash_on_set;
    long crash_on;
    const char *initializer, *timeline;
};

/* Reads argv into *o (o->items and o->n hold the default list on entry).
 * Bad usage ends the program with exit 2 (usage_error), --help with 0. */
void parse_options(int argc, char *argv[], struct options *o);

#endif
