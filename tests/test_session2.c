/* test_session2.c - session2: the parent sees what the child wrote. */
#include "testutil.h"

#include <check.h>
#include <string.h>

START_TEST(default_output_is_the_tutorials)
{
    struct run r;

    run_cmd(&r, "session2/session2");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out, "Result(in process p1): [1, 4, 9, 16]\n"
                            "Sum of squares(in process p1): 30\n"
                            "Result(in main program): [1, 4, 9, 16]\n"
                            "Sum of squares(in main program): 30\n");
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(type_d_prints_floats_like_python)
{
    struct run r;

    run_cmd(&r, "session2/session2 --type d");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out, "Result(in process p1): [1.0, 4.0, 9.0, 16.0]\n"
                            "Sum of squares(in process p1): 30.0\n"
                            "Result(in main program): [1.0, 4.0, 9.0, 16.0]\n"
                            "Sum of squares(in main program): 30.0\n");
    run_free(&r);
    run_cmd(&r, "session2/session2 -t d 50000");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Result(in main program): [2500000000.0]\n"));
    run_free(&r);
}
END_TEST

START_TEST(positional_numbers_replace_the_list)
{
    struct run r;

    run_cmd(&r, "session2/session2 -- -5 7 46340");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out, "Result(in process p1): [25, 49, 2147395600]\n"
                            "Sum of squares(in process p1): 2147395674\n"
                            "Result(in main program): [25, 49, 2147395600]\n"
                            "Sum of squares(in main program): 2147395674\n");
    run_free(&r);
}
END_TEST

START_TEST(help_goes_to_stdout_and_exits_0)
{
    struct run r;

    run_cmd(&r, "session2/session2 -h");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Usage: session2"));
    ck_assert_ptr_nonnull(strstr(r.out, "--type"));
    run_free(&r);
}
END_TEST

static const struct {
    const char *cmd;
    const char *message;
} bad_inputs[] = {
    { "session2/session2 50000", "session2: 50000 squared does not fit in type 'i'" },
    { "session2/session2 46340 46340", "session2: the sum of squares, 4294791200, does not fit in type 'i'" },
    { "session2/session2 --type x", "session2: invalid --type 'x'" },
    { "session2/session2 --type dd", "session2: invalid --type 'dd'" },
    { "session2/session2 --type", "session2: option '--type' needs a value" },
    { "session2/session2 1 two", "session2: invalid number 'two' for list item" },
    { "session2/session2 --frobnicate", "session2: unknown or misused option '--frobnicate'" },
};

START_TEST(bad_input_exits_2_with_one_line)
{
    struct run r;

    run_cmd(&r, bad_inputs[_i].cmd);
    ck_assert_int_eq(run_exit_code(&r), 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_msg(strncmp(r.err, bad_inputs[_i].message, strlen(bad_inputs[_i].message)) == 0,
                  "%s: got '%s'", bad_inputs[_i].cmd, r.err);
    ck_assert_int_eq(count_lines(r.err), 2);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
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

Suite *suite_session2(void)
{
    Suite *s = suite_create("session2");
    TCase *tc = tcase_create("program");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, default_output_is_the_tutorials);
    tcase_add_test(tc, type_d_prints_floats_like_python);
    tcase_add_test(tc, positional_numbers_replace_the_list);
    tcase_add_test(tc, help_goes_to_stdout_and_exits_0);
    tcase_add_loop_test(tc, bad_input_exits_2_with_one_line, 0,
                        sizeof bad_inputs / sizeof bad_inputs[0]);
    tcase_add_test(tc, overflow_message_suggests_type_d);
    suite_add_tcase(s, tc);
    return s;
}
