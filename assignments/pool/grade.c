/* grade.c - the tests of the pool assignment: `make grade` runs them.
 *
 * The functions mapped are the grader's. They run in the student's
 * workers and write down on a shared board which process ran which item,
 * and when. Some wait for each other, to force what a pool must survive on
 * every run: a task that can finish only once every worker holds one; a
 * first chunk that can finish only once a later chunk has started (so the
 * chunks come back out of order); a task that kills its worker.
 */
#include "grade.h"
#include "pool.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const HINT_MAP =
    "README.md, \"What to write\"; docs/session8-further.md#the-pool-inside-poolc";
static const char *const HINT_WORKERS =
    "README.md, \"What to write\" steps 1-2; docs/session8-further.md#the-pool-inside-poolc";
static const char *const HINT_ORDER =
    "README.md, \"Results in order\"; docs/session8-further.md#the-pool-inside-poolc";
static const char *const HINT_CRASH =
    "README.md, \"When a worker dies\"; docs/session8-further.md#when-a-worker-dies";
static const char *const HINT_CLEANUP =
    "README.md, \"Cleaning up\"; man 2 waitpid, man 2 close";

enum { MAX_ITEMS = 64 };
#define WAIT_SECONDS 3.0        /* how long a grader's task waits for another */

/* What the tasks write down, in memory every worker shares. */
struct board {
    atomic_int started[MAX_ITEMS];  /* 1 once the task of items[i] began */
    atomic_int pid_of[MAX_ITEMS];   /* the worker that ran it */
    atomic_int turn_of[MAX_ITEMS];  /* when it began: 1, 2, 3, ... */
    atomic_int turns;
    atomic_int holding;             /* chunks that reached the meeting */
    atomic_int gave_up;             /* 1 + the item whose wait ran out, or 0 */
    atomic_int holding_then;        /* `holding` when it ran out */
    int workers, chunksize, wait_for, crash_on;
};

static struct board *board;

static struct board *new_board(int workers, int chunksize)
{
    board = grade_shared(sizeof *board);
    board->workers = workers;
    board->chunksize = chunksize;
    board->wait_for = -1;
    board->crash_on = -1;
    return board;
}

static long result_of(long item)
{
    return 1000 + item;
}

static void write_down(long item)
{
    atomic_store(&board->pid_of[item], (int)getpid());
    atomic_store(&board->turn_of[item], atomic_fetch_add(&board->turns, 1) + 1);
    atomic_store(&board->started[item], 1);
}

/* Waits until *flag >= value or WAIT_SECONDS passed (then gives up, once
 * for the whole test: later tasks do not wait any more). */
static void wait_on(atomic_int *flag, int value, long item)
{
    int expected = 0;

    if (atomic_load(&board->gave_up) == 0 && grade_wait_until(flag, value, WAIT_SECONDS) == 0
        && atomic_compare_exchange_strong(&board->gave_up, &expected, (int)item + 1))
        atomic_store(&board->holding_then, atomic_load(&board->holding));
}

/* The plain task: notes who ran it. */
static long task(long item)
{
    write_down(item);
    return result_of(item);
}

/* The first item of each chunk waits until every worker holds a chunk. */
static long meeting_task(long item)
{
    write_down(item);
    if (item % board->chunksize == 0) {
        atomic_fetch_add(&board->holding, 1);
        wait_on(&board->holding, board->workers, item);
    }
    return result_of(item);
}

/* items[0] waits until items[wait_for] has started. */
static long late_first_task(long item)
{
    write_down(item);
    if (item == 0)
        wait_on(&board->started[board->wait_for], 1, item);
    return result_of(item);
}

/* items[crash_on] kills its worker; the other items below `workers` (the
 * other workers' first chunks, chunksize 1) wait up to 4 times
 * WAIT_SECONDS, so that their workers live on: the pool must stop them. */
