/* figures.c - each figure of `make bench`: the suite's primitive next to the
 * rawest system-call way to do the same job. Both sides of a pair do the same
 * work in the same shape (same children, same message sizes), so the ratio
 * shows what the primitive costs. docs/performance.md explains each pair.
 */
#include "figures.h"

#include "clock.h"
#include "die.h"
#include "io.h"
#include "proc.h"
#include "shm.h"

/* The primitives measured: the sessions' own modules (bench/build.mk). */
#include "lock.h"               /* session7 */
#include "manager.h"            /* session3, with proxy.h */
#include "pipe.h"               /* session5, with spin.h */
#include "pool.h"               /* session8 */
#include "proxy.h"
#include "queue.h"              /* session4 */
#include "spin.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* CPU time of this process: for a loop that never blocks, the time it
 * really ran. On a busy machine the wall clock also counts the moments when
 * another process had the CPU, and one such moment in a 25 ms loop of
 * 25 ns operations moved lock_uncontended's per-round ratio from 0.44 to
 * 1.49 under load. */
static double cpu_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Both locked_increment_2proc figures start the clock, then their two
 * processes wait here until both run: otherwise the first often does most
 * of its increments before the second has been forked and scheduled, and
 * the figure measures an uncontended lock by luck (it swung from 0.6x to
 * 2.4x between idle runs). The wait is the same on both sides. */
static void wait_for_both(atomic_int *ready)
{
    atomic_fetch_add(ready, 1);
    while (atomic_load(ready) < 2)
        ;
}

static void join_ok(pid_t pid)
{
    int status;

    if (proc_join(pid, &status) == -1)
        die("waitpid");
    if (!proc_succeeded(status)) {
        char how[64];

        fail("a benchmark child %s", proc_describe_status(status, how, sizeof how));
    }
}

/* ------------------------------------------------------------ spawn_join */

static int do_nothing(void *arg)
{
    (void)arg;
    return 0;
}

static double spawn_join_suite(long n)
{
    double start = monotonic_seconds();

    for (long i = 0; i < n; i++) {
        pid_t pid = proc_start(do_nothing, NULL);

        if (pid == -1)
            die("fork");
        join_ok(pid);
    }
    return (monotonic_seconds() - start) / (double)n * 1e6;
}

static double spawn_join_baseline(long n)
{
    double start = monotonic_seconds();

    for (long i = 0; i < n; i++) {
        int status;
        pid_t pid = fork();

        if (pid == -1)
            die("fork");
        if (pid == 0)
            _exit(0);
        if (waitpid(pid, &status, 0) == -1)
            die("waitpid");
    }
    return (monotonic_seconds() - start) / (double)n * 1e6;
}

/* ------------------------------------------------------ lock_uncontended */

/* The raw lock: an unnamed semaphore with value 1 in shared memory, as a
 * process-shared lock must live. */
static double lock_uncontended_baseline(long n)
{
    sem_t *sem = shared_alloc(sizeof *sem);
    double start;

    if (sem == NULL)
        die("mmap");
    if (sem_init(sem, 1, 1) == -1)
        die("sem_init");
    start = cpu_now();
    for (long i = 0; i < n; i++) {
        if (sem_wait(sem) == -1)
            die("sem_wait");
        if (sem_post(sem) == -1)
            die("sem_post");
    }
    start = cpu_now() - start;
    sem_destroy(sem);
    shared_free(sem, sizeof *sem);
    return start / (double)n * 1e9;
}

/* ------------------------------------------------ locked_increment_2proc */

/* The raw side of both locked_increment_2proc figures: a process-shared
 * sem_t (what session7's default lock and Python's Lock are) or a
 * process-shared pthread mutex (session7 --lock mutex), used directly. */
struct raw_counter {
    int use_mutex;
    sem_t sem;
    pthread_mutex_t mutex;
    atomic_int ready;           /* processes at the start line */
    long n;                     /* increments per process */
    long counter;               /* only touched with the lock held */
};

