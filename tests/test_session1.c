/* test_session1.c - session1: the child's list is filled, the parent's is not. */
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(default_output_is_the_tutorials)
{
    struct run r;

    run_cmd(&r, "session1/session1");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out, "Result(in process p1): [1, 4, 9, 16]\n"
                            "Result(in main program): []\n");
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(positional_numbers_replace_the_list)
{
    struct run r;

    run_cmd(&r, "session1/session1 5 6");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out, "Result(in process p1): [25, 36]\n"
                            "Result(in main program): []\n");
    run_free(&r);
    run_cmd(&r, "session1/session1 -- -3 3037000499");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out, "Result(in process p1): [9, 9223372030926249001]\n"
                            "Result(in main program): []\n");
    run_free(&r);
}
END_TEST

/* --verbose: two PIDs that differ, one address that is the same. */
START_TEST(verbose_shows_same_address_different_pids)
{
    struct run r;
    long child_pid, parent_pid;
    char child_addr[32], parent_addr[32];
    const char *second;

    run_cmd(&r, "session1/session1 --verbose");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_int_eq(count_lines(r.out), 2);
    ck_assert_int_eq(sscanf(r.out, "Result(in process p1): [1, 4, 9, 16]  [pid %ld, result at %31[^]]]",
                            &child_pid, child_addr), 2);
    second = strchr(r.out, '\n') + 1;
    ck_assert_int_eq(sscanf(second, "Result(in main program): []  [pid %ld, result at %31[^]]]",
                            &parent_pid, parent_addr), 2);
    ck_assert_int_ne(child_pid, parent_pid);
    ck_assert_str_eq(child_addr, parent_addr);
    run_free(&r);
}
END_TEST

START_TEST(help_goes_to_stdout_and_exits_0)
{
    static const char *const mentions[] = { "--verbose", "--help", NULL };

    assert_help("session1/session1", mentions);
}
END_TEST

/* Each bad input: exit 2, nothing on stdout, exactly the message line and
 * the "Try" line on stderr, no child started (so none left behind). */
static const struct {
    const char *cmd;
    const char *message;
} bad_inputs[] = {
    { "session1/session1 abc", "session1: invalid number 'abc' for list item" },
    { "session1/session1 --nope", "session1: unknown or misused option '--nope'" },
    { "session1/session1 -x", "session1: unknown option '-x'" },
    { "session1/session1 3037000500", "session1: 3037000500 squared does not fit in a long" },
    { "session1/session1 99999999999999999999", "session1: list item 99999999999999999999 is out of range" },
    { "session1/session1 4 ''", "session1: invalid number '' for list item" },
};

START_TEST(bad_input_exits_2_with_one_line)
{
    assert_bad_usage(bad_inputs[_i].cmd, bad_inputs[_i].message);
}
END_TEST

Suite *suite_session1(void)
{
    Suite *s = suite_create("session1");
    TCase *tc = tcase_create("program");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, default_output_is_the_tutorials);
    tcase_add_test(tc, positional_numbers_replace_the_list);
    tcase_add_test(tc, verbose_shows_same_address_different_pids);
    tcase_add_test(tc, help_goes_to_stdout_and_exits_0);
    tcase_add_loop_test(tc, bad_input_exits_2_with_one_line, 0,
                        sizeof bad_inputs / sizeof bad_inputs[0]);
    suite_add_tcase(s, tc);
    return s;
}
