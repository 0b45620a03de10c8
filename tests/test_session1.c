/* test_session1.c - session1: the child's list is filled, the parent's is not;
 * --start spawn's child does not see what main set before starting it. */
#include "testutil.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(default_output_is_the_tutorials)
{
    assert_run("session1/session1", 0,
               "Result(in process p1): [1, 4, 9, 16]\n"
               "Result(in main program): []\n",
               "");
}
END_TEST

/* The Python twin prints exactly what the C program prints. */
START_TEST(python_twin_prints_the_same)
{
    assert_same_as_twin("session1/session1.py", "session1/session1");
}
END_TEST

START_TEST(positional_numbers_replace_the_list)
{
    assert_run("session1/session1 5 6", 0,
               "Result(in process p1): [25, 36]\n"
               "Result(in main program): []\n",
               NULL);
    assert_run("session1/session1 -- -3 3037000499", 0,
               "Result(in process p1): [9, 9223372030926249001]\n"
               "Result(in main program): []\n",
               NULL);
}
END_TEST

/* --verbose: the child's line names its parent, which is the PID of the
 * main program's line; the two addresses of result are the same. */
START_TEST(verbose_shows_same_address_different_pids)
{
    struct run r;
    long child_pid, its_parent, parent_pid;
    char child_addr[32], parent_addr[32];
    const char *second;

    run_checked(&r, "session1/session1 --verbose", 0);
    ck_assert_int_eq(count_lines(r.out), 2);
    ck_assert_int_eq(sscanf(r.out, "Result(in process p1): [1, 4, 9, 16]  "
                                   "[pid %ld, parent %ld, result at %31[^]]]",
                            &child_pid, &its_parent, child_addr), 3);
    second = strchr(r.out, '\n') + 1;
    ck_assert_int_eq(sscanf(second, "Result(in main program): []  [pid %ld, result at %31[^]]]",
                            &parent_pid, parent_addr), 2);
    ck_assert_int_ne(child_pid, parent_pid);
    ck_assert_int_eq(its_parent, parent_pid);
    ck_assert_str_eq(child_addr, parent_addr);
    run_free(&r);
}
END_TEST

/* fork: p1 is a copy of main after `configured = 1`. */
START_TEST(start_fork_child_sees_the_global_main_set)
{
    assert_run("session1/session1 --start fork", 0,
               "Result(in process p1): [1, 4, 9, 16]\n"
               "configured(in process p1): 1\n"
               "Result(in main program): []\n"
               "configured(in main program): 1\n",
               "");
}
END_TEST

/* spawn: p1 starts from main in a fresh image and never ran that line. */
START_TEST(start_spawn_child_does_not_see_it)
{
    assert_run("session1/session1 --start spawn -- -3 5", 0,
               "Result(in process p1): [9, 25]\n"
               "configured(in process p1): 0\n"
               "Result(in main program): []\n"
               "configured(in main program): 1\n",
               "");
}
END_TEST

/* The spawned p1 is still main's child (exec keeps the PID), and it got
 * --verbose through its arguments. */
START_TEST(start_spawn_child_is_a_child_of_main)
{
    struct run r;
    long child_pid, its_parent, parent_pid;
    const char *main_line;

    run_checked(&r, "session1/session1 --start spawn --verbose", 0);
    ck_assert_int_eq(count_lines(r.out), 4);
    ck_assert_int_eq(sscanf(r.out, "Result(in process p1): [1, 4, 9, 16]  [pid %ld, parent %ld,",
                            &child_pid, &its_parent), 2);
    main_line = strstr(r.out, "Result(in main program): []  [pid ");
    ck_assert_ptr_nonnull(main_line);
    ck_assert_int_eq(sscanf(main_line, "Result(in main program): []  [pid %ld,", &parent_pid), 1);
    ck_assert_int_eq(its_parent, parent_pid);
    ck_assert_int_ne(child_pid, parent_pid);
    run_free(&r);
}
END_TEST

/* session1 with a list longer than a pipe holds, started with `mode` ("" for
 * the lesson, or a --start method). free() it. */
static char **long_list_argv(const char *mode)
{
    char cmd[64];

    snprintf(cmd, sizeof cmd, "session1/session1%s%s --", mode[0] != '\0' ? " --start " : "",
             mode);
    return argv_with_list(cmd, "3037000499", 30000);
}

/* That run, waiting until p1 is printing: the test does not read, so p1 is
 * provably still running. */