static int increment_raw(void *arg)
{
    struct raw_counter *c = arg;

    wait_for_both(&c->ready);
    if (c->use_mutex) {
        for (long i = 0; i < c->n; i++) {
            if (pthread_mutex_lock(&c->mutex) != 0)
                return 1;
            c->counter++;
            pthread_mutex_unlock(&c->mutex);
        }
    } else {
        for (long i = 0; i < c->n; i++) {
            if (sem_wait(&c->sem) == -1)
                return 1;
            c->counter++;
            sem_post(&c->sem);
        }
    }
    return 0;
}

static double increment_raw_2proc(int use_mutex, long n)
{
    struct raw_counter *c = shared_alloc(sizeof *c);
    pthread_mutexattr_t attr;
    pid_t p1, p2;
    double start;

    if (c == NULL)
        die("mmap");
    c->use_mutex = use_mutex;
    if (sem_init(&c->sem, 1, 1) == -1)
        die("sem_init");
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&c->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    c->n = n;
    start = monotonic_seconds();
    if ((p1 = proc_start(increment_raw, c)) == -1)
        die("fork");
    if ((p2 = proc_start(increment_raw, c)) == -1)
        die("fork");
    join_ok(p1);
    join_ok(p2);
    start = monotonic_seconds() - start;
    if (c->counter != 2 * n)
        fail("locked increment: expected %ld, got %ld", 2 * n, c->counter);
    sem_destroy(&c->sem);
    pthread_mutex_destroy(&c->mutex);
    shared_free(c, sizeof *c);
    return start / (double)(2 * n) * 1e9;
}

static double locked_increment_2proc_baseline(long n)
{
    return increment_raw_2proc(0, n);
}

static double locked_increment_2proc_mutex_baseline(long n)
{
    return increment_raw_2proc(1, n);
}

/* ------------------------------------------------------ queue_throughput */

struct producer {
    int fd;
    long n;
};

/* One write() of one 8-byte item at a time: what a queue without batching
 * costs. */
static int produce_one_write_each(void *arg)
{
    const struct producer *p = arg;

    for (long i = 0; i < p->n; i++) {
        uint64_t item = (uint64_t)i;

        if (write_all(p->fd, &item, sizeof item) == -1)
            die_child("write");
    }
    return 0;
}

static double queue_throughput_baseline(long n)
{
    int fds[2];
    struct producer p;
    pid_t pid;
    double start;

    if (pipe(fds) == -1)
        die("pipe");
    p.fd = fds[1];
    p.n = n;
    start = monotonic_seconds();
    if ((pid = proc_start(produce_one_write_each, &p)) == -1)
        die("fork");
    close(fds[1]);
    for (long i = 0; i < n; i++) {
        uint64_t item;
        ssize_t got = read_full(fds[0], &item, sizeof item);

        if (got == -1)
            die("read");
        if (got != (ssize_t)sizeof item || item != (uint64_t)i)
            fail("queue baseline: item %ld lost or out of order", i);
    }
    start = monotonic_seconds() - start;
    close(fds[0]);
    join_ok(pid);
    return (double)n / start;
}

/* -------------------------------------------- pipe_roundtrip, manager_call */

struct peer {
    int here, there;
    pid_t pid;
};

/* In the echo child: closes the parent's end, which fork copied (else the
 * child would never see end of file), and returns its own. */
static int echo_end(void *arg)
{
    const struct peer *p = arg;

    close(p->here);
    return p->there;
}

/* The echo peer of the raw round trip: 8 bytes in, the same 8 bytes out,
 * until the other end closes. */
static int echo_raw(void *arg)
{
    int fd = echo_end(arg);
    char msg[8];
    ssize_t got;

    while ((got = read_full(fd, msg, sizeof msg)) == (ssize_t)sizeof msg)
        if (write_all(fd, msg, sizeof msg) == -1)
            die_child("write");
    if (got == -1)
        die_child("read");
    return 0;
}

