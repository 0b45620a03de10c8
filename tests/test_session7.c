/* test_session7.c - session7: with any lock every balance is right, any
 * forced schedule makes the other process wait and ends correct, and a killed holder is handled: recovered
 * with a robust mutex, reported (never a hang) with a semaphore or spinlock. */
#define _GNU_SOURCE             /* sched_setaffinity, CPU_SET */
#include "bank.h"
#include "lock.h"
#include "shm.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static const char *const kinds[] = { "semaphore", "mutex", "spin" };

static const char ten_correct[] =
    "Final balance = 100\nFinal balance = 100\nFinal balance = 100\nFinal balance = 100\n"
    "Final balance = 100\nFinal balance = 100\nFinal balance = 100\nFinal balance = 100\n"
    "Final balance = 100\nFinal balance = 100\n";

START_TEST(default_prints_ten_correct_balances)
{
    assert_run("session7/session7", 0, ten_correct, "");
}
END_TEST

/* Many short trials: the lock must hold every time, whatever the schedule. */
START_TEST(every_lock_kind_keeps_every_balance_right)
{
    char cmd[128];
    struct run r;

    snprintf(cmd, sizeof cmd, "session7/session7 --lock %s --csv --trials 40 --iterations 2000 --balance 7",
             kinds[_i]);
    run_checked(&r, cmd, 0);
    ck_assert_int_eq(count_lines(r.out), 40);
    for (const char *p = r.out; *p != '\0'; p = strchr(p, '\n') + 1)
        ck_assert_msg(strncmp(p, "7\n", 2) == 0, "%s: a wrong balance in\n%s", kinds[_i], r.out);
    run_free(&r);
}
END_TEST

/* --interleave (--schedule 1212) with the lock: P2's read waits for P1's
 * release, and the balance ends where it started. */
#define INTERLEAVED_TABLE \
    "P1 (withdraw)               | P2 (deposit)                | BALANCE\n" \
    "                            |                             | 100\n" \
    "lock.acquire(): got it      |                             | 100\n" \
    "read balance: 100           |                             | 100\n" \
    "                            | lock.acquire(): blocked     | 100\n" \
    "write 100 - 1 = 99          |                             | 99\n" \
    "lock.release()              |                             | 99\n" \
    "                            | lock.acquire() returns      | 99\n" \
    "                            | read balance: 99            | 99\n" \
    "                            | write 99 + 1 = 100          | 100\n" \
    "                            | lock.release()              | 100\n"

START_TEST(interleave_makes_p2_wait_for_the_lock)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "session7/session7 --interleave --lock %s", kinds[_i]);
    assert_run(cmd, 0,
               INTERLEAVED_TABLE
               "Final balance = 100 (expected 100)\n",
               NULL);
}
END_TEST

START_TEST(kill_holder_with_a_robust_mutex_recovers)
{
    assert_run("session7/session7 --kill-holder --lock mutex --iterations 50", 0,
               "P1 (withdraw): lock.acquire(): got it\n"
               "main:          P1 was killed by SIGKILL while it held the lock\n"
               "P2 (deposit):  lock.acquire(): EOWNERDEAD, its holder died holding it\n"
               "P2 (deposit):  pthread_mutex_consistent(): the lock works again\n"
               "P2 (deposit):  50 deposits done\n"
               "Final balance = 150 (expected 150: P1 died before its first withdrawal)\n",
               "");
}
END_TEST

/* _i: 0 semaphore, 2 spin (1, the mutex, recovers: the test above). */
START_TEST(kill_holder_with_a_lock_that_cannot_recover_exits_1)
{
    char cmd[128], first_words[64];
    struct run r;

    snprintf(cmd, sizeof cmd, "session7/session7 --kill-holder --lock %s", kinds[_i]);
    run_checked(&r, cmd, 1);
    ck_assert_str_eq(r.out,
                     "P1 (withdraw): lock.acquire(): got it\n"
                     "main:          P1 was killed by SIGKILL while it held the lock\n"
                     "P2 (deposit):  lock.acquire(): still not free after 1 s\n");
    snprintf(first_words, sizeof first_words, "session7: the %s lock is never released",
             kinds[_i]);
    ck_assert_msg(strncmp(r.err, first_words, strlen(first_words)) == 0, "got '%s'", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "try --lock mutex"));
    ck_assert_int_eq(count_lines(r.err), 1);
    run_free(&r);
}
END_TEST

/* Any schedule: a read whose lock the other holds waits (the table says
 * "blocked"), and the balance always ends where it started. */
static const char *const schedules[] = {
    "1212", "1122", "2211", "2121", "1221", "2112", "122221", "12121212",
    "1111111111222222222212121212121212121212",
};

START_TEST(every_schedule_ends_correct_with_every_lock)
{
    char cmd[256];
    struct run r;

    for (int k = 0; k < 3; k++) {
        char want[96];
        long change = 0;

        for (const char *c = schedules[_i]; *c != '\0'; c++)
            change += *c == '2' ? 1 : -1;
        snprintf(cmd, sizeof cmd, "session7/session7 --lock %s --schedule %s --balance 50",
                 kinds[k], schedules[_i]);
        snprintf(want, sizeof want, "Final balance = %ld (expected %ld)\n", 50 + change / 2,
                 50 + change / 2);
        run_checked(&r, cmd, 0);
        ck_assert_msg(strstr(r.out, want) != NULL, "%s:\n%s", cmd, r.out);
        /* Each read is "got it" or "blocked" ... "returns", one release per write. */
        {
            int got = 0, blocked = 0, returns = 0, released = 0;

            for (const char *p = r.out; (p = strstr(p, "lock.")) != NULL; p++) {
                got += strncmp(p, "lock.acquire(): got it", 22) == 0;
                blocked += strncmp(p, "lock.acquire(): blocked", 23) == 0;
                returns += strncmp(p, "lock.acquire() returns", 22) == 0;
                released += strncmp(p, "lock.release()", 14) == 0;
            }
            ck_assert_int_eq(blocked, returns);
            ck_assert_int_eq(got + returns, (int)strlen(schedules[_i]) / 2);
            ck_assert_int_eq(released, (int)strlen(schedules[_i]) / 2);
        }
        run_free(&r);
    }
}
END_TEST

