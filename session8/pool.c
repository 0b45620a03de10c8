/* pool.c - worker processes fed chunk by chunk over sockets; see pool.h.
 *
 * The parent is the only dispatcher: it knows which chunk each worker holds,
 * so it can put results in order and, when a worker dies, say which item it
 * was running. docs/session8.md draws the chunks and the sockets.
 */
#include "pool.h"
#include "trace.h"

#include "clock.h"
#include "frame.h"
#include "io.h"
#include "proc.h"
#include "shm.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A dead worker's socket normally reads as end-of-file at once. But when the
 * task forked a process that still holds the worker's end, the socket stays
 * open after the worker is gone. So at least every POLL_MS the parent also
 * asks waitpid(WNOHANG) about every busy worker, whether or not the other
 * workers keep it busy: a death is seen within this time either way. */
#define POLL_MS 1000

/* The start of every request, followed by `count` items. The function
 * pointer can travel as bytes because a worker is a fork() of the parent:
 * the same program at the same addresses. */
struct request {
    pool_fn fn;
    size_t first;               /* index of items[0] of this chunk */
    size_t count;
};

struct worker {
    pid_t pid;                  /* 0: no process in this slot */
    int fd;                     /* the parent's end of the socket */
    int busy;                   /* holds a chunk whose results are due */
    size_t first, count;        /* that chunk */
    long tasks;                 /* chunks done by this process */
    size_t stat;                /* its entry in pool->stats */
};

struct pool {
    int processes;
    long maxtasksperchild;
    pool_init_fn initializer;
    void *initargs;
    pool_task_hook task_hook;
    void *hook_arg;
    struct timespec last_check; /* of the waitpid() sweep over busy workers */
    struct worker *workers;
    /* Shared with the workers: the index each one is running, so that the
     * parent can name the item when a worker dies in the middle of a chunk. */
    atomic_size_t *current;
    int starting_slot;          /* read by a new worker right after fork */
    int child_fd;
    int closed;
    struct pool_worker_stat *stats;
    size_t n_stats, cap_stats;
    char error[256];
    int error_signal;           /* the signal that killed the failed worker, or 0 */
};

/* ---------------------------------------------------------------- worker */

/* What a worker process runs: the initializer, then chunk after chunk
 * until its socket closes (pool_close) or it has done maxtasksperchild. */
/* --trace: each chunk a worker runs, each task inside it, and in main each
 * chunk sent and each chunk of results received. */
static const struct trace_kind kind_chunk_begin = {
    "chunk", "pool", 'B', { "first", "count", NULL, NULL }, NULL };
static const struct trace_kind kind_chunk_end = {
    "chunk", "pool", 'E', { NULL, NULL, NULL, NULL }, NULL };
static const struct trace_kind kind_task_begin = {
    "task", "pool", 'B', { "item", "index", NULL, NULL }, NULL };
static const struct trace_kind kind_task_end = {
    "task", "pool", 'E', { "result", NULL, NULL, NULL }, NULL };
static const struct trace_kind kind_send = {
    "send chunk", "pool", 'i', { "worker pid", "first", "count", NULL }, NULL };
static const struct trace_kind kind_results = {
    "results", "pool", 'i', { "worker pid", "first", "count", NULL }, NULL };

