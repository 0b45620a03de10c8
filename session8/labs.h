/* labs.h - session8's extra modes, kept out of the lesson (session8.c).
 *
 * They reach the workers only through the pool's own hooks (pool.h): an
 * initializer run once per worker, and a hook run around every task. So the
 * lesson's square() stays the tutorial's. docs/session8.md, "Going further".
 */
#ifndef SESSION8_LABS_H
#define SESSION8_LABS_H

#include "options.h"
#include "pool.h"

/* Called by parse_options once the options are valid: sets o->pool's
 * initializer and task hook when a lab needs them (--initializer, --quiet,
 * --verbose, --work, --crash-on, --timeline), and remembers the settings
 * every worker reads (fork() gives each worker a copy). */
void labs_configure(struct options *o);

/* --serial: the tutorial's first program, [square(n) for n in mylist], with
 * no worker. Prints the result; returns the exit status. */
int lab_serial(const struct options *o);

/* Before the pool starts: opens the --timeline file and sets its time 0. */
void labs_start(const struct options *o);

/* pool_map() failed: ends the program. A worker killed by SIGPIPE (the
 * reader of our output has gone) ends it the same silent way; any other
 * failure is one line and exit 1. */
_Noreturn void lab_map_failed(const struct pool *p);

/* The pool has been joined: the --summary clock stops. */
void labs_joined(void);

/* --summary, after the result: wall times, items per worker, speedup. */
void lab_summary(const struct pool *p, const struct options *o);

/* After the pool is freed: closes the timeline, frees the options' list. */
void labs_end(struct options *o);

#endif
