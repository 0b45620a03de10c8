/* io.c - exact reads and writes; see io.h. */
#define _DEFAULT_SOURCE         /* MSG_NOSIGNAL: Linux and the BSDs, POSIX 2008 too */
#include "io.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    int is_socket = 1;

    while (len > 0) {
        ssize_t n;

        if (is_socket) {
            n = send(fd, p, len, MSG_NOSIGNAL);
            if (n == -1 && errno == ENOTSOCK) {
                is_socket = 0;  /* a pipe or a file: plain write() */
                continue;
            }
        } else {
            n = write(fd, p, len);
        }
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

ssize_t read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);

        if (n == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;              /* end of file: the writer closed its end */
        got += (size_t)n;
    }
    return (ssize_t)got;
}
