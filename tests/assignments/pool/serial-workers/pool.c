/* WRONG (for the grader's tests): each worker is started and then waited
 * for before the next one starts (Python's `p.start(); p.join()` in one
 * loop): the results are right, but only one worker ever runs at a time.
 *
 * pool.c - pool_map over forked workers (the pool assignment, README.md;
 * docs/session8.md).
 */
#include "pool.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads len bytes; returns how many arrived (fewer at end of file) or -1. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* Worker w runs chunks w, w + workers, w + 2 * workers, ... and writes
 * their results to fd, in that order. */
static void worker_main(int fd, int w, int workers, pool_fn fn, const long *items,
                        size_t n, size_t chunksize)
{
    for (size_t first = (size_t)w * chunksize; first < n;
         first += (size_t)workers * chunksize) {
        for (size_t i = first; i < n && i < first + chunksize; i++) {
            long r = fn(items[i]);

            if (write(fd, &r, sizeof r) != (ssize_t)sizeof r)
                _exit(1);
        }
    }
    _exit(0);
}

int pool_map(int workers, pool_fn fn, const long *items, size_t n,
             size_t chunksize, long *results)
{
    if (workers < 1 || chunksize == 0) {
        errno = EINVAL;
        return -1;
    }
    for (int w = 0; w < workers; w++) {
        int fds[2], status;
        pid_t pid;

        if (pipe(fds) == -1)
            return -1;
        if ((pid = fork()) == -1)
            return -1;
        if (pid == 0) {
            close(fds[0]);
            worker_main(fds[1], w, workers, fn, items, n, chunksize);
        }
        close(fds[1]);
        for (size_t first = (size_t)w * chunksize; first < n;
             first += (size_t)workers * chunksize) {
            size_t count = n - first < chunksize ? n - first : chunksize;
            size_t want = count * sizeof(long);

            if (read_full(fds[0], results + first, want) != (ssize_t)want) {
                close(fds[0]);
                waitpid(pid, NULL, 0);
                errno = ECHILD;
                return -1;
            }
        }
        close(fds[0]);
        if (waitpid(pid, &status, 0) == -1)     /* p.join() */
            return -1;
    }
    return 0;
}