pid_t start_on_socketpair(proc_fn fn, void *arg, int *here, int *there)
{
    int sv[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
        die("socketpair");
    *here = sv[0];
    *there = sv[1];
    if ((pid = proc_start(fn, arg)) == -1)
        die("fork");
    close(*there);
    return pid;
}

static void peer_start(struct peer *p, proc_fn echo)
{
    p->pid = start_on_socketpair(echo, p, &p->here, &p->there);
}

static void peer_finish(struct peer *p)
{
    close(p->here);             /* the echo loop sees end of file */
    join_ok(p->pid);
}

static double roundtrip_raw(long n)
{
    struct peer p;
    char msg[8] = "12345678", back[8];
    double start;

    peer_start(&p, echo_raw);
    start = monotonic_seconds();
    for (long i = 0; i < n; i++) {
        if (write_all(p.here, msg, sizeof msg) == -1)
            die("write");
        if (read_full(p.here, back, sizeof back) != (ssize_t)sizeof back)
            die("read");
    }
    start = monotonic_seconds() - start;
    peer_finish(&p);
    return start / (double)n * 1e6;
}

/* session5's Pipe: both ends of a duplex Pipe; the child echoes on one. */
struct pipe_pair {
    struct conn mine, echo;
};

static int echo_pipe(void *arg)
{
    struct pipe_pair *pp = arg;
    char *msg;
    size_t len;
    int got;

    conn_close(&pp->mine);      /* else the echo end never sees end of file */
    while ((got = conn_recv(&pp->echo, 64, &msg, &len)) == 1) {
        if (conn_send(&pp->echo, msg, len) == -1)
            die_child("conn_send");
        free(msg);
    }
    if (got == -1)
        die_child("conn_recv");
    return 0;
}

static double pipe_roundtrip_suite(long n)
{
    struct pipe_pair pp;
    char *back;
    size_t len;
    double start;
    pid_t pid;

    if (pipe_new(1, &pp.mine, &pp.echo) == -1)
        die("pipe_new");
    if ((pid = proc_start(echo_pipe, &pp)) == -1)
        die("fork");
    conn_close(&pp.echo);
    start = monotonic_seconds();
    for (long i = 0; i < n; i++) {
        if (conn_send(&pp.mine, "12345678", 8) == -1)
            die("conn_send");
        if (conn_recv(&pp.mine, 64, &back, &len) != 1 || len != 8)
            die("conn_recv");
        free(back);
    }
    start = monotonic_seconds() - start;
    conn_close(&pp.mine);       /* the echo loop sees end of file */
    join_ok(pid);
    return start / (double)n * 1e6;
}

/* --------------------------------------------------- pipe_roundtrip_spin */

/* session5's spinning Pipe (session5/spin.c, session5 --wait spin): the
 * same 8-byte messages as pipe_roundtrip, sent whole and received as a
 * malloc'd copy, but each side spins on the shared word instead of
 * sleeping in read(). */
struct spin_pair {
    struct spin_conn mine, echo;
};

static int echo_spin(void *arg)
{
    struct spin_pair *sp = arg;
    char *msg;
    size_t len;
    int got;

    while ((got = spin_recv(&sp->echo, &msg, &len)) == 1) {
        if (spin_send(&sp->echo, msg, len) == -1)
            die_child("spin_send");
        free(msg);
    }
    if (got == -1)
        die_child("spin_recv");
    spin_close(&sp->echo);
    return 0;
}

static double pipe_roundtrip_spin_suite(long n)
{
    struct spin_pair sp;
    struct spin_pipe *p = spin_pipe_new(&sp.mine, &sp.echo);
    char *back;
    size_t len;
    double start;
    pid_t pid;

    if (p == NULL)
        die("mmap");
    if ((pid = proc_start(echo_spin, &sp)) == -1)
        die("fork");
    start = monotonic_seconds();
    for (long i = 0; i < n; i++) {
        if (spin_send(&sp.mine, "12345678", 8) == -1)
            die("spin_send");
        if (spin_recv(&sp.mine, &back, &len) != 1 || len != 8 || memcmp(back, "12345678", 8) != 0)
            fail("pipe_roundtrip_spin: the echo did not come back whole");
        free(back);
    }
    start = monotonic_seconds() - start;
    spin_close(&sp.mine);       /* the echo loop sees end of file */
    join_ok(pid);
    spin_pipe_free(p);
    return start / (double)n * 1e6;
}

/* The raw spinning ping-pong: one 8-byte word each way, no message, no
 * copy, no malloc; it waits the way spin.c waits (pause, and a
 * sched_yield every 1024 turns). The end is the value UINT64_MAX. */
struct ping_pong {
    _Atomic uint64_t ping;
    char apart[64];             /* each word on its own cache line */
    _Atomic uint64_t pong;
};

static void raw_spin_once(unsigned long *turns)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (++*turns % 1024 == 0)
        sched_yield();
}