static void start_long_run(struct spawned *s, const char *mode)
{
    char **argv = long_list_argv(mode);

    ck_assert_int_eq(spawn_start(s, argv), 0);
    free(argv);
    ck_assert_int_eq(spawn_wait_for(s, "Result(in process p1): [", RUN_TIMEOUT), 0);
}

/* p1 killed while it runs: main's waitpid sees it and says so in one line,
 * exit 1, in the lesson and with either start method. */
static const char *const kill_modes[] = { "", "fork", "spawn" };

START_TEST(a_killed_p1_is_reported_by_main)
{
    struct spawned s;
    struct run r;
    pid_t p1;

    start_long_run(&s, kill_modes[_i]);
    ck_assert_int_eq(children_of(s.pid, &p1, 1), 1);
    ck_assert_int_eq(kill(p1, SIGKILL), 0);
    finish_checked(&s, RUN_TIMEOUT, &r, 1);
    ck_assert_str_eq(r.err, "session1: process p1 was killed by SIGKILL\n");
    run_free(&r);
}
END_TEST

/* SIGINT as soon as p1 exists, which may be before main has registered it
 * (proc_track): main still stops and reaps p1 and exits 130, whatever the
 * moment. Repeated, because the moment varies; the invariant must hold for
 * every one of them. */
START_TEST(sigint_right_after_fork_still_reaps_p1)
{
    enum { TIMES = 10 };
    char **argv = long_list_argv(kill_modes[_i]);

    for (int n = 0; n < TIMES; n++)
        assert_sigint_as_the_child_starts(argv);
    free(argv);
}
END_TEST

/* A spawned p1 that is still running when main gets SIGTERM: main stops and
 * reaps it and exits 143. */
START_TEST(start_spawn_stops_on_sigterm)
{
    struct spawned s;
    struct run r;

    start_long_run(&s, "spawn");
    ck_assert_int_eq(kill(s.pid, SIGTERM), 0);
    finish_checked(&s, RUN_TIMEOUT, &r, 143);
    run_free(&r);
}
END_TEST

HELP_TEST(help_goes_to_stdout_and_exits_0, "session1/session1",
          "--verbose", "--start=METHOD", "fork", "spawn", "--child", "--help")

/* Each bad input: exit 2, nothing on stdout, exactly the message line and
 * the "Try" line on stderr, no child started (so none left behind). */
static const struct bad_usage bad_inputs[] = {
    { "session1/session1 abc", "session1: invalid number 'abc' for list item" },
    { "session1/session1 --nope", "session1: unknown or misused option '--nope'" },
    { "session1/session1 -x", "session1: unknown option '-x'" },
    { "session1/session1 3037000500", "session1: 3037000500 squared does not fit in a long" },
    { "session1/session1 99999999999999999999", "session1: list item 99999999999999999999 is out of range" },
    { "session1/session1 4 ''", "session1: invalid number '' for list item" },
    { "session1/session1 --start", "session1: option '--start' needs a value" },
    { "session1/session1 --start forkserver", "session1: invalid --start 'forkserver' (accepted: fork, spawn)" },
    { "session1/session1 --start=", "session1: invalid --start '' (accepted: fork, spawn)" },
    { "session1/session1 --start Spawn", "session1: invalid --start 'Spawn'" },
    { "session1/session1 --child --start fork", "session1: --child is internal" },
    { "session1/session1 --child=1", "session1: unknown or misused option '--child=1'" },
    { "session1/session1 --child x", "session1: invalid number 'x' for list item" },
    { "session1/session1 --child 3037000500", "session1: 3037000500 squared does not fit" },
};

BAD_USAGE_TEST(bad_input_exits_2_with_one_line, bad_inputs)

LESSON_FITS_TEST(lesson_stays_within_150_lines, "session1/session1.c")

TEST_SUITE(session1)
{
    TCase *tc = add_case(s, "program", 30, default_output_is_the_tutorials,
                         lesson_stays_within_150_lines, python_twin_prints_the_same,
                         positional_numbers_replace_the_list,
                         verbose_shows_same_address_different_pids,
                         help_goes_to_stdout_and_exits_0);
    TCase *start = add_case(s, "start methods", 30, start_fork_child_sees_the_global_main_set,
                            start_spawn_child_does_not_see_it,
                            start_spawn_child_is_a_child_of_main, start_spawn_stops_on_sigterm);

    add_loop(tc, bad_input_exits_2_with_one_line, bad_inputs);

    add_loop(start, a_killed_p1_is_reported_by_main, kill_modes);
    add_loop(start, sigint_right_after_fork_still_reaps_p1, kill_modes);
}
