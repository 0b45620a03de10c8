/* test_session7_deadlock.c - session7 --deadlock: the forced wait-for cycle
 * is reported, both processes are stopped, and the program ends by itself
 * with status 1; --ordered completes with both balances right. */
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

/* The demo's own give-up time is 2 s (DEADLOCK_SECONDS in session7/deadlock.c); a run still
 * going after this is a hang. */
#define DEADLOCK_TEST_TIMEOUT 8.0

/* `session7 --deadlock ARGS`, checked as run_checked does, with that deadline. */
static void run_deadlock(struct run *r, const char *args, int exit_code)
{
    char cmd[256];

    snprintf(cmd, sizeof cmd, "session7/session7 --deadlock%s%s", *args ? " " : "", args);
    run_cmd_timeout(r, cmd, DEADLOCK_TEST_TIMEOUT);
    ck_assert_msg(!r->timed_out, "%s: still running after its deadline: killed", cmd);
    ck_assert_int_eq(run_exit_code(r), exit_code);
    ck_assert_int_eq(r->strays, 0);
}

START_TEST(opposite_lock_orders_deadlock_and_are_stopped)
{
    struct run r;

    run_deadlock(&r, "", 1);
    ck_assert_str_eq(r.out,
        "Accounts 1 and 2 hold 100 each. P1 moves 30 from 1 to 2, P2 moves 10 from 2 to 1.\n"
        "Each takes the lock of the account it takes from, then the other.\n"
        "P1: holds lock 1\n"
        "P2: holds lock 2\n"
        "P1 and P2 reach for their second lock\n"
        "P1: holds lock 1, waits for lock 2 (P2 holds it)\n"
        "P2: holds lock 2, waits for lock 1 (P1 holds it)\n");
    ck_assert_str_eq(r.err,
        "session7: deadlock: P1 holds lock 1 and waits for lock 2, P2 holds lock 2 "
        "and waits for lock 1; both stopped (try --ordered)\n");
    run_free(&r);
}
END_TEST

START_TEST(one_global_lock_order_completes_both_transfers)
{
    struct run r;

    run_deadlock(&r, "--ordered", 0);
    ck_assert_str_eq(r.out,
        "Accounts 1 and 2 hold 100 each. P1 moves 30 from 1 to 2, P2 moves 10 from 2 to 1.\n"
        "Each takes the lock of the lower-numbered account first.\n"
        "P1: holds lock 1\n"
        "P2: waits for lock 1 (P1 holds it)\n"
        "P1 reaches for its second lock; P2, holding none, still waits for lock 1\n"
        "Account 1 = 80, account 2 = 120 (expected 80 and 120)\n");
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

/* The forced schedule leaves nothing to luck: the same result every time. */
START_TEST(the_deadlock_happens_every_run)
{
    for (int i = 0; i < 10; i++) {
        struct run r;

        run_deadlock(&r, "", 1);
        ck_assert_ptr_nonnull(strstr(r.err, "session7: deadlock: "));
        run_free(&r);
    }
}
END_TEST

/* With a robust mutex, killing the first process hands its lock to the
 * second (EOWNERDEAD) for the moment before that one is killed too: still
 * the one line, and nothing left behind. */
START_TEST(every_lock_kind_deadlocks_and_is_stopped)
{
    static const char *const kinds[] = { "--lock semaphore", "--lock mutex", "--lock spin" };
    struct run r;

    run_deadlock(&r, kinds[_i], 1);
    ck_assert_msg(strncmp(r.err, "session7: deadlock: ", 20) == 0, "got '%s'", r.err);
    ck_assert_int_eq(count_lines(r.err), 1);
    run_free(&r);
}
END_TEST

START_TEST(ordered_transfers_start_from_balance)
{
    struct run r;

    run_deadlock(&r, "--ordered --balance 0 --lock mutex", 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Accounts 1 and 2 hold 0 each."));
    ck_assert_ptr_nonnull(strstr(r.out, "Account 1 = -20, account 2 = 20 (expected -20 and 20)\n"));
    run_free(&r);
}
END_TEST

HELP_TEST(help_mentions_deadlock_and_ordered, "session7/session7",
          "--deadlock", "--ordered")

TEST_SUITE(session7_deadlock)
{
    TCase *program = add_case(s, "program", 60, opposite_lock_orders_deadlock_and_are_stopped,
                              one_global_lock_order_completes_both_transfers,
                              the_deadlock_happens_every_run,
                              ordered_transfers_start_from_balance,
                              help_mentions_deadlock_and_ordered);

    tcase_add_loop_test(program, every_lock_kind_deadlocks_and_is_stopped, 0, 3);
}