static int worker_main(void *arg)
{
    struct pool *p = arg;
    int slot = p->starting_slot, fd = p->child_fd;

    /* The parent's ends of the sockets are not ours to hold. */
    for (int i = 0; i < p->processes; i++)
        if (p->workers[i].fd >= 0)
            close(p->workers[i].fd);
    if (p->initializer != NULL)
        p->initializer(p->initargs);

    for (long done = 0; p->maxtasksperchild == 0 || done < p->maxtasksperchild; done++) {
        struct request req;
        char *msg;
        size_t len;
        long *results;
        int got = frame_recv(fd, FRAME_LIMIT, &msg, &len);

        if (got == 0)
            return 0;           /* pool_close(): a clean end */
        if (got == -1)
            return 1;
        if (len < sizeof req) {
            free(msg);
            return 1;
        }
        memcpy(&req, msg, sizeof req);
        if (len != sizeof req + req.count * sizeof(long)) {
            free(msg);
            return 1;           /* not what the parent sends: stop at once */
        }
        /* malloc'd memory is aligned for any type, and sizeof req is a
         * multiple of the alignment of long, so the items can be read here. */
        const long *items = (const long *)(void *)(msg + sizeof req);
        results = malloc(req.count * sizeof *results);
        if (results == NULL) {
            free(msg);
            return 1;
        }
        trace_event(&kind_chunk_begin, (long)req.first, (long)req.count, 0, 0);
        for (size_t i = 0; i < req.count; i++) {
            atomic_store_explicit(&p->current[slot], req.first + i, memory_order_relaxed);
            trace_event(&kind_task_begin, items[i], (long)(req.first + i), 0, 0);
            results[i] = p->task_hook != NULL ? p->task_hook(req.fn, items[i], p->hook_arg)
                                              : req.fn(items[i]);
            trace_event(&kind_task_end, results[i], 0, 0, 0);
        }
        trace_event(&kind_chunk_end, 0, 0, 0, 0);
        free(msg);
        got = frame_send(fd, results, req.count * sizeof *results);
        free(results);
        if (got == -1)
            return 1;
    }
    return 0;                   /* maxtasksperchild reached: the parent replaces us */
}

/* ---------------------------------------------------------------- parent */

static int set_error(struct pool *p, const char *fmt, const char *what)
{
    snprintf(p->error, sizeof p->error, fmt, what, strerror(errno));
    return -1;
}

static int remember_worker(struct pool *p, pid_t pid)
{
    if (p->n_stats == p->cap_stats) {
        size_t cap = p->cap_stats ? 2 * p->cap_stats : 16;
        struct pool_worker_stat *s = realloc(p->stats, cap * sizeof *s);

        if (s == NULL)
            return -1;
        p->stats = s;
        p->cap_stats = cap;
    }
    p->stats[p->n_stats].pid = pid;
    p->stats[p->n_stats].items = 0;
    p->workers[p->starting_slot].stat = p->n_stats++;
    return 0;
}

/* Starts the worker process for slot i, connected by a socket pair: one
 * bidirectional stream per worker, and a write to a dead worker is the error
 * EPIPE (write_all uses MSG_NOSIGNAL), never a SIGPIPE that kills us. */