static int echo_word(void *arg)
{
    struct ping_pong *pp = arg;
    uint64_t seen = 0, v;
    unsigned long turns = 0;

    for (;;) {
        while ((v = atomic_load_explicit(&pp->ping, memory_order_acquire)) == seen)
            raw_spin_once(&turns);
        if (v == UINT64_MAX)
            return 0;
        atomic_store_explicit(&pp->pong, v, memory_order_release);
        seen = v;
    }
}

static double pipe_roundtrip_spin_baseline(long n)
{
    struct ping_pong *pp = shared_alloc(sizeof *pp);
    unsigned long turns = 0;
    double start;
    pid_t pid;

    if (pp == NULL)
        die("mmap");
    if ((pid = proc_start(echo_word, pp)) == -1)
        die("fork");
    start = monotonic_seconds();
    for (uint64_t i = 1; i <= (uint64_t)n; i++) {
        atomic_store_explicit(&pp->ping, i, memory_order_release);
        while (atomic_load_explicit(&pp->pong, memory_order_acquire) != i)
            raw_spin_once(&turns);
    }
    start = monotonic_seconds() - start;
    atomic_store_explicit(&pp->ping, UINT64_MAX, memory_order_release);
    join_ok(pid);
    shared_free(pp, sizeof *pp);
    return start / (double)n * 1e6;
}

/* ------------------------------------------------ the suite's primitives */

/* session7's default lock (the kind Python's Lock is), one process. */
static double lock_uncontended_suite(long n)
{
    struct lock *l = shared_alloc(sizeof *l);
    double start;
    int err;

    if (l == NULL)
        die("mmap");
    if ((err = lock_init(l, LOCK_SEMAPHORE)) != 0)
        die_errnum("lock_init", err);
    start = cpu_now();
    for (long i = 0; i < n; i++) {
        if ((err = lock_acquire(l)) != 0)
            die_errnum("lock_acquire", err);
        lock_release(l);
    }
    start = cpu_now() - start;
    lock_destroy(l);
    shared_free(l, sizeof *l);
    return start / (double)n * 1e9;
}

struct locked_counter {
    struct lock lock;
    atomic_int ready;           /* processes at the start line */
    long n;
    long counter;               /* only touched with the lock held */
};

static int increment_with_lock(void *arg)
{
    struct locked_counter *c = arg;

    wait_for_both(&c->ready);
    for (long i = 0; i < c->n; i++) {
        if (lock_acquire(&c->lock) != 0)
            return 1;
        c->counter++;
        lock_release(&c->lock);
    }
    return 0;
}

