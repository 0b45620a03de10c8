/* spin.h - a duplex Pipe in shared memory whose receiver spins instead of
 * sleeping: what `session5 --wait spin` and bench's pipe_roundtrip_spin use.
 *
 * Each direction is one mailbox in memory that both processes map
 * (shared_alloc before fork). The sender copies a message in and sets
 * `full`; the receiver spins, reading `full` until it turns 1, copies the
 * message out and sets it back to 0. No system call on the way: nobody
 * sleeps, so nobody has to be woken, and both processes keep a core busy
 * the whole time. docs/session5.md, "What a round trip costs", explains it.
 */
#ifndef SESSION5_SPIN_H
#define SESSION5_SPIN_H

#include <stdatomic.h>
#include <stddef.h>

/* The longest message: 128 KiB, more than one command-line argument can
 * hold (Linux caps each at 128 KiB with its '\0'). */
#define SPIN_MAX_MESSAGE (128UL * 1024)

/* One direction: at most one message at a time. */
struct spin_box {
    atomic_int full;            /* 1: a message waits in data; 0: free */
    atomic_int closed;          /* the sender is done: end of file once empty */
    size_t len;
    char data[SPIN_MAX_MESSAGE];
};

/* The whole Pipe, in shared memory: box[0] carries end 1 -> end 2,
 * box[1] end 2 -> end 1. */
struct spin_pipe {
    struct spin_box box[2];
};

/* One end: where it receives and where it sends. */
struct spin_conn {
    struct spin_box *in, *out;
};

/* conn1, conn2 = Pipe() over shared memory. Returns the Pipe (free it with
 * spin_pipe_free once no process uses it), or NULL with errno. */
struct spin_pipe *spin_pipe_new(struct spin_conn *conn1, struct spin_conn *conn2);
int spin_pipe_free(struct spin_pipe *p);

/* conn.send(msg): spins until the box is free, then copies the message in.
 * Returns 0, or -1 with errno EMSGSIZE (len over SPIN_MAX_MESSAGE). */
int spin_send(struct spin_conn *c, const void *msg, size_t len);

/* conn.recv(): spins until a message is there; returns 1 with a copy in
 * *msg (malloc'd, '\0' after the payload; the caller frees it) and its
 * length in *len, 0 when the other end closed and the box is empty (EOF),
 * -1 with errno ENOMEM. */
int spin_recv(struct spin_conn *c, char **msg, size_t *len);

/* conn.close() on the sending side: "no more messages from this end". A
 * file descriptor closes when its last copy does; shared memory has no
 * such count, so only the process that sends calls this. */
void spin_close(struct spin_conn *c);

#endif
