/* test_session4.c - session4's two queues (bounded_buffer.c, ring.c, behind
 * queue.h) and the session4 program.
 *
 * Every unit test is a loop test run once per queue (_i is the kind), so
 * both implementations pass the same tests. The tests drive the queue from
 * this process and from forked children; a child reports by its exit
 * status, never by ck_assert.
 */
#include "queue.h"
#include "shm.h"
#include "testutil.h"

#include <check.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

/* The queue a loop test's iteration _i uses: 0 textbook, 1 ring. */
static const enum queue_kind kinds[] = { QUEUE_TEXTBOOK, QUEUE_RING };
#define N_KINDS ((int)(sizeof kinds / sizeof kinds[0]))
#define KIND kinds[_i]

static void put_long(struct queue *q, long v)
{
    ck_assert_int_eq(queue_put(q, &v, sizeof v, QUEUE_NOWAIT), QUEUE_OK);
}

static long get_long(struct queue *q)
{
    long v;
    size_t len;

    ck_assert_int_eq(queue_get(q, &v, sizeof v, &len, QUEUE_NOWAIT), QUEUE_OK);
    ck_assert_uint_eq(len, sizeof v);
    return v;
}

START_TEST(queue_is_fifo)
{
    struct queue *q = queue_new(KIND, 8, sizeof(long));

    ck_assert_ptr_nonnull(q);
    for (long round = 0; round < 5; round++) {      /* wraps around the ring */
        for (long v = 0; v < 6; v++)
            put_long(q, round * 10 + v);
        ck_assert_uint_eq(queue_size(q), 6);
        for (long v = 0; v < 6; v++)
            ck_assert_int_eq(get_long(q), round * 10 + v);
    }
    ck_assert(queue_empty(q));
    queue_free(q);
}
END_TEST

START_TEST(nowait_put_on_full_and_get_on_empty_say_so)
{
    struct queue *q = queue_new(KIND, 2, sizeof(long));
    long v = 7;
    size_t len;

    ck_assert_int_eq(queue_get(q, &v, sizeof v, &len, QUEUE_NOWAIT), QUEUE_EMPTY);
    put_long(q, 1);
    put_long(q, 2);
    ck_assert_int_eq(queue_put(q, &v, sizeof v, QUEUE_NOWAIT), QUEUE_FULL);
    ck_assert_uint_eq(queue_size(q), 2);
    queue_free(q);
}
END_TEST

START_TEST(timeouts_return_timed_out)
{
    struct queue *q = queue_new(KIND, 1, sizeof(long));
    long v = 1;
    size_t len;

    ck_assert_int_eq(queue_get(q, &v, sizeof v, &len, 0.05), QUEUE_TIMEOUT);
    put_long(q, 1);
    ck_assert_int_eq(queue_put(q, &v, sizeof v, 0.05), QUEUE_TIMEOUT);
    ck_assert_int_eq(get_long(q), 1);
    queue_free(q);
}
END_TEST

START_TEST(close_ends_the_queue_after_it_is_drained)
{
    struct queue *q = queue_new(KIND, 0, sizeof(long));
    long v;
    size_t len;

    put_long(q, 1);
    put_long(q, 2);
    queue_close(q);
    v = 3;
    ck_assert_int_eq(queue_put(q, &v, sizeof v, QUEUE_FOREVER), QUEUE_CLOSED);
    ck_assert_int_eq(get_long(q), 1);
    ck_assert_int_eq(get_long(q), 2);
    ck_assert_int_eq(queue_get(q, &v, sizeof v, &len, QUEUE_FOREVER), QUEUE_CLOSED);
    ck_assert_int_eq(queue_get(q, &v, sizeof v, &len, QUEUE_NOWAIT), QUEUE_CLOSED);
    queue_free(q);
}
END_TEST

/* A child that gets from q, which the test keeps empty: it blocks (forever,
 * if nothing wakes it) and exits 0 when the get returns QUEUE_CLOSED. */
