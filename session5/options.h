/* options.h - session5's command line: the messages, and the switches that
 * pick a lab instead of the tutorial's run (see labs.h). docs/session5.md
 * describes each option under "Going further".
 */
#ifndef SESSION5_OPTIONS_H
#define SESSION5_OPTIONS_H

#include <stddef.h>

/* --wait sleep|spin, in this order: how the receiver waits (lab_wait.c). */
enum wait_how { WAIT_SLEEP, WAIT_SPIN, WAIT_UNSET };

struct options {
    char *const *msgs;      /* the messages: the tutorial's four, or argv's */
    size_t count;
    int oneway;             /* --oneway: a pipe() instead of a socketpair() */
    int duplex;             /* --duplex: the receiver answers, the sender prints it */
    int lockstep;           /* --lockstep: the receiver answers, silently */
    int verbose;            /* --verbose: tag each line with its pids */
    long bytes;             /* --bytes N, or -1 */
    long both_send;         /* --both-send N, or -1 */
    int wait;               /* --wait sleep|spin (an enum wait_how), or WAIT_UNSET */
    const char *trace;      /* --trace FILE, or NULL */
};

#endif
