/* labs.h - session5's "Going further" modes, each one option of main.
 *
 * Each lab starts its own two processes on its own Pipe and returns main's
 * exit status. docs/session5.md shows and explains each one.
 */
#ifndef SESSION5_LABS_H
#define SESSION5_LABS_H

#include "proc.h"
#include "session5/options.h"
#include "session5/pipe.h"

/* lab_talk.c: the tutorial's sender and receiver with a change.
 * --oneway: over a pipe(), which carries bytes one way only.
 * --duplex: the receiver answers each message before END, the sender
 *           prints each answer before it sends the next message.
 * --lockstep: the same wait, without printing the answer. */
int lab_oneway(const struct options *opt);
int lab_duplex(const struct options *opt);
int lab_lockstep(const struct options *opt);

/* lab_bytes.c, --bytes N: one message of N bytes, checked byte by byte. */
int lab_bytes(const struct options *opt);

/* lab_both_send.c, --both-send N: both ends send N bytes before either
 * reads; a deadlock once N is more than the sockets buffer. */
int lab_both_send(const struct options *opt);

/* Two processes on one Pipe: the sender's end and the receiver's, and what
 * the lab's functions need. Both children get this (fork copies it). */
struct pair {
    struct conn send_end, receive_end;
    const struct options *opt;
};

/* Makes the Pipe (duplex or not), starts sender(pair) as p1 and
 * receiver(pair) as p2, closes the parent's copies of both ends and joins
 * both. Each child closes the end it does not use. Returns 0; a failure
 * ends the program (die, fail_child). */
int run_pair(struct pair *pair, int duplex, proc_fn sender, proc_fn receiver);


#endif
