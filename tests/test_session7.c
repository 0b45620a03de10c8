/* test_session7.c - session7: with any lock every balance is right, the
 * forced schedule makes P2 wait, and a killed holder is handled: recovered
 * with a robust mutex, reported (never a hang) with a semaphore or spinlock. */
#include "session7/lock.h"
#include "shm.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const kinds[] = { "semaphore", "mutex", "spin" };

START_TEST(default_prints_ten_correct_balances)
{
    struct run r;
    char expected[512] = "";

    for (int i = 0; i < 10; i++)
        strcat(expected, "Final balance = 100\n");
    run_cmd(&r, "session7/session7");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out, expected);
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* Many short trials: the lock must hold every time, whatever the schedule. */
START_TEST(every_lock_kind_keeps_every_balance_right)
{
    char cmd[128];
    struct run r;

    snprintf(cmd, sizeof cmd, "session7/session7 --lock %s --csv --trials 40 --iterations 2000 --balance 7",
             kinds[_i]);
    run_cmd(&r, cmd);
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_int_eq(count_lines(r.out), 40);
    for (const char *p = r.out; *p != '\0'; p = strchr(p, '\n') + 1)
        ck_assert_msg(strncmp(p, "7\n", 2) == 0, "%s: a wrong balance in\n%s", kinds[_i], r.out);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(interleave_makes_p2_wait_for_the_lock)
{
    char cmd[128];
    struct run r;

    snprintf(cmd, sizeof cmd, "session7/session7 --interleave --lock %s", kinds[_i]);
    run_cmd(&r, cmd);
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out,
        "P1 (withdraw)               | P2 (deposit)                | BALANCE\n"
        "                            |                             | 100\n"
        "lock.acquire(): got it      |                             | 100\n"
        "read balance: 100           |                             | 100\n"
        "                            | lock.acquire(): blocked     | 100\n"
        "write 100 - 1 = 99          |                             | 99\n"
        "lock.release()              |                             | 99\n"
        "                            | lock.acquire() returns      | 99\n"
        "                            | read balance: 99            | 99\n"
        "                            | write 99 + 1 = 100          | 100\n"
        "                            | lock.release()              | 100\n"
        "Final balance = 100 (expected 100)\n");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(kill_holder_with_a_robust_mutex_recovers)
{
    struct run r;

    run_cmd(&r, "session7/session7 --kill-holder --lock mutex --iterations 50");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out,
        "P1 (withdraw): lock.acquire(): got it\n"
        "main:          P1 was killed by SIGKILL while it held the lock\n"
        "P2 (deposit):  lock.acquire(): EOWNERDEAD, its holder died holding it\n"
        "P2 (deposit):  pthread_mutex_consistent(): the lock works again\n"
        "P2 (deposit):  50 deposits done\n"
        "Final balance = 150 (expected 150: P1 died before its first withdrawal)\n");
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* _i: 0 semaphore, 2 spin (1, the mutex, recovers: the test above). */
START_TEST(kill_holder_with_a_lock_that_cannot_recover_exits_1)
{
    char cmd[128], first_words[64];
    struct run r;

    snprintf(cmd, sizeof cmd, "session7/session7 --kill-holder --lock %s", kinds[_i]);
    run_cmd(&r, cmd);
    ck_assert_int_eq(r.timed_out, 0);
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_str_eq(r.out,
        "P1 (withdraw): lock.acquire(): got it\n"
        "main:          P1 was killed by SIGKILL while it held the lock\n"
        "P2 (deposit):  lock.acquire(): still not free after 1 s\n");
    snprintf(first_words, sizeof first_words, "session7: the %s lock is never released",
             kinds[_i]);
    ck_assert_msg(strncmp(r.err, first_words, strlen(first_words)) == 0, "got '%s'", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "try --lock mutex"));
    ck_assert_int_eq(count_lines(r.err), 1);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(help_lists_the_lock_kinds)
{
    struct run r;

    run_cmd(&r, "session7/session7 --help");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Usage: session7"));
    ck_assert_ptr_nonnull(strstr(r.out, "--lock=KIND"));
    ck_assert_ptr_nonnull(strstr(r.out, "--kill-holder"));
    ck_assert_ptr_nonnull(strstr(r.out, "--trials=N"));
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

static const struct {
    const char *cmd;
    const char *message;
} bad_inputs[] = {
    { "session7/session7 --lock rwlock", "session7: invalid --lock 'rwlock' (accepted: semaphore, mutex, spin)" },
    { "session7/session7 --lock", "session7: option '--lock' needs a value" },
    { "session7/session7 --trials 100001", "session7: --trials 100001 is out of range" },
    { "session7/session7 --iterations -5", "session7: --iterations -5 is out of range" },
    { "session7/session7 --balance 1e3", "session7: invalid number '1e3' for --balance" },
    { "session7/session7 --kill-holder --csv", "session7: --kill-holder cannot be combined" },
    { "session7/session7 --csv --summary", "session7: --csv and --summary cannot be combined" },
    { "session7/session7 now", "session7: unexpected argument 'now'" },
    { "session7/session7 --nope", "session7: unknown or misused option '--nope'" },
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
    ck_assert_ptr_nonnull(strstr(r.err, "Try 'session7 --help' for more information.\n"));
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* The lock module in one process: held means busy, released means free. */
START_TEST(a_held_lock_is_busy_until_released)
{
    struct lock *l = shared_alloc(sizeof *l);
    enum lock_kind kind;
    int err;

    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(lock_parse_kind(kinds[_i], &kind), 0);
    ck_assert_str_eq(lock_kind_name(kind), kinds[_i]);
    ck_assert_int_eq(lock_init(l, kind), 0);
    ck_assert_int_eq(lock_acquire(l), 0);
    ck_assert_int_eq(lock_try_acquire(l), EBUSY);
    /* A mutex may also notice that the waiter is its own holder. */
    err = lock_timed_acquire(l, 0.01);
    ck_assert_msg(err == ETIMEDOUT || (kind == LOCK_MUTEX && err == EDEADLK), "got %d", err);
    ck_assert_int_eq(lock_release(l), 0);
    ck_assert_int_eq(lock_try_acquire(l), 0);
    ck_assert_int_eq(lock_release(l), 0);
    lock_destroy(l);
    shared_free(l, sizeof *l);
}
END_TEST

Suite *suite_session7(void)
{
    Suite *s = suite_create("session7");
    TCase *program = tcase_create("program");
    TCase *unit = tcase_create("lock");

    tcase_set_timeout(program, 30);
    tcase_add_test(program, default_prints_ten_correct_balances);
    tcase_add_loop_test(program, every_lock_kind_keeps_every_balance_right, 0, 3);
    tcase_add_loop_test(program, interleave_makes_p2_wait_for_the_lock, 0, 3);
    tcase_add_test(program, kill_holder_with_a_robust_mutex_recovers);
    tcase_add_loop_test(program, kill_holder_with_a_lock_that_cannot_recover_exits_1, 0, 1);
    tcase_add_loop_test(program, kill_holder_with_a_lock_that_cannot_recover_exits_1, 2, 3);
    tcase_add_test(program, help_lists_the_lock_kinds);
    tcase_add_loop_test(program, bad_input_exits_2_with_one_line, 0,
                        sizeof bad_inputs / sizeof bad_inputs[0]);
    suite_add_tcase(s, program);
    tcase_set_timeout(unit, 5);
    tcase_add_loop_test(unit, a_held_lock_is_busy_until_released, 0, 3);
    suite_add_tcase(s, unit);
    return s;
}
