/* test_session2.c - session2: the parent sees what the child wrote; with
 * --named, nothing is ever left in /dev/shm, even after a SIGKILL. */
#include "testutil.h"

#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

START_TEST(default_output_is_the_tutorials)
{
    assert_run("session2/session2", 0,
               "Result(in process p1): [1, 4, 9, 16]\n"
               "Sum of squares(in process p1): 30\n"
               "Result(in main program): [1, 4, 9, 16]\n"
               "Sum of squares(in main program): 30\n",
               "");
}
END_TEST

/* The Python twin prints exactly what the C program prints. */
START_TEST(python_twin_prints_the_same)
{
    assert_same_as_twin("session2/session2.py", "session2/session2");
}
END_TEST

START_TEST(type_d_prints_floats_like_python)
{
    assert_run("session2/session2 --type d", 0,
               "Result(in process p1): [1.0, 4.0, 9.0, 16.0]\n"
               "Sum of squares(in process p1): 30.0\n"
               "Result(in main program): [1.0, 4.0, 9.0, 16.0]\n"
               "Sum of squares(in main program): 30.0\n",
               NULL);
    assert_prints("session2/session2 -t d 50000", 0,
                  "Result(in main program): [2500000000.0]\n");
}
END_TEST

START_TEST(positional_numbers_replace_the_list)
{
    assert_run("session2/session2 -- -5 7 46340", 0,
               "Result(in process p1): [25, 49, 2147395600]\n"
               "Sum of squares(in process p1): 2147395674\n"
               "Result(in main program): [25, 49, 2147395600]\n"
               "Sum of squares(in main program): 2147395674\n",
               NULL);
}
END_TEST

HELP_TEST(help_goes_to_stdout_and_exits_0, "session2/session2",
          "--type=CODE", "--verbose", "--named", "/dev/shm", "--help")

static const struct bad_usage bad_inputs[] = {
    { "session2/session2 50000", "session2: 50000 squared does not fit in type 'i'" },
    { "session2/session2 46340 46340", "session2: the sum of squares, 4294791200, does not fit in type 'i'" },
    { "session2/session2 --type x", "session2: invalid --type 'x'" },
    { "session2/session2 --type dd", "session2: invalid --type 'dd'" },
    { "session2/session2 --type", "session2: option '--type' needs a value" },
    { "session2/session2 1 two", "session2: invalid number 'two' for list item" },
    { "session2/session2 --frobnicate", "session2: unknown or misused option '--frobnicate'" },
    { "session2/session2 --named=yes", "session2: unknown or misused option '--named=yes'" },
    { "session2/session2 --named 50000", "session2: 50000 squared does not fit in type 'i'" },
    { "session2/session2 --verbose=1", "session2: unknown or misused option '--verbose=1'" },
};

BAD_USAGE_TEST(bad_input_exits_2_with_one_line, bad_inputs)

/* --verbose: p1's lines name p1 and its parent, which is the PID on the
 * main program's lines; both see result at one address. */
START_TEST(verbose_tags_each_line_with_who_printed_it)
{
    struct run r;
    long child, its_parent, child2, its_parent2, parent, parent2;
    char addr_child[32], addr_parent[32];
    const char *line[4];

    run_checked(&r, "session2/session2 --verbose", 0);
    ck_assert_int_eq(count_lines(r.out), 4);
    line[0] = r.out;
    for (int i = 1; i < 4; i++)
        line[i] = strchr(line[i - 1], '\n') + 1;
    ck_assert_int_eq(sscanf(line[0], "Result(in process p1): [1, 4, 9, 16]  "
                                     "[pid %ld, parent %ld, result at %31[^]]]",
                            &child, &its_parent, addr_child), 3);
    ck_assert_int_eq(sscanf(line[1], "Sum of squares(in process p1): 30  "
                                     "[pid %ld, parent %ld, square_sum at",
                            &child2, &its_parent2), 2);
    ck_assert_int_eq(sscanf(line[2], "Result(in main program): [1, 4, 9, 16]  "
                                     "[pid %ld, result at %31[^]]]", &parent, addr_parent), 2);
    ck_assert_int_eq(sscanf(line[3], "Sum of squares(in main program): 30  [pid %ld, square_sum at",
                            &parent2), 1);
    ck_assert_int_eq(child, child2);
    ck_assert_int_eq(its_parent, parent);
    ck_assert_int_eq(its_parent2, parent);
    ck_assert_int_eq(parent2, parent);
    ck_assert_int_ne(child, parent);
    ck_assert_str_eq(addr_child, addr_parent);
    run_free(&r);
}
END_TEST

