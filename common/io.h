/* io.h - read and write exactly n bytes.
 *
 * read() and write() on pipes and sockets may move fewer bytes than asked
 * (a "short" transfer) or be interrupted by a signal (EINTR). Both are normal,
 * and a program that ignores them works in the classroom and fails in the
 * field. These loops handle both.
 */
#ifndef COMMON_IO_H
#define COMMON_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes. On a socket it uses send(MSG_NOSIGNAL), so a closed
 * peer is the error EPIPE rather than a SIGPIPE that kills the program.
 * Returns 0, or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);

/* Reads until len bytes have arrived or the peer closed its end. Returns the
 * number of bytes read (less than len only at end of file), or -1 with errno. */
ssize_t read_full(int fd, void *buf, size_t len);

#endif
