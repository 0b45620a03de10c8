/* pool.h - a pool of worker processes, like Python's multiprocessing.Pool.
 *
 * pool_new() forks the workers once; pool_map() cuts the items into chunks,
 * hands each idle worker a chunk over its own socket, and puts the results
 * back in input order. A worker that dies makes pool_map() fail at once,
 * naming the item it was running. docs/session8.md explains the design.
 */
#ifndef SESSION8_POOL_H
#define SESSION8_POOL_H

#include <stddef.h>
#include <sys/types.h>

/* The function mapped over the items; it runs in a worker process. */
typedef long (*pool_fn)(long item);

/* Pool(initializer=...): runs once in each worker before its first task. */
typedef void (*pool_init_fn)(void *initargs);

/* A hook around every task, run in the worker: it gets the mapped function
 * and the item, and returns what the map should store (normally fn(item)).
 * session8's labs time, slow down or crash a task through it, so that the
 * lesson's square() stays the tutorial's. */
typedef long (*pool_task_hook)(pool_fn fn, long item, void *hook_arg);

struct pool;

/* Most workers one pool may have (each is a child process; see PROC_MAX). */
#define POOL_MAX_PROCESSES 128

/* How many items a worker ran, for every worker the pool ever started. */
struct pool_worker_stat {
    pid_t pid;
    size_t items;
};

/* Pool(processes, initializer, initargs, maxtasksperchild): starts
 * `processes` workers (1..POOL_MAX_PROCESSES). initializer may be NULL.
 * maxtasksperchild 0 means unlimited; otherwise a worker exits after that
 * many chunks and a fresh process takes its place. Returns the pool, or NULL
 * with errno (nothing is left running). */
struct pool *pool_new(int processes, pool_init_fn initializer, void *initargs,
                      long maxtasksperchild);

/* Everything Pool() can be given, for pool_new_with(). Zero means the
 * default: processes 0 is one worker per online CPU (os.cpu_count(), at most
 * POOL_MAX_PROCESSES), maxtasksperchild 0 unlimited, NULL no hook. */
struct pool_options {
    int processes;
    pool_init_fn initializer;
    void *initargs;
    long maxtasksperchild;
    pool_task_hook task_hook;   /* each task runs as task_hook(fn, item, hook_arg) */
    void *hook_arg;
};

/* pool_new with every option; NULL or errno as pool_new. */
struct pool *pool_new_with(const struct pool_options *options);

/* How many worker slots the pool has. */
int pool_processes(const struct pool *p);

/* CPython's default chunksize: ceil(n / (4 * processes)), and 1 for n = 0. */
size_t pool_default_chunksize(size_t n, int processes);

/* pool.map(fn, items, chunksize): results[i] = fn(items[i]) for i < n,
 * computed by the workers, in input order. chunksize 0 means the default.
 * Returns 0, or -1 when something failed: pool_error() then says what (a
 * dead worker: "worker 1234 was killed by SIGKILL while running item 3"),
 * and every worker has been stopped and reaped. */
int pool_map(struct pool *p, pool_fn fn, const long *items, size_t n,
             size_t chunksize, long *results);

/* pool.close(): no more maps; each worker exits when it sees its socket
 * closed. Returns 0. */
int pool_close(struct pool *p);

/* pool.join(): waits for every worker to exit (after pool_close). Returns 0,
 * or -1 (EINVAL: the pool is not closed; or a worker did not exit cleanly,
 * see pool_error). */
int pool_join(struct pool *p);

/* pool.terminate(): stops every worker now (SIGTERM) and reaps it. */
void pool_terminate(struct pool *p);

/* Terminates any worker still running and frees the pool. */
void pool_free(struct pool *p);

/* The last failure, as one line without the program name. */
const char *pool_error(const struct pool *p);

/* When the last failure was a worker killed by a signal: that signal, else 0. */
int pool_error_signal(const struct pool *p);

/* Every worker started so far (replaced ones included), and their count. */
const struct pool_worker_stat *pool_stats(const struct pool *p, size_t *count);

#endif