static pid_t start_blocked_consumer(struct queue *q)
{
    pid_t pid = fork();

    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        long v;
        size_t len;

        _exit(queue_get(q, &v, sizeof v, &len, QUEUE_FOREVER) == QUEUE_CLOSED ? 0 : 1);
    }
    return pid;
}

START_TEST(close_wakes_a_blocked_consumer)
{
    struct queue *q = queue_new(KIND, 0, sizeof(long));
    pid_t pid = start_blocked_consumer(q);

    queue_close(q);     /* before or after the child sleeps: either way it ends */
    assert_exits_0(pid);
    queue_free(q);
}
END_TEST

START_TEST(messages_of_several_sizes_come_out_whole)
{
    struct queue *q = queue_new(KIND, 4, 1000);
    static const size_t sizes[] = { 0, 1, 7, 8, 999, 1000 };
    char in[1000], out[1000];
    size_t len;

    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        memset(in, 'a' + (int)i, sizeof in);
        ck_assert_int_eq(queue_put(q, in, sizes[i], QUEUE_FOREVER), QUEUE_OK);
        ck_assert_int_eq(queue_get(q, out, sizeof out, &len, QUEUE_FOREVER), QUEUE_OK);
        ck_assert_uint_eq(len, sizes[i]);
        ck_assert_int_eq(memcmp(in, out, len), 0);
    }
    ck_assert_int_eq(queue_put(q, in, 1001, QUEUE_NOWAIT), QUEUE_ERROR);
    queue_free(q);
}
END_TEST

/* 3 producers, 3 consumers, a small queue (so both sides block often): the
 * sum and the xor of everything taken match what was put, and each item is
 * seen exactly once. */
#define MP_PRODUCERS 3
#define MP_CONSUMERS 3
#define MP_COUNT 20000ULL

struct mp_shared {
    atomic_uchar seen[MP_PRODUCERS * MP_COUNT];
    atomic_ullong sum;
};

static int mp_producer(struct queue *q, int index)
{
    for (uint64_t k = 0; k < MP_COUNT; k++) {
        uint64_t item = (uint64_t)index * MP_COUNT + k;

        if (queue_put(q, &item, sizeof item, QUEUE_FOREVER) != QUEUE_OK)
            return 1;
    }
    return 0;
}

static int mp_consumer(struct queue *q, struct mp_shared *s)
{
    uint64_t item;
    size_t len;
    enum queue_result r;

    while ((r = queue_get(q, &item, sizeof item, &len, QUEUE_FOREVER)) == QUEUE_OK) {
        if (len != sizeof item || item >= MP_PRODUCERS * MP_COUNT)
            return 2;
        atomic_fetch_add(&s->seen[item], 1);
        atomic_fetch_add(&s->sum, item);
    }
    return r == QUEUE_CLOSED ? 0 : 3;
}

START_TEST(many_producers_and_consumers_lose_and_duplicate_nothing)
{
    struct queue *q = queue_new(KIND, 16, sizeof(uint64_t));
    struct mp_shared *s = shared_alloc(sizeof *s);
    pid_t pids[MP_PRODUCERS + MP_CONSUMERS];
    unsigned long long n = MP_PRODUCERS * MP_COUNT;
    int status;

    ck_assert_ptr_nonnull(q);
    ck_assert_ptr_nonnull(s);
    for (int i = 0; i < MP_PRODUCERS + MP_CONSUMERS; i++) {
        pids[i] = fork();
        ck_assert_int_ne(pids[i], -1);
        if (pids[i] == 0)
            _exit(i < MP_PRODUCERS ? mp_producer(q, i) : mp_consumer(q, s));
    }
    for (int i = 0; i < MP_PRODUCERS; i++) {
        assert_exits_0(pids[i]);
    }
    queue_close(q);
    for (int i = MP_PRODUCERS; i < MP_PRODUCERS + MP_CONSUMERS; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "consumer status %d", status);
    }
    ck_assert_uint_eq(atomic_load(&s->sum), n * (n - 1) / 2);
    for (unsigned long long i = 0; i < n; i++)
        ck_assert_uint_eq(atomic_load(&s->seen[i]), 1);
    queue_free(q);
    shared_free(s, sizeof *s);
}
END_TEST