static int start_worker(struct pool *p, int i)
{
    struct worker *w = &p->workers[i];
    int sv[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
        return set_error(p, "%s: %s", "socketpair");
    p->starting_slot = i;
    p->child_fd = sv[1];
    w->fd = sv[0];
    pid = proc_start(worker_main, p);
    close(sv[1]);
    if (pid == -1) {
        int saved = errno;

        close(sv[0]);
        w->fd = -1;
        errno = saved;
        return set_error(p, "%s: %s", "fork");
    }
    w->pid = pid;
    w->busy = 0;
    w->tasks = 0;
    if (remember_worker(p, pid) == -1)
        return set_error(p, "%s: %s", "realloc");
    return 0;
}

/* Closes the parent's end of slot i's socket and reaps its worker, which has
 * ended or is about to (its socket closed, or it was seen dead); returns the
 * wait status. When the slot's pid is -1, waitpid() has already reaped the
 * worker and `status` is the status it returned; the slot is empty after. */
static int reap_worker(struct pool *p, int i, int status)
{
    struct worker *w = &p->workers[i];

    close(w->fd);
    w->fd = -1;
    if (w->pid > 0 && proc_join(w->pid, &status) == -1)
        status = 0;
    w->pid = 0;
    w->busy = 0;
    return status;
}

/* A busy worker is gone: say who, how, and at which item; stop the rest.
 * `when` is "while running", or "before it could run" when the chunk could
 * not even be sent. */
static int worker_died(struct pool *p, int i, const long *items, pid_t pid, int status,
                       const char *when)
{
    struct worker *w = &p->workers[i];
    size_t at = atomic_load_explicit(&p->current[i], memory_order_relaxed);
    char how[64];

    status = reap_worker(p, i, status);

    if (at < w->first || at >= w->first + w->count)
        at = w->first;
    snprintf(p->error, sizeof p->error, "worker %ld %s %s item %ld",
             (long)pid, proc_describe_status(status, how, sizeof how), when, items[at]);
    p->error_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    pool_terminate(p);
    return -1;
}

static int send_chunk(struct pool *p, int i, pool_fn fn, const long *items,
                      size_t first, size_t count)
{
    struct worker *w = &p->workers[i];
    struct request req = { fn, first, count };
    size_t len = sizeof req + count * sizeof *items;
    unsigned char head[FRAME_HEADER_SIZE + sizeof req];

    w->first = first;
    w->count = count;
    w->busy = 1;
    atomic_store_explicit(&p->current[i], first, memory_order_relaxed);
    /* Header and request in one write, then the items straight from the
     * caller's array: no copy of the chunk is made. */
    frame_encode_header((uint32_t)len, head);
    memcpy(head + FRAME_HEADER_SIZE, &req, sizeof req);
    if (write_all(w->fd, head, sizeof head) == -1
        || write_all(w->fd, items + first, count * sizeof *items) == -1)
        return -1;
    trace_event(&kind_send, (long)w->pid, (long)first, (long)count, 0);
    return 0;
}

/* Reads a chunk's results straight into their place. Returns 1, or 0 when
 * the worker's socket closed first, or -1 with errno. */
static int receive_results(struct pool *p, int i, long *results)
{
    struct worker *w = &p->workers[i];
    unsigned char head[FRAME_HEADER_SIZE];
    size_t want = w->count * sizeof *results;
    ssize_t got = read_full(w->fd, head, sizeof head);

    if (got <= 0)
        return (int)got;
    if (got < (ssize_t)sizeof head)
        return 0;
    if (frame_decode_header(head) != want) {
        errno = EPROTO;
        return -1;
    }
    got = read_full(w->fd, results + w->first, want);
    if (got == -1)
        return -1;
    if ((size_t)got == want)
        trace_event(&kind_results, (long)w->pid, (long)w->first, (long)w->count, 0);
    return (size_t)got == want;
}

static int retiring(const struct pool *p, const struct worker *w)
{
    return p->maxtasksperchild > 0 && w->tasks >= p->maxtasksperchild;
}

/* Gives every idle worker (started if its slot is empty) the next chunk. */
static int hand_out(struct pool *p, pool_fn fn, const long *items, size_t n,
                    size_t chunksize, size_t *next, size_t *pending)
{
    for (int i = 0; i < p->processes && *next < n; i++) {
        struct worker *w = &p->workers[i];
        size_t count = n - *next < chunksize ? n - *next : chunksize;

        if (w->pid == 0 && start_worker(p, i) == -1) {
            pool_terminate(p);
            return -1;
        }
        if (w->busy || retiring(p, w))
            continue;
        if (send_chunk(p, i, fn, items, *next, count) == -1)
            return worker_died(p, i, items, w->pid, 0, "before it could run");
        *next += count;
        (*pending)++;
    }
    return 0;
}

/* Handles what worker i said: results, or the end of its socket. */
static int collect(struct pool *p, int i, const long *items, long *results,
                   size_t *pending)
{
    struct worker *w = &p->workers[i];
    int got;

    if (!w->busy) {             /* a retired or killed idle worker: replace it */
        reap_worker(p, i, 0);
        return 0;
    }
    got = receive_results(p, i, results);
    if (got == -1 && errno == EPROTO) {
        set_error(p, "%s: %s", "reading results");
        pool_terminate(p);
        return -1;
    }
    if (got != 1)
        return worker_died(p, i, items, w->pid, 0, "while running");
    w->busy = 0;
    w->tasks++;
    p->stats[w->stat].items += w->count;
    (*pending)--;
    return 0;
}

/* 1 when slot i's socket has bytes to read right now. */
static int readable_now(const struct worker *w)
{
    struct pollfd fd = { w->fd, POLLIN, 0 };

    return poll(&fd, 1, 0) == 1 && (fd.revents & POLLIN);
}

/* Asks waitpid(WNOHANG) whether a busy worker has ended. One that exited
 * cleanly after sending its last results (maxtasksperchild) has them
 * waiting in its socket: they are collected and the slot is refilled later.
 * Any other end is a death, reported as pool_map's failure. */
static int check_busy_workers(struct pool *p, const long *items, long *results,
                              size_t *pending)
{
    clock_gettime(CLOCK_MONOTONIC, &p->last_check);
    for (int i = 0; i < p->processes; i++) {
        struct worker *w = &p->workers[i];
        pid_t pid = w->pid;
        int status;

        if (pid <= 0 || !w->busy || proc_try_join(pid, &status) != 1)
            continue;
        w->pid = -1;            /* reaped already: do not wait again */
        if (proc_succeeded(status) && readable_now(w)) {
            if (collect(p, i, items, results, pending) == -1)
                return -1;
            reap_worker(p, i, status);
            continue;
        }
        return worker_died(p, i, items, pid, status, "while running");
    }
    return 0;
}

/* Waits until some worker has something to say, then lets collect() hear it;
 * at least every POLL_MS, checks that the busy workers are still alive. */
static int wait_for_workers(struct pool *p, const long *items, long *results,
                            size_t *pending)
{
    struct pollfd fds[POOL_MAX_PROCESSES];
    int ready;

    for (int i = 0; i < p->processes; i++) {
        const struct worker *w = &p->workers[i];

        fds[i].fd = w->pid != 0 && (w->busy || retiring(p, w)) ? w->fd : -1;
        fds[i].events = POLLIN;
        fds[i].revents = 0;
    }
    ready = poll(fds, (nfds_t)p->processes, POLL_MS);
    if (ready == -1 && errno != EINTR) {
        set_error(p, "%s: %s", "poll");
        pool_terminate(p);
        return -1;
    }
    for (int i = 0; i < p->processes; i++)
        if (fds[i].fd >= 0 && fds[i].revents != 0
            && collect(p, i, items, results, pending) == -1)
            return -1;
    if (seconds_since(&p->last_check) * 1000 >= POLL_MS)
        return check_busy_workers(p, items, results, pending);
    return 0;
}

int pool_map(struct pool *p, pool_fn fn, const long *items, size_t n,
             size_t chunksize, long *results)
{
    const size_t most = (FRAME_LIMIT - sizeof(struct request)) / sizeof *items;
    size_t next = 0, pending = 0;

    if (p->closed) {
        errno = EINVAL;
        snprintf(p->error, sizeof p->error, "pool_map: the pool is closed");
        return -1;
    }
    if (chunksize == 0)
        chunksize = pool_default_chunksize(n, p->processes);
    if (chunksize > most)
        chunksize = most;       /* a frame's length must fit in 4 bytes */
    clock_gettime(CLOCK_MONOTONIC, &p->last_check);

    while (next < n || pending > 0) {
        if (hand_out(p, fn, items, n, chunksize, &next, &pending) == -1)
            return -1;
        if (wait_for_workers(p, items, results, &pending) == -1)
            return -1;
    }
    return 0;
}

size_t pool_default_chunksize(size_t n, int processes)
{
    size_t per = 4 * (size_t)processes;

    return n == 0 ? 1 : (n + per - 1) / per;
}

struct pool *pool_new(int processes, pool_init_fn initializer, void *initargs,
                      long maxtasksperchild)
{
    struct pool_options o = { processes, initializer, initargs, maxtasksperchild, NULL, NULL };

    if (processes < 1) {
        errno = EINVAL;
        return NULL;
    }
    return pool_new_with(&o);
}

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > POOL_MAX_PROCESSES ? POOL_MAX_PROCESSES : (int)n;
}

