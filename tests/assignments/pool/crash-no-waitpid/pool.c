/* WRONG (for the grader's tests): when a task crashed, the other workers are killed but never waited for.
 *
 * pool.c - pool_map over forked workers (the pool assignment, README.md;
 * docs/session8.md).
 *
 * Each worker has two pipes: chunks go down one (where the chunk starts and
 * how many items), results come up the other. The parent hands every idle
 * worker the next chunk and stores each result at its item's index. A
 * worker that dies closes its result pipe: the parent reads end of file
 * where results were due, stops the others and reports it.
 */
#include "pool.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct chunk {
    size_t first, count;
};

struct worker {
    pid_t pid;
    int task_fd;        /* the parent writes chunks here; -1: closed */
    int result_fd;      /* and reads their results here */
    struct chunk chunk; /* the one it is running; count 0: idle */
};

/* Writes all len bytes, again after a short write or a signal. */
static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

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

/* What a worker runs: chunk after chunk until its task pipe closes. */
static void worker_main(int task_fd, int result_fd, pool_fn fn, const long *items)
{
    struct chunk c;
    ssize_t got;

    while ((got = read_full(task_fd, &c, sizeof c)) == (ssize_t)sizeof c) {
        for (size_t i = c.first; i < c.first + c.count; i++) {
            long r = fn(items[i]);

            if (write_all(result_fd, &r, sizeof r) == -1)
                _exit(1);
        }
    }
    _exit(got == 0 ? 0 : 1);
}

/* Forks worker w; the child never returns. Returns 0, or -1 with errno. */
static int start_worker(struct worker *ws, int w, pool_fn fn, const long *items)
{
    int task[2], result[2];

    if (pipe(task) == -1)
        return -1;
    if (pipe(result) == -1) {
        close(task[0]);
        close(task[1]);
        return -1;
    }
    ws[w].pid = fork();
    if (ws[w].pid == 0) {
        /* A worker keeps only its own two ends: a copy of another
         * worker's end would hide that worker's end of file. */
        for (int i = 0; i < w; i++) {
            close(ws[i].task_fd);
            close(ws[i].result_fd);
        }
        close(task[1]);
        close(result[0]);
        worker_main(task[0], result[1], fn, items);
    }
    close(task[0]);
    close(result[1]);   /* else the parent itself holds the pipe open */
    if (ws[w].pid == -1) {
        int err = errno;

        close(task[1]);
        close(result[0]);
        errno = err;
        return -1;
    }
    ws[w].task_fd = task[1];
    ws[w].result_fd = result[0];
    ws[w].chunk.count = 0;
    return 0;
}

/* Hands worker w the next chunk, or, when none is left, closes its task
 * pipe: it sees end of file and exits. Returns 0 or -1. */
static int hand_out(struct worker *w, size_t *next, size_t n, size_t chunksize)
{
    if (*next == n) {
        close(w->task_fd);
        w->task_fd = -1;
        return 0;
    }
    w->chunk.first = *next;
    w->chunk.count = n - *next < chunksize ? n - *next : chunksize;
    *next += w->chunk.count;
    return write_all(w->task_fd, &w->chunk, sizeof w->chunk);
}

/* Hands out every chunk and collects every result. Returns 0 or -1. */
static int run_chunks(struct worker *ws, int workers, size_t n, size_t chunksize,
                      long *results)
{
    struct pollfd *fds = malloc((size_t)workers * sizeof *fds);
    size_t next = 0, done = 0;
    int rc = 0;

    if (fds == NULL)
        return -1;
    for (int w = 0; w < workers && rc == 0; w++)
        rc = hand_out(&ws[w], &next, n, chunksize);
    while (rc == 0 && done < n) {
        for (int w = 0; w < workers; w++) {
            fds[w].fd = ws[w].chunk.count > 0 ? ws[w].result_fd : -1;
            fds[w].events = POLLIN;
        }
        if (poll(fds, (nfds_t)workers, -1) == -1) {
            rc = errno == EINTR ? 0 : -1;
            continue;
        }
        for (int w = 0; w < workers && rc == 0; w++) {
            struct chunk *c = &ws[w].chunk;
            size_t want = c->count * sizeof(long);

            if (fds[w].fd == -1 || fds[w].revents == 0)
                continue;
            /* Each result at its item's index, whatever order chunks end in. */
            if (read_full(ws[w].result_fd, results + c->first, want) != (ssize_t)want) {
                errno = ECHILD;     /* end of file: the worker died */
                rc = -1;
                break;
            }
            done += c->count;
            c->count = 0;
            rc = hand_out(&ws[w], &next, n, chunksize);
        }
    }
    free(fds);
    return rc;
}

int pool_map(int workers, pool_fn fn, const long *items, size_t n,
             size_t chunksize, long *results)
{
    struct worker *ws;
    int started = 0, rc = 0, err = 0;

    if (workers < 1 || chunksize == 0) {
        errno = EINVAL;
        return -1;
    }
    if ((ws = malloc((size_t)workers * sizeof *ws)) == NULL)
        return -1;
    while (started < workers && rc == 0)
        if ((rc = start_worker(ws, started, fn, items)) == 0)
            started++;
    if (rc == 0)
        rc = run_chunks(ws, started, n, chunksize, results);
    if (rc == -1)
        err = errno;
    for (int w = 0; w < started; w++) {
        if (rc == -1)
            kill(ws[w].pid, SIGKILL);   /* stop the others too */
        if (ws[w].task_fd != -1)
            close(ws[w].task_fd);
        close(ws[w].result_fd);
    }
    for (int w = 0; w < started && rc == 0; w++)   /* no zombie left behind */
        while (waitpid(ws[w].pid, NULL, 0) == -1 && errno == EINTR)
            continue;
    free(ws);
    if (rc == -1)
        errno = err;
    return rc;
}