/* How many entries /dev/shm has whose name starts with "session2-PID-". */
static int shm_entries_of(pid_t pid)
{
    char prefix[64];
    DIR *d = opendir("/dev/shm");
    struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    snprintf(prefix, sizeof prefix, "session2-%ld-", (long)pid);
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* --named: the tutorial's output, after a line from main and one from p1
 * that name the segment and find it gone from /dev/shm already. */
START_TEST(named_prints_the_name_and_leaves_nothing)
{
    struct spawned s;
    struct run r;
    char *argv[] = { "session2/session2", "--named", NULL };
    char name_main[64], name_child[64], expected[256];

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    finish_checked(&s, RUN_TIMEOUT, &r, 0);
    ck_assert_int_eq(sscanf(r.out, "Shared memory(in main program): %63[^,], not in /dev/shm\n"
                                   "Shared memory(in process p1): %63[^,], not in /dev/shm\n",
                            name_main, name_child), 2);
    ck_assert_str_eq(name_main, name_child);
    snprintf(expected, sizeof expected, "/session2-%ld-", (long)s.pid);
    ck_assert_msg(strncmp(name_main, expected, strlen(expected)) == 0, "name %s", name_main);
    ck_assert_ptr_nonnull(strstr(r.out, "not in /dev/shm\n"
                                        "Result(in process p1): [1, 4, 9, 16]\n"
                                        "Sum of squares(in process p1): 30\n"
                                        "Result(in main program): [1, 4, 9, 16]\n"
                                        "Sum of squares(in main program): 30\n"));
    ck_assert_int_eq(count_lines(r.out), 6);
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(shm_entries_of(s.pid), 0);
    run_free(&r);
}
END_TEST

/* SIGKILL cannot be caught: no handler can unlink anything. So the name
 * must be gone before the first line is printed. Each row waits for a line,
 * checks /dev/shm right then (while the run is under way), and SIGKILLs
 * main, p1, or the whole group. The list is longer than a pipe holds, so
 * p1 is still writing it while the test does not read. */
enum victim { MAIN, CHILD, GROUP };
static const struct {
    const char *after;
    enum victim victim;
} kill_points[] = {
    { "Shared memory(in main program): ", MAIN },
    { "Shared memory(in main program): ", GROUP },
    { "Shared memory(in process p1): ", MAIN },
    { "Shared memory(in process p1): ", CHILD },
    { "Result(in process p1): [", MAIN },
    { "Result(in process p1): [", CHILD },
    { "Result(in process p1): [", GROUP },
    { "Sum of squares(in process p1): ", MAIN },
    { "Result(in main program): [", MAIN },
};

START_TEST(named_sigkill_at_any_line_leaves_nothing_in_dev_shm)
{
    char **argv = argv_with_list("session2/session2 --named --type=d --", "123456", 30000);
    struct spawned s;
    struct run r;
    pid_t target;

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    free(argv);
    ck_assert_msg(spawn_wait_for(&s, kill_points[_i].after, RUN_TIMEOUT) == 0,
                  "never printed '%s'", kill_points[_i].after);
    ck_assert_int_eq(shm_entries_of(s.pid), 0);
    target = s.pid;
    if (kill_points[_i].victim == GROUP) {
        target = -s.pid;
    } else if (kill_points[_i].victim == CHILD) {
        ck_assert_int_eq(wait_for_children(s.pid, 1, RUN_TIMEOUT), 0);
        ck_assert_int_eq(children_of(s.pid, &target, 1), 1);
    }
    ck_assert_int_eq(kill(target, SIGKILL), 0);
    spawn_finish(&s, RUN_TIMEOUT, &r);
    ck_assert(!r.timed_out);
    if (kill_points[_i].victim == CHILD) {     /* main saw it and said so */
        ck_assert_int_eq(run_exit_code(&r), 1);
        ck_assert_str_eq(r.err, "session2: process p1 was killed by SIGKILL\n");
        ck_assert_int_eq(r.strays, 0);
    } else {
        ck_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL);
    }
    ck_assert_int_eq(shm_entries_of(s.pid), 0);
    run_free(&r);
}
END_TEST

/* SIGINT as soon as p1 exists, which may be before main has registered it
 * (proc_track): main still stops and reaps p1 and exits 130, whatever the
 * moment, with anonymous or named memory. Repeated, because the moment
 * varies; the invariant must hold for every one of them. */
static const char *const sigint_modes[] = { "--type=d", "--named" };

START_TEST(sigint_right_after_fork_still_reaps_p1)
{
    enum { TIMES = 10 };
    char cmd[64];
    char **argv;

    snprintf(cmd, sizeof cmd, "session2/session2 %s --", sigint_modes[_i]);
    argv = argv_with_list(cmd, "12", 30000);      /* squares and sum fit type i */
    for (int n = 0; n < TIMES; n++)
        ck_assert_int_eq(shm_entries_of(assert_sigint_as_the_child_starts(argv)), 0);
    free(argv);
}
END_TEST

START_TEST(overflow_message_suggests_type_d)
{
    struct run r;

    run_cmd(&r, "session2/session2 50000");
    ck_assert_ptr_nonnull(strstr(r.err, "try --type d"));
    run_free(&r);
}
END_TEST

LESSON_FITS_TEST(lesson_stays_within_150_lines, "session2/session2.c")

TEST_SUITE(session2)
{
    TCase *tc = add_case(s, "program", 30, default_output_is_the_tutorials,
                         lesson_stays_within_150_lines,
                         type_d_prints_floats_like_python, positional_numbers_replace_the_list,
                         help_goes_to_stdout_and_exits_0, overflow_message_suggests_type_d,
                         python_twin_prints_the_same,
                         verbose_tags_each_line_with_who_printed_it);
    TCase *named = add_case(s, "named shared memory", 30,
                            named_prints_the_name_and_leaves_nothing);

    add_loop(tc, bad_input_exits_2_with_one_line, bad_inputs);

    add_loop(named, named_sigkill_at_any_line_leaves_nothing_in_dev_shm, kill_points);
    add_loop(named, sigint_right_after_fork_still_reaps_p1, sigint_modes);
}