struct pool *pool_new_with(const struct pool_options *o)
{
    int processes = o->processes == 0 ? online_cpus() : o->processes;
    struct pool *p;

    if (processes < 1 || processes > POOL_MAX_PROCESSES || o->maxtasksperchild < 0) {
        errno = EINVAL;
        return NULL;
    }
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->processes = processes;
    p->initializer = o->initializer;
    p->initargs = o->initargs;
    p->maxtasksperchild = o->maxtasksperchild;
    p->task_hook = o->task_hook;
    p->hook_arg = o->hook_arg;
    p->workers = calloc((size_t)processes, sizeof *p->workers);
    /* Mapped before the first fork, so every worker shares it. */
    p->current = shared_alloc((size_t)processes * sizeof *p->current);
    if (p->workers == NULL || p->current == NULL) {
        int saved = errno;

        pool_free(p);
        errno = saved;
        return NULL;
    }
    for (int i = 0; i < processes; i++)
        p->workers[i].fd = -1;
    for (int i = 0; i < processes; i++)
        if (start_worker(p, i) == -1) {
            int saved = errno;

            pool_free(p);
            errno = saved;
            return NULL;
        }
    return p;
}

int pool_close(struct pool *p)
{
    p->closed = 1;
    for (int i = 0; i < p->processes; i++)
        if (p->workers[i].fd >= 0) {
            close(p->workers[i].fd);
            p->workers[i].fd = -1;
        }
    return 0;
}