/* A consumer dies (SIGKILL, no chance to clean up) after taking two items;
 * the producer is then not stuck forever: a put with a timeout returns
 * QUEUE_TIMEOUT once the queue is full again. */
START_TEST(a_killed_consumer_does_not_wedge_the_producer)
{
    struct queue *q = queue_new(KIND, 4, sizeof(long));
    long v = 0;
    int status;
    pid_t pid;

    for (long i = 0; i < 4; i++)
        put_long(q, i);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        size_t len;

        for (int i = 0; i < 2; i++)
            if (queue_get(q, &v, sizeof v, &len, QUEUE_FOREVER) != QUEUE_OK)
                _exit(1);
        raise(SIGKILL);
        _exit(2);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    ck_assert_int_eq(queue_put(q, &v, sizeof v, 1.0), QUEUE_OK);   /* room it made */
    ck_assert_int_eq(queue_put(q, &v, sizeof v, 1.0), QUEUE_OK);
    ck_assert_int_eq(queue_put(q, &v, sizeof v, 0.05), QUEUE_TIMEOUT);
    ck_assert_int_eq(get_long(q), 2);   /* what it did not take is still there */
    queue_free(q);
}
END_TEST

/* Waits (polling /proc, with a limit) until process pid is asleep (state
 * S): for a child blocked in queue_put or queue_get, that means it is
 * waiting on one of the queue's semaphores. Returns 0 or -1. */
static int wait_until_asleep(pid_t pid)
{
    char path[64], state = '?';
    struct timespec tick = { 0, 1000L * 1000 };

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    for (int tries = 0; tries < 5000; tries++) {
        FILE *f = fopen(path, "r");

        /* "pid (comm) S ...": the state follows the last ')'. */
        if (f != NULL) {
            char line[512], *p;

            if (fgets(line, sizeof line, f) != NULL && (p = strrchr(line, ')')) != NULL)
                state = p[2];
            fclose(f);
        }
        if (state == 'S')
            return 0;
        nanosleep(&tick, NULL);
    }
    return -1;
}

START_TEST(close_wakes_a_blocked_producer)
{
    struct queue *q = queue_new(KIND, 1, sizeof(long));
    pid_t pid;

    put_long(q, 1);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        long v = 2;

        _exit(queue_put(q, &v, sizeof v, QUEUE_FOREVER) == QUEUE_CLOSED ? 0 : 1);
    }
    ck_assert_int_eq(wait_until_asleep(pid), 0);
    queue_close(q);
    assert_exits_0(pid);
    ck_assert_int_eq(get_long(q), 1);
    queue_free(q);
}
END_TEST

/* A consumer killed while it sleeps in queue_get leaves its waiter count
 * behind; the queue still works for everyone else. */
START_TEST(a_consumer_killed_while_asleep_leaves_the_queue_working)
{
    struct queue *q = queue_new(KIND, 2, sizeof(long));
    int status;
    pid_t pid = start_blocked_consumer(q);

    ck_assert_int_eq(wait_until_asleep(pid), 0);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status));
    put_long(q, 41);
    put_long(q, 42);
    ck_assert_int_eq(get_long(q), 41);
    ck_assert_int_eq(get_long(q), 42);
    queue_free(q);
}
END_TEST

/* ------------------------------------------------------------ the program */

/* The program's runs, once per queue: "" is the default (textbook). */
static const char *const queue_options[] = { "", " --queue ring" };

/* run_checked of session4 with the queue of kind and args. */
static void run_session4(struct run *r, int kind, const char *args, int exit_code)
{
    char cmd[256];

    snprintf(cmd, sizeof cmd, "session4/session4%s%s", queue_options[kind], args);
    run_checked(r, cmd, exit_code);
}

#define TUTORIAL_OUTPUT "Queue elements:\n1\n4\n9\n16\nQueue is now empty!\n"