/* 122221: P2's steps wait behind P1's lock; then they all run. */
START_TEST(a_waiting_process_runs_its_steps_after_the_release)
{
    assert_run("session7/session7 --schedule 122221", 0,
               INTERLEAVED_TABLE
               "                            | lock.acquire(): got it      | 100\n"
               "                            | read balance: 100           | 100\n"
               "                            | write 100 + 1 = 101         | 101\n"
               "                            | lock.release()              | 101\n"
               "Final balance = 101 (expected 101)\n",
               NULL);
}
END_TEST

/* One CPU: session7 stays right and says nothing (only session6 makes its
 * loops long there). */
START_TEST(one_cpu_still_prints_ten_correct_balances)
{
    cpu_set_t one, before;
    struct run r;

    ck_assert_int_eq(sched_getaffinity(0, sizeof before, &before), 0);
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    ck_assert_int_eq(sched_setaffinity(0, sizeof one, &one), 0);
    run_cmd(&r, "session7/session7");
    /* Back to every CPU first: the runner may not fork (CK_FORK=no). */
    ck_assert_int_eq(sched_setaffinity(0, sizeof before, &before), 0);
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out, ten_correct);
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(verbose_tags_child_lines_with_pids)
{
    struct run r;
    int tagged = 0;

    run_checked(&r, "session7/session7 --verbose --trials 3 --lock mutex", 0);
    for (const char *p = r.out; (p = strstr(p, ", parent pid ")) != NULL; p++)
        tagged++;
    ck_assert_int_eq(tagged, 6);
    ck_assert_int_eq(count_lines(r.out), 6 + 3);
    run_free(&r);
}
END_TEST

/* The Python twin prints what the C program prints. */
START_TEST(python_twin_prints_the_same)
{
    struct run r;

    if (!run_twin(&r, "session7/session7.py"))
        return;
    ck_assert_str_eq(r.out, ten_correct);
    run_free(&r);
}
END_TEST

HELP_TEST(help_lists_the_lock_kinds, "session7/session7",
          "--lock=KIND", "semaphore", "mutex", "spin", "--kill-holder", "--trials=N",
          "--schedule=STEPS", "--interleave", "--verbose")

static const struct bad_usage bad_inputs[] = {
    { "session7/session7 --lock rwlock", "session7: invalid --lock 'rwlock' (accepted: semaphore, mutex, spin)" },
    { "session7/session7 --lock", "session7: option '--lock' needs a value" },
    { "session7/session7 --trials 100001", "session7: --trials 100001 is out of range" },
    { "session7/session7 --iterations -5", "session7: --iterations -5 is out of range" },
    { "session7/session7 --balance 1e3", "session7: invalid number '1e3' for --balance" },
    { "session7/session7 --kill-holder --csv", "session7: --kill-holder cannot be combined" },
    { "session7/session7 --kill-holder --schedule 1122", "session7: --kill-holder cannot be combined" },
    { "session7/session7 --csv --summary", "session7: --csv and --summary cannot be combined" },
    { "session7/session7 now", "session7: unexpected argument 'now'" },
    { "session7/session7 --nope", "session7: unknown or misused option '--nope'" },
    { "session7/session7 --schedule 2", "session7: --schedule '2' gives process 2 an odd number of steps (1)" },
    { "session7/session7 --schedule 1x", "session7: --schedule '1x': step 2 is 'x'" },
    { "session7/session7 --value-lock", "session7: unknown or misused option '--value-lock'" },
};

BAD_USAGE_TEST(bad_input_exits_2_with_one_line, bad_inputs)

/* The lock module in one process: held means busy, released means free. */
START_TEST(a_held_lock_is_busy_until_released)
{
    struct lock *l = shared_alloc(sizeof *l);
    enum lock_kind kind = (enum lock_kind)_i;
    int err;

    ck_assert_ptr_nonnull(l);
    ck_assert_str_eq(lock_kind_name(kind), kinds[_i]);
    ck_assert_str_eq(lock_kind_names[_i], kinds[_i]);
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

TEST_SUITE(session7)
{
    TCase *program = add_case(s, "program", 30, default_prints_ten_correct_balances,
                              kill_holder_with_a_robust_mutex_recovers,
                              a_waiting_process_runs_its_steps_after_the_release,
                              one_cpu_still_prints_ten_correct_balances,
                              verbose_tags_child_lines_with_pids, python_twin_prints_the_same,
                              help_lists_the_lock_kinds);
    TCase *unit = add_case(s, "lock", 5, NULL);

    tcase_add_loop_test(program, every_lock_kind_keeps_every_balance_right, 0, 3);
    tcase_add_loop_test(program, interleave_makes_p2_wait_for_the_lock, 0, 3);
    tcase_add_loop_test(program, kill_holder_with_a_lock_that_cannot_recover_exits_1, 0, 1);
    tcase_add_loop_test(program, kill_holder_with_a_lock_that_cannot_recover_exits_1, 2, 3);
    add_loop(program, every_schedule_ends_correct_with_every_lock, schedules);
    add_loop(program, bad_input_exits_2_with_one_line, bad_inputs);
    tcase_add_loop_test(unit, a_held_lock_is_busy_until_released, 0, 3);
}