int pool_join(struct pool *p)
{
    int result = 0;

    if (!p->closed) {
        errno = EINVAL;
        snprintf(p->error, sizeof p->error, "pool_join: the pool is not closed");
        return -1;
    }
    for (int i = 0; i < p->processes; i++) {
        struct worker *w = &p->workers[i];
        int status;

        if (w->pid <= 0)
            continue;
        if (proc_join(w->pid, &status) == 0 && !proc_succeeded(status) && result == 0) {
            char how[64];

            snprintf(p->error, sizeof p->error, "worker %ld %s", (long)w->pid,
                     proc_describe_status(status, how, sizeof how));
            result = -1;
        }
        w->pid = 0;
    }
    return result;
}

void pool_terminate(struct pool *p)
{
    p->closed = 1;
    for (int i = 0; i < p->processes; i++)
        if (p->workers[i].pid > 0)
            kill(p->workers[i].pid, SIGTERM);
    for (int i = 0; i < p->processes; i++) {
        struct worker *w = &p->workers[i];

        if (w->fd >= 0)
            close(w->fd);
        w->fd = -1;
        if (w->pid > 0)
            proc_join(w->pid, NULL);
        w->pid = 0;
        w->busy = 0;
    }
}

void pool_free(struct pool *p)
{
    if (p == NULL)
        return;
    if (p->workers != NULL)
        pool_terminate(p);
    if (p->current != NULL)
        shared_free(p->current, (size_t)p->processes * sizeof *p->current);
    free(p->workers);
    free(p->stats);
    free(p);
}

int pool_processes(const struct pool *p)
{
    return p->processes;
}

int pool_error_signal(const struct pool *p)
{
    return p->error_signal;
}

const char *pool_error(const struct pool *p)
{
    return p->error;
}

const struct pool_worker_stat *pool_stats(const struct pool *p, size_t *count)
{
    *count = p->n_stats;
    return p->stats;
}
