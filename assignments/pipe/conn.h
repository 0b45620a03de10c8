/* conn.h - whole messages over a stream socket, for the pipe assignment.
 *
 * A socket carries bytes, not messages: one write may arrive as several
 * reads, two writes as one. So each message travels as a frame, its length
 * first (docs/session5.md draws it):
 *
 *     +------------------------------+---------------------------+
 *     | length: 4 bytes, big-endian  | the message: length bytes |
 *     +------------------------------+---------------------------+
 *
 * README.md says what to write. Do not change this file: the grader uses it
 * as it is.
 */
#ifndef ASSIGNMENT_CONN_H
#define ASSIGNMENT_CONN_H

#include <stddef.h>

#define CONN_HEADER_SIZE 4

/* conn.send(msg): sends the len bytes at msg as one frame on fd, however
 * many write() calls that takes, and again after a signal interrupted a
 * call. len 0 is a valid (empty) message. Returns 0, or -1 with errno
 * (EMSGSIZE when len does not fit in 4 bytes, or the errno of write). */
int conn_send(int fd, const void *msg, size_t len);

/* msg = conn.recv(): receives one frame from fd into buf, which has room
 * for max bytes, and stores its length in *len, however many read() calls
 * that takes, and again after a signal interrupted a call. Returns:
 *    1  a message arrived: buf and *len hold it
 *    0  the other end closed the stream cleanly, between two frames
 *       (Python raises EOFError)
 *   -1  with errno: EMSGSIZE when the frame announces more than max bytes
 *       (checked before any byte of the message is read), EPROTO when the
 *       stream ended inside a frame, or the errno of read. */
int conn_recv(int fd, void *buf, size_t max, size_t *len);

#endif
