/* labs.h - session5's "Going further" modes, each one option of main.
 *
 * Each lab starts its own two processes on its own Pipe and returns main's
 * exit status. docs/session5.md shows and explains each one.
 */
#ifndef SESSION5_LABS_H
#define SESSION5_LABS_H

#include "options.h"
#include "pipe.h"
#include "proc.h"

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

/* lab_wait.c, --wait sleep|spin: the tutorial's run, the receiver asleep
 * in read() or spinning on shared memory, then the CPU both used. */
int lab_wait(const struct options *opt);

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

/* The exit status of a process that found the other end of its Pipe gone
 * (send() gave EPIPE, or recv() end of file before the message it waits
 * for): it says nothing, because what ended the other process is the news
 * (the parent reports it), the broken pipe only its echo. */
#define PEER_GONE 3

/* Ends this process with PEER_GONE, silently. */
_Noreturn void peer_gone(void);

/* What a sender calls when conn.send() failed: peer_gone() when the other
 * end has gone, else reports the error (die_child). */
_Noreturn void send_failed(void);

/* p1.join() and p2.join() of a sender and its receiver: waits for both,
 * then reports the failure that came first in time: a process that failed
 * by itself (killed, exited non-zero) before the other found it gone. */
void join_pair(pid_t sender, pid_t receiver);

#endif
