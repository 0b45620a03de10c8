/* manager.h - the local story's helpers: the manager process itself (the
 * server loop over socket pairs), starting a process, reporting a failed
 * proxy call, and --verbose's pid tags. docs/session3.md gives the order.
 */
#ifndef SESSION3_MANAGER_H
#define SESSION3_MANAGER_H

#include "proc.h"
#include "proxy.h"

#include <stddef.h>
#include <sys/types.h>

#define MAX_PAIRS 3

/* What the manager process gets: one socket pair per process that will talk
 * to it ([i][0] the manager's end, [i][1] the client's), and the authkey. */
struct manager_task {
    int pairs[MAX_PAIRS][2];
    int count;
    const unsigned char *key;
    size_t keylen;
};

/* The manager process (a proc_fn): closes the clients' ends, then serves
 * its own ends with server_run() until a client asks it to shut down. */
int manager_process(void *task);

/* proc_start, or on failure: stop the others, one line, exit 1. */
pid_t start(proc_fn fn, void *arg);

/* rc of a proxy call (proxy.h): on anything but 0, one line naming op and
 * why, then in a child _exit(1), in the parent stop the children, exit 1. */
void check(int rc, const char *op, const struct manager *m);

/* printf for the story's children: with --verbose (set_verbose(1)), each
 * non-empty line is tagged "[who pid N, parent P] ". */
void set_verbose(int on);
void print(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