static double increment_locked_2proc(enum lock_kind kind, long n)
{
    struct locked_counter *c = shared_alloc(sizeof *c);
    pid_t p1, p2;
    double start;
    int err;

    if (c == NULL)
        die("mmap");
    if ((err = lock_init(&c->lock, kind)) != 0)
        die_errnum("lock_init", err);
    c->n = n;
    start = monotonic_seconds();
    if ((p1 = proc_start(increment_with_lock, c)) == -1)
        die("fork");
    if ((p2 = proc_start(increment_with_lock, c)) == -1)
        die("fork");
    join_ok(p1);
    join_ok(p2);
    start = monotonic_seconds() - start;
    if (c->counter != 2 * n)
        fail("locked increment: expected %ld, got %ld", 2 * n, c->counter);
    lock_destroy(&c->lock);
    shared_free(c, sizeof *c);
    return start / (double)(2 * n) * 1e9;
}

static double locked_increment_2proc_suite(long n)
{
    return increment_locked_2proc(LOCK_SEMAPHORE, n);
}

static double locked_increment_2proc_mutex_suite(long n)
{
    return increment_locked_2proc(LOCK_MUTEX, n);
}

struct queue_producer {
    struct queue *q;
    long n;
};

static int produce_into_queue(void *arg)
{
    const struct queue_producer *p = arg;

    for (long i = 0; i < p->n; i++) {
        uint64_t item = (uint64_t)i;

        if (queue_put(p->q, &item, sizeof item, QUEUE_FOREVER) != QUEUE_OK)
            return 1;
    }
    return 0;
}

/* n items from a producer child to this process through a queue of kind. */
static double queue_items_per_second(enum queue_kind kind, long n)
{
    struct queue_producer p = { queue_new(kind, 0, 8), n };
    pid_t pid;
    double start;

    if (p.q == NULL)
        die("queue_new");
    start = monotonic_seconds();
    if ((pid = proc_start(produce_into_queue, &p)) == -1)
        die("fork");
    for (long i = 0; i < n; i++) {
        uint64_t item;
        size_t len;

        if (queue_get(p.q, &item, sizeof item, &len, QUEUE_FOREVER) != QUEUE_OK)
            fail("queue_get failed at item %ld", i);
        if (len != sizeof item || item != (uint64_t)i)
            fail("queue: item %ld lost or out of order", i);
    }
    start = monotonic_seconds() - start;
    join_ok(pid);
    queue_free(p.q);
    return (double)n / start;
}

/* queue_throughput is the fast queue (ring.c, --queue ring); queue_textbook
 * the bounded buffer the lesson uses (bounded_buffer.c). */
static double queue_throughput_suite(long n)
{
    return queue_items_per_second(QUEUE_RING, n);
}

static double queue_textbook_suite(long n)
{
    return queue_items_per_second(QUEUE_TEXTBOOK, n);
}

static long trivial_task(long x)
{
    return x;
}

static long cpu_bound_task(long seed);

/* pool.map over n items with the default chunksize; returns seconds. */
static double time_pool_map(int processes, pool_fn fn, long n)
{
    long *items = malloc((size_t)n * sizeof *items);
    long *results = malloc((size_t)n * sizeof *results);
    struct pool *p;
    double start;

    if (items == NULL || results == NULL)
        die("malloc");
    for (long i = 0; i < n; i++)
        items[i] = i;
    if ((p = pool_new(processes, NULL, NULL, 0)) == NULL)
        die("pool_new");
    start = monotonic_seconds();
    if (pool_map(p, fn, items, (size_t)n, 0, results) == -1)
        fail("pool_map: %s", pool_error(p));
    start = monotonic_seconds() - start;
    pool_close(p);
    pool_join(p);
    pool_free(p);
    free(items);
    free(results);
    return start;
}

static double pool_task_overhead_suite(long n)
{
    return time_pool_map(2, trivial_task, n) / (double)n * 1e9;
}

static double pool_speedup_2_suite(long n)
{
    return time_pool_map(1, cpu_bound_task, n) / time_pool_map(2, cpu_bound_task, n);
}


