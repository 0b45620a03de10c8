/* test_session6.c - session6: the shape of its output, the forced lost
 * update of --interleave, and bad input. No test here needs the free race
 * to happen (or not): that would depend on luck. */
#include "bank.h"
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every line of out is "Final balance = N" with N in [lo, hi]; returns the count. */
static int count_balance_lines(const char *out, const char *format, long lo, long hi)
{
    int lines = 0;

    for (const char *p = out; *p != '\0'; p = strchr(p, '\n') + 1) {
        long n;
        char end;

        ck_assert_msg(sscanf(p, format, &n, &end) == 2 && end == '\n', "bad line in '%s'", out);
        ck_assert_msg(n >= lo && n <= hi, "balance %ld outside [%ld, %ld]", n, lo, hi);
        lines++;
    }
    return lines;
}

START_TEST(default_prints_ten_final_balances)
{
    struct run r;

    run_cmd(&r, "session6/session6");
    ck_assert_int_eq(run_exit_code(&r), 0);
    /* Whatever the schedule, each update moves the balance by 1 from some
     * value it had, so it stays within 100 +- 10000. */
    ck_assert_int_eq(count_balance_lines(r.out, "Final balance = %ld%c", 100 - 10000, 100 + 10000), 10);
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(interleave_loses_an_update_as_in_the_tutorial)
{
    struct run r;

    run_cmd(&r, "session6/session6 --interleave");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out,
        "P1 (withdraw)               | P2 (deposit)                | BALANCE\n"
        "                            |                             | 100\n"
        "read balance: 100           |                             | 100\n"
        "                            | read balance: 100           | 100\n"
        "write 100 - 1 = 99          |                             | 99\n"
        "                            | write 100 + 1 = 101         | 101\n"
        "Final balance = 101 (expected 100)\n");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(interleave_is_the_same_every_run)
{
    struct run first, again;

    run_cmd(&first, "session6/session6 --interleave --balance 7");
    ck_assert_int_eq(run_exit_code(&first), 0);
    ck_assert_ptr_nonnull(strstr(first.out, "Final balance = 8 (expected 7)\n"));
    for (int i = 0; i < 5; i++) {
        run_cmd(&again, "session6/session6 --interleave --balance 7");
        ck_assert_str_eq(again.out, first.out);
        run_free(&again);
    }
    run_free(&first);
}
END_TEST

START_TEST(csv_prints_one_number_per_trial)
{
    struct run r;

    run_cmd(&r, "session6/session6 --csv --trials 4 --iterations 50 --balance 0");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_int_eq(count_balance_lines(r.out, "%ld%c", -50, 50), 4);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(summary_follows_the_balances)
{
    struct run r;
    const char *block;
    long wrong, trials;

    run_cmd(&r, "session6/session6 --summary --trials 3 --iterations 100");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_int_eq(count_lines(r.out), 3 + 1 + 7);
    block = strstr(r.out, "\n\nTrials:");
    ck_assert_ptr_nonnull(block);
    ck_assert_ptr_nonnull(strstr(block, "Trials:                    3 (100 updates each way per trial)\n"
                                        "Expected final balance:    100\n"));
    ck_assert_int_eq(sscanf(strstr(block, "Wrong"), "Wrong final balances: %ld of %ld", &wrong, &trials), 2);
    ck_assert_int_eq(trials, 3);
    ck_assert_ptr_nonnull(strstr(block, "Time per trial:"));
    run_free(&r);
}
END_TEST

START_TEST(help_goes_to_stdout_and_exits_0)
{
    struct run r;

    run_cmd(&r, "session6/session6 --help");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Usage: session6"));
    ck_assert_ptr_nonnull(strstr(r.out, "--trials=N"));
    ck_assert_ptr_nonnull(strstr(r.out, "--interleave"));
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

static const struct {
    const char *cmd;
    const char *message;
} bad_inputs[] = {
    { "session6/session6 --trials 0", "session6: --trials 0 is out of range (accepted: 1..100000)" },
    { "session6/session6 --trials x", "session6: invalid number 'x' for --trials" },
    { "session6/session6 --iterations 0", "session6: --iterations 0 is out of range" },
    { "session6/session6 --iterations 10000001", "session6: --iterations 10000001 is out of range" },
    { "session6/session6 --balance -1", "session6: --balance -1 is out of range" },
    { "session6/session6 --trials", "session6: option '--trials' needs a value" },
    { "session6/session6 --nope", "session6: unknown or misused option '--nope'" },
    { "session6/session6 -x", "session6: unknown option '-x'" },
    { "session6/session6 extra", "session6: unexpected argument 'extra'" },
    { "session6/session6 --csv --summary", "session6: --csv and --summary cannot be combined" },
    { "session6/session6 --interleave --csv", "session6: --interleave prints its own table" },
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
    ck_assert_ptr_nonnull(strstr(r.err, "Try 'session6 --help' for more information.\n"));
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* The machinery in common/bank.c, without running a program. */
START_TEST(read_then_write_is_two_steps_that_can_lose_an_update)
{
    struct account *acc = account_new(NULL);
    long p1_current, p2_current;

    ck_assert_ptr_nonnull(acc);
    balance_write(acc, 100);
    p1_current = balance_read(acc);     /* the tutorial's schedule, in one process */
    p2_current = balance_read(acc);
    balance_write(acc, p1_current - 1);
    balance_write(acc, p2_current + 1);
    ck_assert_int_eq(balance_read(acc), 101);
    account_free(acc);
}
END_TEST

START_TEST(options_are_parsed_and_checked_together)
{
    struct bank_options o;
    char msg[256];

    bank_options_init(&o);
    ck_assert_int_eq(o.trials, 10);
    ck_assert_int_eq(o.iterations, 10000);
    ck_assert_int_eq(o.balance, 100);
    ck_assert_int_eq(bank_parse_option(BANK_OPT_TRIALS, "25", &o, msg, sizeof msg), 1);
    ck_assert_int_eq(o.trials, 25);
    ck_assert_int_eq(bank_parse_option(BANK_OPT_BALANCE, "1000000001", &o, msg, sizeof msg), -1);
    ck_assert_int_eq(bank_parse_option('h', NULL, &o, msg, sizeof msg), 0);
    ck_assert_int_eq(bank_check_options(&o, msg, sizeof msg), 0);
    o.csv = o.summary = 1;
    ck_assert_int_eq(bank_check_options(&o, msg, sizeof msg), -1);
}
END_TEST

Suite *suite_session6(void)
{
    Suite *s = suite_create("session6");
    TCase *program = tcase_create("program");
    TCase *unit = tcase_create("bank");

    tcase_set_timeout(program, 30);
    tcase_add_test(program, default_prints_ten_final_balances);
    tcase_add_test(program, interleave_loses_an_update_as_in_the_tutorial);
    tcase_add_test(program, interleave_is_the_same_every_run);
    tcase_add_test(program, csv_prints_one_number_per_trial);
    tcase_add_test(program, summary_follows_the_balances);
    tcase_add_test(program, help_goes_to_stdout_and_exits_0);
    tcase_add_loop_test(program, bad_input_exits_2_with_one_line, 0,
                        sizeof bad_inputs / sizeof bad_inputs[0]);
    suite_add_tcase(s, program);
    tcase_set_timeout(unit, 5);
    tcase_add_test(unit, read_then_write_is_two_steps_that_can_lose_an_update);
    tcase_add_test(unit, options_are_parsed_and_checked_together);
    suite_add_tcase(s, unit);
    return s;
}