static long crashing_task(long item)
{
    static atomic_int never;

    write_down(item);
    if (item == board->crash_on)
        raise(SIGSEGV);
    if (item < board->workers)
        grade_wait_until(&never, 1, 4 * WAIT_SECONDS);
    return result_of(item);
}

/* ------------------------------------------------------------ helpers */

static void fill(long *items, int n)
{
    for (int i = 0; i < n; i++)
        items[i] = i;
}

static void map_or_fail(int workers, pool_fn fn, const long *items, int n, int chunksize,
                        long *results)
{
    if (pool_map(workers, fn, items, (size_t)n, (size_t)chunksize, results) != 0)
        grade_fail("pool_map(%d workers, %d items, chunksize %d) returned -1 (%s) though "
                   "no task failed", workers, n, chunksize, strerror(errno));
}

static void check_results(const long *results, int n, const char *when)
{
    for (int i = 0; i < n; i++)
        if (results[i] != result_of(i)) {
            int from = (int)(results[i] - 1000);

            if (from >= 0 && from < n)
                grade_fail("results[%d] is fn(items[%d]), not fn(items[%d])%s: store each "
                           "result at its item's index, whatever order the chunks come "
                           "back in", i, from, i, when);
            grade_fail("results[%d] is %ld, not fn(items[%d]) = %ld%s", i, results[i], i,
                       result_of(i), when);
        }
}

/* Every fn(items[i]) once, in any order: the order is
 * results_in_input_order's business (here the chunks may come back in any
 * order, so whether the order is right would be luck). */
static void check_results_any_order(const long *results, int n, const char *when)
{
    int count[MAX_ITEMS] = { 0 };

    for (int i = 0; i < n; i++) {
        long from = results[i] - 1000;

        if (from < 0 || from >= n)
            grade_fail("results[%d] is %ld, which is fn() of no item%s", i, results[i], when);
        count[from]++;
    }
    for (int i = 0; i < n; i++)
        if (count[i] != 1)
            grade_fail("fn(items[%d]) is %d times in results, not once%s", i, count[i], when);
}

static int distinct_workers(int n)
{
    int count = 0;

    for (int i = 0; i < n; i++) {
        int seen = 0;

        for (int j = 0; j < i; j++)
            seen |= board->pid_of[j] == board->pid_of[i];
        count += !seen && board->pid_of[i] != 0;
    }
    return count;
}

/* ------------------------------------------------------------ the tests */

static void test_map_squares(void)
{
    long items[25], results[25];

    new_board(3, 4);
    fill(items, 25);
    map_or_fail(1, task, items, 25, 4, results);
    check_results(results, 25, " (1 worker, 25 items, chunksize 4)");
    map_or_fail(3, task, items, 25, 4, results);
    check_results_any_order(results, 25, " (3 workers, 25 items, chunksize 4)");
    map_or_fail(2, task, items, 1, 10, results);
    check_results(results, 1, " (2 workers, 1 item, chunksize 10)");
    map_or_fail(2, task, items, 0, 1, results);
    for (int i = 0; i < 25; i++)
        if (board->started[i] && board->pid_of[i] == (int)getpid())
            grade_fail("items[%d] ran in the process that called pool_map, not in a "
                       "worker: fork the workers and run every task in one of them", i);
}

static void test_all_workers_at_once(void)
{
    enum { WORKERS = 4, CHUNK = 2, N = WORKERS * CHUNK };
    long items[N], results[N];

    new_board(WORKERS, CHUNK);
    fill(items, N);
    map_or_fail(WORKERS, meeting_task, items, N, CHUNK, results);
    if (board->gave_up != 0)
        grade_fail("with %d workers and %d chunks, only %d chunk(s) had started when the "
                   "first one gave up waiting (each chunk's first task waits up to %.0f s "
                   "until every worker holds a chunk): "
                   "start every worker before waiting for any, and hand each one a chunk",
                   WORKERS, WORKERS, board->holding_then, WAIT_SECONDS);
    if (distinct_workers(N) != WORKERS)
        grade_fail("the %d chunks ran in %d different processes, not in the %d workers",
                   WORKERS, distinct_workers(N), WORKERS);
    check_results_any_order(results, N, "");
}