START_TEST(default_output_is_the_tutorials)
{
    struct run r;

    run_session4(&r, _i, "", 0);
    ck_assert_str_eq(r.out, TUTORIAL_OUTPUT);
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

/* Every line is printed by p2, a child of session4: --verbose tags each
 * with p2's pid and its parent's, the pid of the program itself. */
START_TEST(verbose_tags_each_child_line_with_its_pid_and_parents)
{
    char *argv[] = { "session4/session4", "--verbose", NULL };
    static const char *const lines[] = { "Queue elements:", "1", "4", "9", "16",
                                         "Queue is now empty!" };
    struct spawned s;
    struct run r;
    char *line, *save, text[64];
    long pid, parent;
    pid_t program;
    int n = 0;

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    program = s.pid;
    finish_checked(&s, RUN_TIMEOUT, &r, 0);
    for (line = strtok_r(r.out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save), n++) {
        ck_assert_int_lt(n, 6);
        ck_assert_msg(sscanf(line, "%63[^[]  [pid %ld, parent %ld]", text, &pid, &parent) == 3,
                      "untagged line '%s'", line);
        ck_assert_uint_eq(strlen(text), strlen(lines[n]) + 2);
        ck_assert_int_eq(strncmp(text, lines[n], strlen(lines[n])), 0);
        ck_assert_int_eq(parent, program);
        ck_assert_int_ne(pid, program);
    }
    ck_assert_int_eq(n, 6);
    run_free(&r);
}
END_TEST

/* session4/session4.py is the tutorial in Python: same lines, same order. */
START_TEST(python_twin_prints_what_the_c_program_prints)
{
    assert_same_as_twin("session4/session4.py", "session4/session4");
}
END_TEST

START_TEST(producers_and_consumers_receive_everything)
{
    struct run r;

    run_session4(&r, _i, " --producers 3 --consumers 2 --count 5000 --maxsize 8", 0);
    ck_assert_ptr_nonnull(strstr(r.out, "producer 3 put 5000 items"));
    ck_assert_ptr_nonnull(strstr(r.out, "consumer 2 took "));
    ck_assert_ptr_nonnull(strstr(r.out, "received 15000 of 15000 items, none lost or duplicated\n"));
    run_free(&r);
}
END_TEST

START_TEST(one_consumer_takes_every_item)
{
    struct run r;

    run_session4(&r, _i, " -n 100", 0);
    ck_assert_ptr_nonnull(strstr(r.out, "consumer 1 took 100 items\n"
                                        "received 100 of 100 items, none lost or duplicated\n"));
    run_free(&r);
}
END_TEST

START_TEST(concurrent_shows_empty_stopping_early)
{
    struct run r;

    run_session4(&r, _i, " --concurrent --count 10", 0);
    ck_assert_str_eq(r.out,
        "drain while not empty(): took 5 of 10 items, then saw empty() and stopped early\n"
        "get until end-of-queue:  took 10 of 10 items\n");
    run_free(&r);
}
END_TEST

/* The largest --concurrent runs: each half exactly fills queue A (the
 * default 32768 slots, or --maxsize), and the run still ends by itself.
 * One more item is refused as bad input (a row in test_hardening.c). */
START_TEST(concurrent_fills_queue_a_with_each_half_and_ends)
{
    static const char *const cmds[] = {
        "session4/session4 --concurrent --count 65536",
        "session4/session4 --concurrent --maxsize 3 --count 6",
        "session4/session4 --queue ring --concurrent --count 65536",
        "session4/session4 --queue ring --concurrent --maxsize 3 --count 6",
    };
    static const long counts[] = { 65536, 6, 65536, 6 };
    char expected[256];
    struct run r;

    run_cmd(&r, cmds[_i]);
    ck_assert_msg(!r.timed_out, "%s hung", cmds[_i]);
    ck_assert_int_eq(run_exit_code(&r), 0);
    snprintf(expected, sizeof expected,
             "drain while not empty(): took %ld of %ld items, then saw empty() and stopped early\n"
             "get until end-of-queue:  took %ld of %ld items\n",
             counts[_i] / 2, counts[_i], counts[_i], counts[_i]);
    ck_assert_str_eq(r.out, expected);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* p1 puts 5 items into a queue of 4 and main joins it first: the program
 * must see the deadlock (1 s join timeout), say who waits for whom, stop
 * p1 and exit 1, well before the 5 s this test allows. */
START_TEST(join_before_drain_reports_the_deadlock_and_exits_1)
{
    char *argv[2][6] = {
        { "session4/session4", "--join-before-drain", "--maxsize", "4", NULL },
        { "session4/session4", "--join-before-drain", "--maxsize", "4", "--queue=ring", NULL },
    };
    struct spawned s;
    struct run r;

    ck_assert_int_eq(spawn_start(&s, argv[_i]), 0);
    spawn_finish(&s, 5.0, &r);
    ck_assert_int_eq(r.timed_out, 0);
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_str_eq(r.err, "session4: deadlock: p1 was joined before its queue was drained "
                            "(CPython gh-73983)\n");
    ck_assert_ptr_nonnull(strstr(r.out, "main: q holds 4 items; p1 will put 5\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "main waits in p1.join() for p1 (pid "));
    ck_assert_ptr_nonnull(strstr(r.out, "p1 waits in q.put() for a free slot: q holds 4 of 4 items"));
    ck_assert_ptr_nonnull(strstr(r.out, "main: stopped p1 (it was killed by SIGTERM)"));
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* The same order with items that fit: the join returns, main drains. */
START_TEST(join_before_drain_with_items_that_fit_ends_normally)
{
    struct run r;

    run_session4(&r, _i, " --join-before-drain --maxsize 4 --count 4", 0);
    ck_assert_ptr_nonnull(strstr(r.out, "main: p1 ended; then main took 4 items from q"));
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

HELP_TEST(help_names_every_option, "session4/session4",
          "--queue", "textbook", "ring", "--producers",
          "--consumers", "--count", "--maxsize", "--concurrent", "--join-before-drain",
          "--verbose", "docs/session4.md")

static const struct bad_usage bad_inputs[] = {
    { "session4/session4 --producers 0", "session4: --producers 0 is out of range" },
    { "session4/session4 --consumers 65", "session4: --consumers 65 is out of range" },
    { "session4/session4 --count x", "session4: invalid number 'x' for --count" },
    { "session4/session4 --maxsize -1", "session4: --maxsize -1 is out of range" },
    { "session4/session4 -p 64 -n 10000000", "session4: --producers x --count is 640000000 items" },
    { "session4/session4 --concurrent -p 2", "session4: --concurrent runs one producer" },
    { "session4/session4 --concurrent -n 1", "session4: --concurrent needs --count 2" },
    { "session4/session4 --join-before-drain -c 2", "session4: --join-before-drain runs one producer" },
    { "session4/session4 --join-before-drain --concurrent", "session4: --concurrent and --join-before-drain are two labs" },
    { "session4/session4 --queue fast", "session4: unknown --queue 'fast' (accepted: textbook, ring)" },
    { "session4/session4 --queue", "session4: option '--queue' needs a value" },
    { "session4/session4 extra", "session4: unexpected argument 'extra'" },
    { "session4/session4 --count", "session4: option '--count' needs a value" },
    { "session4/session4 --nope", "session4: unknown" },
};

BAD_USAGE_TEST(bad_input_exits_2_with_one_line, bad_inputs)

/* Both tests below run 4 processes on a 1-slot queue, once per queue. */
static char *busy_argv[2][11] = {
    { "session4/session4", "-p", "2", "-c", "2", "-n", "50000000", "--maxsize", "1", NULL },
    { "session4/session4", "-p", "2", "-c", "2", "-n", "50000000", "--maxsize", "1",
      "--queue=ring", NULL },
};

START_TEST(sigterm_stops_and_reaps_the_children)
{
    char **argv = busy_argv[_i];
    struct spawned s;

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    ck_assert_int_eq(wait_for_children(s.pid, 4, RUN_TIMEOUT), 0);
    ck_assert_int_eq(kill(s.pid, SIGTERM), 0);
    assert_finishes(&s, RUN_TIMEOUT, 143);
}
END_TEST

/* The first PID listed in /proc/PID/task/PID/children, or -1. */
static pid_t first_child(pid_t pid)
{
    char path[64];
    int child = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    f = fopen(path, "r");
    if (f != NULL) {
        if (fscanf(f, "%d", &child) != 1)
            child = -1;
        fclose(f);
    }
    return (pid_t)child;
}

/* A child killed from outside: the program names it, stops the others
 * (which would otherwise wait forever on a 1-slot queue), and exits 1. */
START_TEST(a_killed_child_is_reported_and_the_rest_stopped)
{
    char **argv = busy_argv[_i];
    struct spawned s;
    struct run r;
    pid_t victim;

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    ck_assert_int_eq(wait_for_children(s.pid, 4, RUN_TIMEOUT), 0);
    victim = first_child(s.pid);
    ck_assert_int_gt(victim, 0);
    ck_assert_int_eq(kill(victim, SIGKILL), 0);
    finish_checked(&s, RUN_TIMEOUT, &r, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "was killed by SIGKILL\n"));
    ck_assert_int_eq(strncmp(r.err, "session4: process ", 18), 0);
    ck_assert_int_eq(count_lines(r.err), 1);
    run_free(&r);
}
END_TEST

TEST_SUITE(session4)
{
    TCase *unit = add_case(s, "queue", 30, NULL);
    TCase *prog = add_case(s, "program", 30,
                           verbose_tags_each_child_line_with_its_pid_and_parents,
                           python_twin_prints_what_the_c_program_prints,
                           help_names_every_option);

    tcase_add_loop_test(unit, queue_is_fifo, 0, N_KINDS);
    tcase_add_loop_test(unit, nowait_put_on_full_and_get_on_empty_say_so, 0, N_KINDS);
    tcase_add_loop_test(unit, timeouts_return_timed_out, 0, N_KINDS);
    tcase_add_loop_test(unit, close_ends_the_queue_after_it_is_drained, 0, N_KINDS);
    tcase_add_loop_test(unit, close_wakes_a_blocked_consumer, 0, N_KINDS);
    tcase_add_loop_test(unit, messages_of_several_sizes_come_out_whole, 0, N_KINDS);
    tcase_add_loop_test(unit, many_producers_and_consumers_lose_and_duplicate_nothing, 0, N_KINDS);
    tcase_add_loop_test(unit, a_killed_consumer_does_not_wedge_the_producer, 0, N_KINDS);
    tcase_add_loop_test(unit, close_wakes_a_blocked_producer, 0, N_KINDS);
    tcase_add_loop_test(unit, a_consumer_killed_while_asleep_leaves_the_queue_working, 0, N_KINDS);

    tcase_add_loop_test(prog, default_output_is_the_tutorials, 0, N_KINDS);
    tcase_add_loop_test(prog, producers_and_consumers_receive_everything, 0, N_KINDS);
    tcase_add_loop_test(prog, one_consumer_takes_every_item, 0, N_KINDS);
    tcase_add_loop_test(prog, concurrent_shows_empty_stopping_early, 0, N_KINDS);
    tcase_add_loop_test(prog, concurrent_fills_queue_a_with_each_half_and_ends, 0, 4);
    tcase_add_loop_test(prog, join_before_drain_reports_the_deadlock_and_exits_1, 0, N_KINDS);
    tcase_add_loop_test(prog, join_before_drain_with_items_that_fit_ends_normally, 0, N_KINDS);
    add_loop(prog, bad_input_exits_2_with_one_line, bad_inputs);
    tcase_add_loop_test(prog, sigterm_stops_and_reaps_the_children, 0, N_KINDS);
    tcase_add_loop_test(prog, a_killed_child_is_reported_and_the_rest_stopped, 0, N_KINDS);
}