/* session3's manager process, serving one client over the socketpair: it
 * keeps `there` and closes `here`, the client's end. */
static const char manager_key[] = "bench";

static int serve_manager(void *arg)
{
    const struct peer *p = arg;
    struct manager_task t = {
        .pairs = { { p->there, p->here } }, .count = 1,
        .key = (const unsigned char *)manager_key, .keylen = sizeof manager_key - 1,
    };

    return manager_process(&t);
}

/* One records.append(x) through a list proxy. */
static double manager_call_suite(long n)
{
    struct peer p;
    struct manager m;
    struct record r = { "bench", 0 };
    uint64_t id;
    size_t len;
    double start;

    peer_start(&p, serve_manager);
    if (manager_attach(&m, p.here, manager_key, sizeof manager_key - 1) != 0)
        die("manager_attach");
    if (manager_list(&m, &id) != 0)
        fail("manager list: %s", m.error);
    start = monotonic_seconds();
    for (long i = 0; i < n; i++) {
        r.score = i;
        if (list_append_record(&m, id, &r) != 0)
            fail("list append: %s", m.error);
    }
    start = monotonic_seconds() - start;
    if (proxy_len(&m, id, &len) != 0 || len != (size_t)n)
        fail("manager list: expected %ld records", n);
    manager_close(&m);          /* the manager sees its only client go, and ends */
    join_ok(p.pid);
    return start / (double)n * 1e6;
}

/* -------------------------------------------- pool_task_overhead, speedup */

static long trivial(long x)
{
    return x;
}

/* Calling the function serially over the items: the cost a pool adds on top
 * of this is its per-task overhead. The pointer is volatile so the compiler
 * cannot inline the call away. */
static double pool_task_overhead_baseline(long n)
{
    long (*volatile fn)(long) = trivial;
    long *out = malloc((size_t)n * sizeof *out);
    double start;

    if (out == NULL)
        die("malloc");
    start = monotonic_seconds();
    for (long i = 0; i < n; i++)
        out[i] = fn(i);
    start = monotonic_seconds() - start;
    free(out);
    return start / (double)n * 1e9;
}

/* The CPU-bound task: the same linear congruential loop as bench_mp.py. */
static long cpu_bound(long seed)
{
    unsigned long x = (unsigned long)seed;

    for (int i = 0; i < 2000000; i++)
        x = (x * 1103515245u + 12345u) & 0x7fffffffu;
    return (long)x;
}

static long cpu_bound_task(long seed)
{
    return cpu_bound(seed);
}

struct half {
    long *out;
    long from, to;
};

static int run_half(void *arg)
{
    const struct half *h = arg;

    for (long i = h->from; i < h->to; i++)
        h->out[i] = cpu_bound(i);
    return 0;
}

/* Speedup of two forked processes, each given a fixed half of the items,
 * over one process doing all of them: what the machine allows. */
static double pool_speedup_2_baseline(long n)
{
    long *out = shared_alloc((size_t)n * sizeof *out);
    struct half halves[2] = { { out, 0, n / 2 }, { out, n / 2, n } };
    double serial, parallel;
    pid_t p1, p2;

    if (out == NULL)
        die("mmap");
    serial = monotonic_seconds();
    run_half(&(struct half){ out, 0, n });
    serial = monotonic_seconds() - serial;
    parallel = monotonic_seconds();
    if ((p1 = proc_start(run_half, &halves[0])) == -1)
        die("fork");
    if ((p2 = proc_start(run_half, &halves[1])) == -1)
        die("fork");
    join_ok(p1);
    join_ok(p2);
    parallel = monotonic_seconds() - parallel;
    shared_free(out, (size_t)n * sizeof *out);
    return serial / parallel;
}

/* ------------------------------------- mpi_task_overhead, mpi_speedup_2 */

