/* pipe.c - the two ends of a Pipe; see pipe.h and docs/session5.md. */
#include "pipe.h"

#include "frame.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int pipe_new(int duplex, struct conn *conn1, struct conn *conn2)
{
    int fds[2];

    if (duplex) {
        /* A connected pair of Unix stream sockets: bytes go both ways. */
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == -1)
            return -1;
        *conn1 = (struct conn){ fds[0], fds[0] };
        *conn2 = (struct conn){ fds[1], fds[1] };
    } else {
        /* fds[0] is the read end, fds[1] the write end. */
        if (pipe(fds) == -1)
            return -1;
        *conn1 = (struct conn){ fds[0], -1 };
        *conn2 = (struct conn){ -1, fds[1] };
    }
    return 0;
}

int conn_send(struct conn *c, const void *msg, size_t len)
{
    if (c->wfd == -1) {
        errno = EBADF;
        return -1;
    }
    return frame_send(c->wfd, msg, len);
}

int conn_recv(struct conn *c, size_t max, char **msg, size_t *len)
{
    if (c->rfd == -1) {
        errno = EBADF;
        return -1;
    }
    return frame_recv(c->rfd, max, msg, len);
}

int conn_close(struct conn *c)
{
    int rc = 0;

    if (c->rfd != -1 && close(c->rfd) == -1)
        rc = -1;
    if (c->wfd != -1 && c->wfd != c->rfd && close(c->wfd) == -1)
        rc = -1;
    c->rfd = c->wfd = -1;
    return rc;
}
