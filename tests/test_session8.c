/* test_session8.c - session8: the process Pool (pool.c) and its program.
 *
 * Unit tests call pool_map() in this process (Check runs each test in its own
 * fork, so the workers are that test's children); program tests run
 * session8/session8. Output order between workers is never assumed.
 */
#include "testutil.h"

#include "clock.h"
#include "pool.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */

/* 1 when this process has no child left, running or zombie. */
static int no_children_left(void)
{
    return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

/* Work that grows and shrinks with the item, so chunks finish out of order.
 * The volatile store keeps the compiler from dropping the loop. */
static volatile unsigned long spin_sink;

static long uneven_triple(long item)
{
    unsigned long spin = 0;

    for (long i = 0; i < (item % 7) * 20000; i++)
        spin = spin * 31 + (unsigned long)i;
    spin_sink = spin;
    return item * 3;
}

static long exit_on_3(long item)
{
    if (item == 3)
        _exit(4);
    if (item != 1)
        pause();                /* stays busy until the pool stops it */
    return item;
}

static long identity(long item)
{
    return item;
}

/* A task hook that adds 1000 to what the task returned: proves the pool ran
 * the task through it, in the worker. */
static long plus_1000(pool_fn fn, long item, void *arg)
{
    return fn(item) + *(const long *)arg;
}

/* The read end a grandchild waits on; the test closes the write end. */
static int gate[2];

/* Item 1 forks a grandchild, which inherits the worker's end of its socket
 * and keeps it open until the gate closes, and then the worker exits 3:
 * its socket gives no end-of-file. The other items take about 1 ms each,
 * so the other worker keeps the parent busy with results for many seconds. */
static long die_leaving_a_holder(long item)
{
    if (item == 1) {
        pid_t pid = fork();

        if (pid == 0) {
            char c;

            close(gate[1]);
            while (read(gate[0], &c, 1) == -1 && errno == EINTR)
                continue;
            _exit(0);
        }
        _exit(3);
    }
    struct timespec start;

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (seconds_since(&start) < 0.001)
        continue;
    return item;
}

static int distinct(const long values[], int from, int to)
{
    int count = 0;

    for (int i = from; i <= to; i++) {
        int seen = 0;

        for (int j = from; j < i; j++)
            seen |= values[j] == values[i];
        count += !seen;
    }
    return count;
}

/* ---------------------------------------------------------------- unit */

START_TEST(map_returns_results_in_input_order_with_uneven_work)
{
    enum { N = 500 };
    static long items[N], results[N];
    struct pool *p = pool_new(3, NULL, NULL, 0);

    ck_assert_ptr_nonnull(p);
    for (long i = 0; i < N; i++)
        items[i] = N - i;
    ck_assert_int_eq(pool_map(p, uneven_triple, items, N, 1, results), 0);
    for (long i = 0; i < N; i++)
        ck_assert_int_eq(results[i], 3 * items[i]);
    /* A second map on the same workers, with another chunksize. */
    memset(results, 0, sizeof results);
    ck_assert_int_eq(pool_map(p, uneven_triple, items, N, 7, results), 0);
    for (long i = 0; i < N; i++)
        ck_assert_int_eq(results[i], 3 * items[i]);
    ck_assert_int_eq(pool_close(p), 0);
    ck_assert_int_eq(pool_join(p), 0);
    pool_free(p);
    ck_assert(no_children_left());
}
END_TEST

START_TEST(default_chunksize_is_cpythons)
{
    ck_assert_uint_eq(pool_default_chunksize(1000000, 2), 125000);
    ck_assert_uint_eq(pool_default_chunksize(5, 2), 1);
    ck_assert_uint_eq(pool_default_chunksize(100, 3), 9);      /* 100/12 = 8.3 */
    ck_assert_uint_eq(pool_default_chunksize(96, 3), 8);
    ck_assert_uint_eq(pool_default_chunksize(0, 4), 1);
}
END_TEST

START_TEST(workers_run_whole_chunks)
{
    enum { N = 60 };
    long items[N], results[N];
    size_t count;
    const struct pool_worker_stat *stats;
    struct pool *p = pool_new(2, NULL, NULL, 0);

    ck_assert_ptr_nonnull(p);
    for (long i = 0; i < N; i++)
        items[i] = i;
    ck_assert_int_eq(pool_map(p, identity, items, N, 15, results), 0);
    stats = pool_stats(p, &count);
    ck_assert_uint_eq(count, 2);
    ck_assert_uint_eq(stats[0].items + stats[1].items, N);
    ck_assert_uint_eq(stats[0].items % 15, 0);
    ck_assert_uint_eq(stats[1].items % 15, 0);
    pool_free(p);
    ck_assert(no_children_left());
}
END_TEST

START_TEST(maxtasksperchild_starts_fresh_workers)
{
    enum { N = 12 };
    long items[N], results[N];
    size_t count, total = 0;
    const struct pool_worker_stat *stats;
    struct pool *p = pool_new(2, NULL, NULL, 3);

    ck_assert_ptr_nonnull(p);
    for (long i = 0; i < N; i++)
        items[i] = i;
    ck_assert_int_eq(pool_map(p, identity, items, N, 1, results), 0);
    for (long i = 0; i < N; i++)
        ck_assert_int_eq(results[i], i);
    /* Which worker takes the last tasks depends on timing, so the number of
     * workers is not fixed; but none ran more than 3 tasks, and so at least
     * 12 / 3 processes were needed. */
    stats = pool_stats(p, &count);
    ck_assert_uint_ge(count, N / 3);
    for (size_t i = 0; i < count; i++) {
        ck_assert_uint_le(stats[i].items, 3);
        total += stats[i].items;
    }
    ck_assert_uint_eq(total, N);
    pool_close(p);
    ck_assert_int_eq(pool_join(p), 0);
    pool_free(p);
    ck_assert(no_children_left());
}
END_TEST

START_TEST(dead_worker_fails_the_map_and_stops_the_others)
{
    long items[] = { 1, 2, 3 }, results[3];
    struct pool *p = pool_new(3, NULL, NULL, 0);
    const char *err;

    ck_assert_ptr_nonnull(p);
    /* chunksize 1 and 3 idle workers: each worker gets one item; the ones
     * for 2 block forever, so only the pool can end them. */
    ck_assert_int_eq(pool_map(p, exit_on_3, items, 3, 1, results), -1);
    err = pool_error(p);
    ck_assert_msg(strstr(err, "exited with status 4 while running item 3") != NULL,
                  "got '%s'", err);
    ck_assert(no_children_left());
    ck_assert_int_eq(pool_map(p, identity, items, 3, 1, results), -1);  /* stays closed */
    pool_free(p);
}
END_TEST

START_TEST(worker_killed_while_idle_fails_the_next_map_without_hanging)
{
    long item = 9, result;
    size_t count;
    const struct pool_worker_stat *stats;
    struct pool *p = pool_new(1, NULL, NULL, 0);
    siginfo_t info;

    ck_assert_ptr_nonnull(p);
    stats = pool_stats(p, &count);
    ck_assert_uint_eq(count, 1);
    ck_assert_int_eq(kill(stats[0].pid, SIGKILL), 0);
    /* Wait until it is dead, but leave the reaping to the pool (WNOWAIT). */
    ck_assert_int_eq(waitid(P_PID, (id_t)stats[0].pid, &info, WEXITED | WNOWAIT), 0);
    ck_assert_int_eq(pool_map(p, identity, &item, 1, 1, &result), -1);
    ck_assert_msg(strstr(pool_error(p), "was killed by SIGKILL before it could run item 9") != NULL,
                  "got '%s'", pool_error(p));
    ck_assert(no_children_left());
    pool_free(p);
}
END_TEST

START_TEST(a_task_hook_runs_around_every_task_in_the_worker)
{
    enum { N = 40 };
    long items[N], results[N], add = 1000;
    struct pool_options o = { .processes = 2, .task_hook = plus_1000, .hook_arg = &add };
    struct pool *p = pool_new_with(&o);

    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(pool_processes(p), 2);
    for (long i = 0; i < N; i++)
        items[i] = i;
    ck_assert_int_eq(pool_map(p, identity, items, N, 3, results), 0);
    for (long i = 0; i < N; i++)
        ck_assert_int_eq(results[i], i + 1000);
    pool_free(p);
    ck_assert(no_children_left());
}
END_TEST

START_TEST(processes_0_means_one_worker_per_cpu)
{
    struct pool_options o = { 0 };
    struct pool *p = pool_new_with(&o);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(pool_processes(p), cpus < POOL_MAX_PROCESSES ? cpus : POOL_MAX_PROCESSES);
    pool_free(p);
}
END_TEST

/* Issue 14: a worker dies while a process it left behind still holds its
 * socket open, and another worker keeps the parent busy. The map must fail
 * within about 3 s (the death is seen by waitpid), not when the other
 * worker has run out of items (about 20 s) or the holder goes away. */
START_TEST(death_is_seen_while_a_grandchild_holds_the_socket)
{
    enum { N = 20000 };
    static long items[N], results[N];
    struct pool *p;
    struct timespec start;
    double took;
    int status;

    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);     /* the grandchild comes back to us */
    ck_assert_int_eq(pipe(gate), 0);
    for (long i = 0; i < N; i++)
        items[i] = i + 1;
    p = pool_new(2, NULL, NULL, 0);
    ck_assert_ptr_nonnull(p);
    clock_gettime(CLOCK_MONOTONIC, &start);
    ck_assert_int_eq(pool_map(p, die_leaving_a_holder, items, N, 1, results), -1);
    took = seconds_since(&start);
    ck_assert_msg(strstr(pool_error(p), "exited with status 3 while running item 1") != NULL,
                  "got '%s'", pool_error(p));
    ck_assert_msg(took < 3.0, "the death took %.1f s to be seen", took);
    pool_free(p);
    close(gate[1]);             /* the grandchild may go now */
    close(gate[0]);
    while (waitpid(-1, &status, 0) > 0)
        continue;
    ck_assert(no_children_left());
}
END_TEST