static void test_results_in_input_order(void)
{
    enum { WORKERS = 2, CHUNK = 2, N = 12 };
    long items[N], results[N];

    new_board(WORKERS, CHUNK);
    board->wait_for = 3 * CHUNK;        /* the first item of the 4th chunk */
    fill(items, N);
    map_or_fail(WORKERS, late_first_task, items, N, CHUNK, results);
    if (board->gave_up != 0)
        grade_fail("items[0]'s task waited %.0f s for items[%d]'s to start, which another "
                   "worker should have run meanwhile: do all workers run at once, each "
                   "idle one taking the next chunk?", WAIT_SECONDS, board->wait_for);
    check_results(results, N, " (the chunk of items[0] came back last, on purpose)");
}

static void test_chunks(void)
{
    enum { WORKERS = 2, CHUNK = 3, N = 12 };
    long items[N], results[N];

    new_board(WORKERS, CHUNK);
    board->wait_for = CHUNK;            /* the first item of the 2nd chunk */
    fill(items, N);
    map_or_fail(WORKERS, late_first_task, items, N, CHUNK, results);
    if (board->gave_up != 0)
        grade_fail("items[0]'s task waited %.0f s for items[%d]'s to start, which another "
                   "worker should have run meanwhile: do all workers run at once?",
                   WAIT_SECONDS, board->wait_for);
    for (int i = 1; i < N; i++) {
        if (i % CHUNK == 0)
            continue;
        if (board->pid_of[i] != board->pid_of[i - 1])
            grade_fail("items[%d] and items[%d] are in one chunk (chunksize %d) but ran in "
                       "two workers: hand a worker chunksize items at a time", i - 1, i, CHUNK);
        if (board->turn_of[i] < board->turn_of[i - 1])
            grade_fail("items[%d] and items[%d] are in one chunk but ran in the other "
                       "order", i - 1, i);
    }
    check_results_any_order(results, N, "");
}

/* Reaps the zombies the calling process has; returns how many of its
 * children are still running after `seconds` (they get that long to end). */
static int children_running(double seconds, int *zombies)
{
    struct timespec ms = { 0, 1000000 };
    int waited = 0;

    *zombies = 0;
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);

        if (pid > 0) {
            (*zombies)++;
            continue;
        }
        if (pid == -1)
            return 0;                   /* ECHILD: no child at all */
        if (waited++ >= (int)(grade_seconds(seconds) * 1000)) {
            int running = 0;
            char path[64];
            FILE *f;

            snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
            if ((f = fopen(path, "r")) != NULL) {
                while (fscanf(f, "%d", &status) == 1)
                    running++;
                fclose(f);
            }
            return running > 0 ? running : 1;
        }
        nanosleep(&ms, NULL);
    }
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    if (d == NULL)
        grade_fail("the grader cannot read /proc/self/fd: %s", strerror(errno));
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

/* In the process that called pool_map, right after it returned -1: every
 * worker waited for (none running, none a zombie), every descriptor
 * closed. */
static void check_failure_cleaned_up(int fds_before)
{
    int zombies, running = children_running(0, &zombies);

    if (running + zombies > 0)
        grade_fail("pool_map returned -1 while %d of its workers had not been waited for "
                   "(running: %d, zombies: %d): after kill, waitpid each",
                   running + zombies, running, zombies);
    if (open_fds() > fds_before)
        grade_fail("pool_map returned -1 after a task killed its worker, with %d more open "
                   "file descriptors than before: close both ends of every pipe on the "
                   "failure path too", open_fds() - fds_before);
}

/* What the process that called pool_map saw, for the test's own process. */
struct outcome {
    atomic_int rc, err;
};

