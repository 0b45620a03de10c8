/* pipe.h - multiprocessing.Pipe in C: two connected ends that send and
 * receive whole messages.
 *
 * Duplex (the default in Python) is a socketpair(): each end both sends and
 * receives. One-way is a pipe(): the first end only receives, the second only
 * sends, as with Python's Pipe(duplex=False). Messages are frames
 * (common/frame.h). docs/session5.md explains it.
 */
#ifndef SESSION5_PIPE_H
#define SESSION5_PIPE_H

#include <stddef.h>

/* The largest message a receiver accepts (session5's one limit: the
 * tutorial's receiver, the labs, and --bytes N at most this): longer frames
 * are refused (EMSGSIZE) before anything is allocated. */
#define PIPE_MAX_MESSAGE (256UL * 1024 * 1024)

/* One end of a Pipe: where it reads and where it writes (-1: it cannot).
 * In a duplex Pipe both are the same socket. */
struct conn {
    int rfd, wfd;
};

/* conn1, conn2 = Pipe(duplex): fills both ends. Returns 0, or -1 with errno. */
int pipe_new(int duplex, struct conn *conn1, struct conn *conn2);

/* conn.send(msg): one message of len bytes (0 is fine). Returns 0, or -1
 * with errno (EBADF on an end that only receives, EPIPE when the other end
 * is closed). */
int conn_send(struct conn *c, const void *msg, size_t len);

/* conn.recv(): returns 1 with a new message in *msg (malloc'd, '\0' after
 * the payload; the caller frees it) and its length in *len; 0 when the
 * other end was closed (Python raises EOFError); -1 with errno (EMSGSIZE for
 * a message over max, EPROTO when the stream ended inside one, EBADF on an
 * end that only sends). */
int conn_recv(struct conn *c, size_t max, char **msg, size_t *len);

/* conn.close(): closes this end in this process. Returns 0, or -1. */
int conn_close(struct conn *c);

#endif
