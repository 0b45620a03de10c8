/* WRONG (for the grader's tests): read_full takes the 0 read() returns at end of file for "no bytes yet"
 * and reads again: at end of file it never stops.
 *
 * conn.c - length-prefixed messages over a stream socket (the pipe
 * assignment, README.md; docs/session5.md).
 *
 * read() and write() on a socket may move fewer bytes than asked, and a
 * signal handler may interrupt them (EINTR): both are normal, so every
 * transfer is a loop. End of file between frames is the peer's goodbye;
 * inside a frame it is a broken stream.
 */
#include "conn.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

/* Writes all len bytes. Returns 0, or -1 with errno. */
static int write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads until len bytes have arrived or the stream ended. Returns how many
 * arrived (fewer than len only at end of file), or -1 with errno. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);

        if (n == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)n;
    }
    return (ssize_t)got;
}

int conn_send(int fd, const void *msg, size_t len)
{
    unsigned char header[CONN_HEADER_SIZE];

    if (len > UINT32_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    header[0] = (unsigned char)(len >> 24);
    header[1] = (unsigned char)(len >> 16);
    header[2] = (unsigned char)(len >> 8);
    header[3] = (unsigned char)len;
    if (write_all(fd, header, sizeof header) == -1)
        return -1;
    return write_all(fd, msg, len);
}

int conn_recv(int fd, void *buf, size_t max, size_t *len)
{
    unsigned char header[CONN_HEADER_SIZE];
    ssize_t got = read_full(fd, header, sizeof header);
    uint32_t n;

    if (got == -1)
        return -1;
    if (got == 0)
        return 0;                       /* closed between frames */
    if (got < (ssize_t)sizeof header) {
        errno = EPROTO;                 /* closed inside a header */
        return -1;
    }
    n = (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16
        | (uint32_t)header[2] << 8 | header[3];
    if (n > max) {
        errno = EMSGSIZE;               /* before reading a byte of it */
        return -1;
    }
    got = read_full(fd, buf, n);
    if (got == -1)
        return -1;
    if ((size_t)got < n) {
        errno = EPROTO;                 /* closed inside a message */
        return -1;
    }
    *len = n;
    return 1;
}