/* session8-mpi (session8/session8-mpi.c) under mpirun: the same Pool.map with ranks
 * instead of forked workers. Its --summary prints the map's own time (rank
 * 0, from the first chunk sent to the last result in, MPI_Init excluded as
 * pool_new is for the fork pool). Without mpirun or the program (no mpicc),
 * the MPI figures are NAN, and one note says why. */
#define MPI_PROGRAM "session8/session8-mpi"

/* 1 when `name` is an executable file in a directory of PATH. */
static int on_path(const char *name)
{
    const char *path = getenv("PATH");
    char file[4096];

    while (path != NULL && *path != '\0') {
        size_t n = strcspn(path, ":");

        snprintf(file, sizeof file, "%.*s/%s", (int)n, path, name);
        if (n > 0 && access(file, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

static int mpi_available(void)
{
    static int known = -1;

    if (known == -1) {
        known = access(MPI_PROGRAM, X_OK) == 0 && on_path("mpirun");
        if (!known)
            printf("note: mpirun or " MPI_PROGRAM " not found (make mpi; apt-get install "
                   "openmpi-bin libopenmpi-dev), MPI figures skipped\n");
    }
    return known;
}

struct summary_run {
    char *const *argv;
    int out_fd;
};

/* The child: stdout into the pipe, then the program. */
static int exec_summary(void *arg)
{
    const struct summary_run *r = arg;

    if (dup2(r->out_fd, STDOUT_FILENO) == -1)
        die_child("dup2");
    execvp(r->argv[0], r->argv);
    die_child(r->argv[0]);
}

/* Runs argv and returns the seconds its --summary gives after `label` on
 * the line starting "pool: ". */
static double summary_seconds(char *const argv[], const char *label)
{
    struct summary_run run = { argv, -1 };
    char line[256];
    double seconds = NAN;
    int fds[2], status;
    FILE *out;
    pid_t pid;

    if (pipe(fds) == -1)
        die("pipe");
    run.out_fd = fds[1];
    if ((pid = proc_start(exec_summary, &run)) == -1)
        die("fork");
    close(fds[1]);
    if ((out = fdopen(fds[0], "r")) == NULL)
        die("fdopen");
    while (fgets(line, sizeof line, out) != NULL) {
        const char *at = strstr(line, label);

        if (strncmp(line, "pool: ", 6) == 0 && at != NULL)
            seconds = strtod(at + strlen(label), NULL);
    }
    fclose(out);
    if (proc_join(pid, &status) == -1)
        die("waitpid");
    if (!proc_succeeded(status) || isnan(seconds))
        fail("%s: failed, or printed no time", argv[0]);
    return seconds;
}

/* Seconds rank 0 took to map n items with --work units each over np - 1
 * worker ranks. As root Open MPI must be told it is meant. With more ranks
 * than cores Open MPI makes a waiting rank yield its core; with fewer it
 * spins: yield_when_idle makes both runs wait the same way. */
static double mpi_map_seconds(int np, long n, long work)
{
    char nps[16], ns[24], works[24];
    char *argv[] = { "mpirun", "--oversubscribe", "--mca", "mpi_yield_when_idle", "1",
                     "-np", nps, MPI_PROGRAM, "--quiet", "--summary", "--range", ns,
                     "--work", works, NULL, NULL };

    if (geteuid() == 0) {       /* mpirun's own option: before the program */
        memmove(argv + 2, argv + 1, 14 * sizeof argv[0]);
        argv[1] = "--allow-run-as-root";
    }

    snprintf(nps, sizeof nps, "%d", np);
    snprintf(ns, sizeof ns, "%ld", n);
    snprintf(works, sizeof works, "%ld", work);
    return summary_seconds(argv, ", map time ");
}

/* Per task, over 2 worker ranks, the lesson's square() (its line printed
 * into /dev/null: --quiet), the default chunksize. */
static double mpi_task_overhead_suite(long n)
{
    return mpi_available() ? mpi_map_seconds(3, n, 0) / (double)n * 1e9 : NAN;
}

/* The fork pool on the same job: session8 --quiet with 2 workers runs the
 * same square() in the same chunks (its wall time also holds starting and
 * joining the two workers, about a millisecond). */
static double mpi_task_overhead_baseline(long n)
{
    char ns[24];
    char *argv[] = { "session8/session8", "--quiet", "--summary", "--processes", "2",
                     "--range", ns, NULL };

    if (!mpi_available())
        return NAN;
    snprintf(ns, sizeof ns, "%ld", n);
    return summary_seconds(argv, ", wall time ") / (double)n * 1e9;
}

/* 1 worker rank against 2, on pool_speedup_2's CPU-bound task: --work 2000
 * is the same 2 000 000 steps of the same generator per item. */
static double mpi_speedup_2_suite(long n)
{
    return mpi_available() ? mpi_map_seconds(2, n, 2000) / mpi_map_seconds(3, n, 2000) : NAN;
}

static double mpi_speedup_2_baseline(long n)
{
    return mpi_available() ? pool_speedup_2_suite(n) : NAN;
}

/* The order of docs/performance.md, and the target of each figure, checked
 * on the medians (bench.c prints PASS or MISS). A NULL suite is a primitive
 * that has not landed in this tree yet: its row keeps an empty suite column. */
#define RATIO_MAX(x) { TARGET_RATIO_AT_MOST, x }
const struct figure figures[] = {
    { "spawn_join", "us/process", 200, spawn_join_suite, spawn_join_baseline,
      { RATIO_MAX(1.2) } },
    { "lock_uncontended", "ns/op", 1000000, lock_uncontended_suite, lock_uncontended_baseline,
      { RATIO_MAX(1.2) } },
    { "locked_increment_2proc", "ns/op", 200000, locked_increment_2proc_suite,
      locked_increment_2proc_baseline, { RATIO_MAX(1.2) } },
    { "locked_increment_2proc_mutex", "ns/op", 200000, locked_increment_2proc_mutex_suite,
      locked_increment_2proc_mutex_baseline, { RATIO_MAX(1.2) } },
    { "queue_throughput", "items/s", 200000, queue_throughput_suite, queue_throughput_baseline,
      { { TARGET_SUITE_AT_LEAST, 1e7 }, { TARGET_RATIO_AT_LEAST, 5 } } },
    { "queue_textbook", "items/s", 200000, queue_textbook_suite, queue_throughput_baseline,
      { { TARGET_NONE, 0 } } },
    { "pipe_roundtrip", "us/round trip", 5000, pipe_roundtrip_suite, roundtrip_raw,
      { RATIO_MAX(1.2) } },
    { "pipe_roundtrip_spin", "us/round trip", 100000, pipe_roundtrip_spin_suite,
      pipe_roundtrip_spin_baseline,
      { { TARGET_SUITE_AT_MOST, 1 }, { TARGET_PYTHON_RATIO_AT_LEAST, 20 } } },
    { "manager_call", "us/call", 5000, manager_call_suite, roundtrip_raw,
      { RATIO_MAX(1.5) } },
    { "pool_task_overhead", "ns/task", 1000000, pool_task_overhead_suite,
      pool_task_overhead_baseline, { { TARGET_SUITE_AT_MOST, 30 } } },
    { "pool_speedup_2", "x", 100, pool_speedup_2_suite, pool_speedup_2_baseline,
      { { TARGET_SUITE_AT_LEAST, 1.8 } } },
    { "mpi_task_overhead", "ns/task", 1000000, mpi_task_overhead_suite,
      mpi_task_overhead_baseline, { { TARGET_NONE, 0 } } },
    { "mpi_speedup_2", "x", 100, mpi_speedup_2_suite, mpi_speedup_2_baseline,
      { { TARGET_NONE, 0 } } },
};
const int n_figures = sizeof figures / sizeof figures[0];