START_TEST(join_needs_close_first)
{
    struct pool *p = pool_new(1, NULL, NULL, 0);
    long item = 5, result;

    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(pool_join(p), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(pool_close(p), 0);
    ck_assert_int_eq(pool_map(p, identity, &item, 1, 0, &result), -1);
    ck_assert_int_eq(pool_join(p), 0);
    ck_assert(no_children_left());
    pool_free(p);
}
END_TEST

START_TEST(terminate_stops_and_reaps_every_worker)
{
    struct pool *p = pool_new(4, NULL, NULL, 0);

    ck_assert_ptr_nonnull(p);
    ck_assert(!no_children_left());
    pool_terminate(p);
    ck_assert(no_children_left());
    pool_free(p);
}
END_TEST

START_TEST(pool_new_refuses_bad_sizes)
{
    errno = 0;
    ck_assert_ptr_null(pool_new(0, NULL, NULL, 0));
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_null(pool_new(POOL_MAX_PROCESSES + 1, NULL, NULL, 0));
    ck_assert_ptr_null(pool_new(1, NULL, NULL, -1));
}
END_TEST

/* ---------------------------------------------------------------- program */

START_TEST(default_run_prints_one_line_per_item_from_workers_then_the_result)
{
    char *argv[] = { "session8/session8", NULL };
    struct spawned s;
    struct run r;
    long pids[6] = { 0 };

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    finish_checked(&s, RUN_TIMEOUT, &r, 0);
    ck_assert_int_eq(count_lines(r.out), 6);
    ck_assert_int_eq(worker_lines(r.out, pids, 5), 5);
    for (int n = 1; n <= 5; n++) {
        ck_assert_msg(pids[n] > 0, "no line for %d in '%s'", n, r.out);
        ck_assert_int_ne(pids[n], s.pid);       /* a worker ran it, not the parent */
    }
    ck_assert_ptr_nonnull(strstr(r.out, "\n[1, 4, 9, 16, 25]\n"));
    ck_assert_int_eq(strcmp(r.out + r.out_len - 18, "[1, 4, 9, 16, 25]\n"), 0);
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

START_TEST(serial_is_the_plain_loop)
{
    assert_run("session8/session8 --serial", 0, "[1, 4, 9, 16, 25]\n", NULL);
}
END_TEST

START_TEST(positional_numbers_and_range_replace_the_list)
{
    assert_run("session8/session8 -q -- -3 0 7", 0, "[9, 0, 49]\n", NULL);
    assert_run("session8/session8 --quiet --range 12 --processes 3 --chunksize 2", 0,
               "[1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144]\n",
               NULL);
}
END_TEST

START_TEST(explicit_chunksize_keeps_each_chunk_on_one_worker)
{
    struct run r;
    long pids[11] = { 0 };

    run_checked(&r, "session8/session8 --range 10 --processes 2 --chunksize 5", 0);
    ck_assert_int_eq(worker_lines(r.out, pids, 10), 10);
    ck_assert_int_eq(distinct(pids, 1, 5), 1);
    ck_assert_int_eq(distinct(pids, 6, 10), 1);
    run_free(&r);
}
END_TEST

START_TEST(maxtasksperchild_1_gives_every_item_a_new_worker)
{
    struct run r;
    long pids[11] = { 0 };

    run_checked(&r,
                "session8/session8 --processes 2 --maxtasksperchild 1 --chunksize 1 --range 10",
                0);
    ck_assert_int_eq(worker_lines(r.out, pids, 10), 10);
    ck_assert_int_eq(distinct(pids, 1, 10), 10);
    run_free(&r);
}
END_TEST

START_TEST(initializer_runs_once_in_each_worker_before_its_tasks)
{
    struct run r;
    long pids[31] = { 0 };
    int inits = 0;

    run_checked(&r,
                "session8/session8 --processes 3 --maxtasksperchild 4 --chunksize 2 "
                "--range 30 --initializer hello",
                0);
    ck_assert_int_eq(worker_lines(r.out, pids, 30), 30);
    for (int n = 1; n <= 30; n++) {
        char want[64], *init, *task;

        snprintf(want, sizeof want, "Initializing worker %ld with hello\n", pids[n]);
        init = strstr(r.out, want);
        ck_assert_msg(init != NULL, "no initializer line for worker %ld", pids[n]);
        ck_assert_ptr_null(strstr(init + 1, want));     /* exactly once */
        snprintf(want, sizeof want, "Worker process id for %d: %ld\n", n, pids[n]);
        task = strstr(r.out, want);
        ck_assert_ptr_nonnull(task);
        ck_assert(init < task);
    }
    for (const char *p = r.out; (p = strstr(p, "Initializing worker")) != NULL; p++)
        inits++;
    ck_assert_int_eq(inits, distinct(pids, 1, 30));
    run_free(&r);
}
END_TEST

START_TEST(crash_on_names_the_item_and_leaves_no_process)
{
    struct run r;
    long pid;

    run_checked(&r, "session8/session8 --crash-on 3", 1);
    ck_assert_msg(sscanf(r.err, "session8: worker %ld was killed by SIGKILL while "
                                "running item 3\n", &pid) == 1, "got '%s'", r.err);
    ck_assert_int_eq(count_lines(r.err), 1);
    ck_assert_ptr_null(strstr(r.out, "[1, 4"));
    run_free(&r);
}
END_TEST

START_TEST(crash_inside_a_big_chunk_names_the_exact_item)
{
    struct run r;

    run_checked(&r, "session8/session8 --quiet --range 1000 --processes 2 --crash-on 777", 1);
    ck_assert_ptr_nonnull(strstr(r.err, "was killed by SIGKILL while running item 777\n"));
    run_free(&r);
}
END_TEST

START_TEST(summary_counts_every_item)
{
    struct run r;
    long total = 0;

    run_checked(&r, "session8/session8 --quiet --range 100 --processes 2 --summary", 0);
    ck_assert_ptr_nonnull(strstr(r.out, "pool: 2 processes, 100 items, chunksize 13, wall time "));
    for (const char *p = r.out; (p = strstr(p, "\nworker ")) != NULL; p++) {
        long pid, items;

        ck_assert_int_eq(sscanf(p, "\nworker %ld ran %ld items", &pid, &items), 2);
        total += items;
    }
    ck_assert_int_eq(total, 100);
    ck_assert_ptr_nonnull(strstr(r.out, "\nserial: wall time "));
    ck_assert_ptr_nonnull(strstr(r.out, "\nspeedup: "));
    run_free(&r);
}
END_TEST

/* --timeline FILE draws the run's trace with gnuplot: an SVG with a lane per
 * worker. Without gnuplot it is one line naming what is missing, exit 1. */
START_TEST(timeline_draws_the_run)
{
    char path[] = "/tmp/session8-timeline-XXXXXX";
    char cmd[128];
    int fd = mkstemp(path), have_gnuplot;
    struct run r;

    ck_assert_int_ne(fd, -1);
    close(fd);
    run_cmd(&r, "/bin/sh -c 'command -v gnuplot'");
    have_gnuplot = run_exit_code(&r) == 0;
    run_free(&r);
    snprintf(cmd, sizeof cmd, "session8/session8 -q --range 20 -c 3 -p 2 --timeline %s", path);
    run_cmd_timeout(&r, cmd, 30);
    if (have_gnuplot) {
        char svg[65536] = "";
        FILE *f = fopen(path, "r");
        size_t n;

        ck_assert_int_eq(run_exit_code(&r), 0);
        ck_assert_ptr_nonnull(f);
        n = fread(svg, 1, sizeof svg - 1, f);
        svg[n] = '\0';
        fclose(f);
        ck_assert_msg(strstr(svg, "<svg") != NULL, "not an SVG");
        ck_assert_msg(strstr(svg, "worker 1") != NULL && strstr(svg, "worker 2") != NULL,
                      "no lane per worker");
    } else {
        ck_assert_int_eq(run_exit_code(&r), 1);
        ck_assert_int_eq(count_lines(r.err), 1);
    }
    ck_assert_int_eq(r.strays, 0);
    unlink(path);
    run_free(&r);
}
END_TEST

/* Piped into `head -1`, the workers' lines soon meet a pipe with no reader
 * (3 MB of them, against a pipe buffer of 64 KB): the program ends as any
 * program in a pipeline does, killed by SIGPIPE without a word, and no
 * worker is left. */
START_TEST(a_closed_pipe_ends_the_run_silently_by_sigpipe)
{
    assert_run("/bin/bash -c 'session8/session8 --range 100000 | head -1 >/dev/null; "
               "exit ${PIPESTATUS[0]}'",
               128 + SIGPIPE, NULL, "");
}
END_TEST

START_TEST(sigterm_stops_and_reaps_the_workers)
{
    char *argv[] = { "session8/session8", "--initializer", "x", "--work", "100000",
                     "--range", "100", "-q", NULL };
    struct spawned s;

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    ck_assert_int_eq(spawn_wait_for(&s, "Initializing worker", RUN_TIMEOUT), 0);
    kill(s.pid, SIGTERM);
    assert_finishes(&s, RUN_TIMEOUT, 143);
}
END_TEST

HELP_TEST(help_lists_every_option, "session8/session8",
          "--serial", "--processes", "--chunksize", "--maxtasksperchild", "--range",
          "--quiet", "--verbose", "--initializer", "--work", "--summary", "--timeline", "--trace",
          "--crash-on", "--help")

/* Issue 15: every line a worker prints carries its pid and its parent's,
 * and the parent is the program itself. */
START_TEST(verbose_tags_worker_lines_with_pid_and_parent)
{
    char *argv[] = { "session8/session8", "--verbose", "--initializer", "hi", NULL };
    struct spawned s;
    struct run r;
    int tagged = 0;
    const char *line;

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    finish_checked(&s, RUN_TIMEOUT, &r, 0);
    for (line = r.out; strncmp(line, "[pid ", 5) == 0; line = strchr(line, '\n') + 1) {
        long pid, parent, item, worker;
        char rest[64];

        ck_assert_int_eq(sscanf(line, "[pid %ld, parent %ld] %63[^\n]", &pid, &parent, rest), 3);
        ck_assert_int_eq(parent, s.pid);
        ck_assert_msg(sscanf(rest, "Worker process id for %ld: %ld", &item, &worker) == 2
                      || sscanf(rest, "Initializing worker %ld with hi", &worker) == 1, "%s", rest);
        ck_assert_int_eq(worker, pid);
        tagged++;
    }
    ck_assert_int_ge(tagged, 6);        /* 5 items, and at least one initializer */
    ck_assert_str_eq(line, "[1, 4, 9, 16, 25]\n");    /* the parent's line: untagged */
    run_free(&r);
}
END_TEST

/* Issue 15: trivial work used to print "speedup: 0.00x", which says nothing. */
START_TEST(summary_of_trivial_work_says_why_the_pool_is_slower)
{
    struct run r;

    run_checked(&r, "session8/session8 --quiet --processes 2 --summary", 0);
    ck_assert_ptr_null(strstr(r.out, "0.00x"));
    ck_assert_msg(strstr(r.out, "\nspeedup: none, the pool took ") != NULL, "%s", r.out);
    ck_assert_ptr_nonnull(strstr(r.out, "--work 1000"));
    run_free(&r);
}
END_TEST

/* Issue 14: with stdout closed, the trace file must not become fd 1 and
 * receive the workers' lines. */
START_TEST(trace_with_stdout_closed_holds_only_the_trace)
{
    char path[] = "/tmp/session8-closed-XXXXXX";
    char cmd[256], text[65536];
    int fd = mkstemp(path);
    struct run r;
    size_t n;
    FILE *f;

    ck_assert_int_ne(fd, -1);
    close(fd);
    snprintf(cmd, sizeof cmd, "/bin/sh -c 'session8/session8 --trace %s >&-'", path);
    run_cmd(&r, cmd);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    ck_assert_msg(strncmp(text, "{\"traceEvents\": [", 17) == 0, "not a trace: '%.40s'", text);
    ck_assert_msg(strstr(text, "Worker process id") == NULL, "a worker's line in the trace");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* Issue 12: the twin prints the same result line. */
START_TEST(python_twin_prints_the_same_result)
{
    struct run c, py;

    if (python3_path() == NULL) {
        puts("session8: no python3 on PATH, the twin is not compared");
        return;
    }
    run_cmd(&c, "session8/session8");
    run_python(&py, "session8/session8.py");
    ck_assert_int_eq(run_exit_code(&py), 0);
    ck_assert_ptr_nonnull(strstr(c.out, "\n[1, 4, 9, 16, 25]\n"));
    ck_assert_msg(strstr(py.out, "\n[1, 4, 9, 16, 25]\n") != NULL, "python printed '%s'", py.out);
    ck_assert_int_eq(count_lines(py.out), count_lines(c.out));
    ck_assert_int_eq(py.strays, 0);
    run_free(&c);
    run_free(&py);
}
END_TEST

static const struct bad_usage bad_inputs[] = {
    { "session8/session8 --processes 0", "session8: --processes 0 is out of range" },
    { "session8/session8 --processes x", "session8: invalid number 'x' for --processes" },
    { "session8/session8 --chunksize 0", "session8: --chunksize 0 is out of range" },
    { "session8/session8 --maxtasksperchild -1", "session8: --maxtasksperchild -1 is out of range" },
    { "session8/session8 --range 0", "session8: --range 0 is out of range" },
    { "session8/session8 --work -5", "session8: --work -5 is out of range" },
    { "session8/session8 --crash-on", "session8: option '--crash-on' needs a value" },
    { "session8/session8 1 two", "session8: invalid number 'two' for list item" },
    { "session8/session8 3037000500", "session8: list item 3037000500 is out of range" },
    { "session8/session8 --range 3 4", "session8: give either --range or a list" },
    { "session8/session8 --serial -p 2", "session8: --serial runs no pool" },
    { "session8/session8 --frobnicate", "session8: unknown" },
    { "session8/session8 --crash-on 9", "session8: --crash-on 9 is not in the list" },
};

BAD_USAGE_TEST(bad_input_exits_2_with_one_line_and_no_child, bad_inputs)

TEST_SUITE(session8)
{
    add_case(s, "pool", 20, map_returns_results_in_input_order_with_uneven_work,
             default_chunksize_is_cpythons, workers_run_whole_chunks,
             maxtasksperchild_starts_fresh_workers,
             dead_worker_fails_the_map_and_stops_the_others,
             worker_killed_while_idle_fails_the_next_map_without_hanging,
             a_task_hook_runs_around_every_task_in_the_worker,
             processes_0_means_one_worker_per_cpu,
             death_is_seen_while_a_grandchild_holds_the_socket, join_needs_close_first,
             terminate_stops_and_reaps_every_worker, pool_new_refuses_bad_sizes);
    TCase *prog = add_case(s, "program", 30,
                           default_run_prints_one_line_per_item_from_workers_then_the_result,
                           serial_is_the_plain_loop,
                           positional_numbers_and_range_replace_the_list,
                           explicit_chunksize_keeps_each_chunk_on_one_worker,
                           maxtasksperchild_1_gives_every_item_a_new_worker,
                           initializer_runs_once_in_each_worker_before_its_tasks,
                           crash_on_names_the_item_and_leaves_no_process,
                           a_closed_pipe_ends_the_run_silently_by_sigpipe,
                           crash_inside_a_big_chunk_names_the_exact_item,
                           summary_counts_every_item, timeline_draws_the_run,
                           sigterm_stops_and_reaps_the_workers, help_lists_every_option,
                           verbose_tags_worker_lines_with_pid_and_parent,
                           summary_of_trivial_work_says_why_the_pool_is_slower,
                           trace_with_stdout_closed_holds_only_the_trace,
                           python_twin_prints_the_same_result);

    add_loop(prog, bad_input_exits_2_with_one_line_and_no_child, bad_inputs);
}