static void test_crash_reported(void)
{
    enum { WORKERS = 3, N = 9 };
    struct outcome *out = grade_shared(sizeof *out);
    long items[N], results[N];
    pid_t caller;
    int status;

    new_board(WORKERS, 1);
    board->crash_on = 0;
    fill(items, N);
    atomic_store(&out->rc, 1);
    if ((caller = grade_fork()) == 0) {
        int zombies, running, before = open_fds(), rc;

        errno = 0;
        rc = pool_map(WORKERS, crashing_task, items, N, 1, results);
        atomic_store(&out->err, errno);
        atomic_store(&out->rc, rc);
        if (rc == -1)
            check_failure_cleaned_up(before);
        running = children_running(2, &zombies);
        if (running > 0)
            grade_fail("pool_map returned after a task killed its worker, but %d of the "
                       "other workers still ran 2 s later: stop them (kill) and wait for "
                       "them", running);
        _exit(0);
    }
    status = grade_wait(caller, WAIT_SECONDS);
    if (status == -1)
        grade_fail("pool_map did not return within %.0f s after the task of items[0] "
                   "killed its worker (SIGSEGV) while the other workers' tasks still ran: "
                   "does the parent see the end of file on the dead worker's pipe (is each "
                   "pipe's write end open only in its own worker?), and stop the others?",
                   WAIT_SECONDS);
    if (WIFSIGNALED(status))
        grade_fail("the process that called pool_map was killed by signal %d when a task "
                   "crashed: a task must run in a worker process, so that a crash kills "
                   "only that worker", WTERMSIG(status));
    if (atomic_load(&out->rc) != -1)
        grade_fail("pool_map returned %d after the task of items[0] killed its worker "
                   "(SIGSEGV): want -1, and errno ECHILD", atomic_load(&out->rc));
    if (atomic_load(&out->err) != ECHILD)
        grade_fail("pool_map returned -1 with errno %d (%s) after the task of items[0] "
                   "killed its worker (SIGSEGV): want errno ECHILD (No child processes), "
                   "which says a worker died", atomic_load(&out->err),
                   strerror(atomic_load(&out->err)));
}

static void test_cleanup(void)
{
    enum { WORKERS = 4, N = 20, MAPS = 8 };
    long items[N], results[N];
    int before, zombies, running;

    new_board(WORKERS, 2);
    fill(items, N);
    before = open_fds();
    for (int m = 0; m < MAPS; m++) {
        map_or_fail(WORKERS, task, items, N, 2, results);
        if (m == 0 && distinct_workers(N) == 1 && board->pid_of[0] == (int)getpid())
            grade_fail("no task ran in a worker: nothing to clean up yet (fork the workers "
                       "first: README.md, \"What to write\")");
        /* No time to end: pool_map must have waited for every worker. */
        running = children_running(0, &zombies);
        if (running > 0 || zombies > 0)
            grade_fail("pool_map returned while %d of its workers %s: wait (waitpid) for "
                       "every worker before returning", running + zombies,
                       zombies == 0 ? "still ran"
                       : running == 0 ? "had ended unwaited for (zombies)"
                       : "still ran or were zombies");
    }
    if (open_fds() > before)
        grade_fail("after %d calls of pool_map the process has %d more open file "
                   "descriptors: close every descriptor pool_map opened (both ends of "
                   "each pipe, in the parent and in the workers) before returning",
                   MAPS, open_fds() - before);
    check_results_any_order(results, N, "");
}

static const struct grade_test tests[] = {
    { "map_squares", 10, 10, test_map_squares, HINT_MAP, 0 },
    { "all_workers_at_once", 20, 15, test_all_workers_at_once, HINT_WORKERS, 0 },
    { "results_in_input_order", 20, 15, test_results_in_input_order, HINT_ORDER, 0 },
    { "chunks", 10, 15, test_chunks, HINT_WORKERS, 0 },
    { "crash_reported", 20, 15, test_crash_reported, HINT_CRASH, 0 },
    { "cleanup", 20, 15, test_cleanup, HINT_CLEANUP, 0 },
};

int main(int argc, char *argv[])
{
    return grade_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
