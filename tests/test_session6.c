/* test_session6.c - session6: the shape of its output, the forced schedules
 * of --schedule and --interleave (the lost update is certain there), the
 * synchronized Value of --value-lock, one CPU, and bad input. No test here
 * needs the free race to happen (or not): that would depend on luck. */
#define _GNU_SOURCE             /* sched_setaffinity, CPU_SET */
#include "args.h"
#include "bank.h"
#include "testutil.h"

#include <check.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* stderr is empty, or the one line saying the loops were made long because
 * the two processes could not run at once (a loaded machine can make the
 * start gate give up: that is not luck the test depends on, it is allowed). */
static void assert_quiet_or_serial_line(const char *err)
{
    if (err[0] == '\0')
        return;
    ck_assert_int_eq(count_lines(err), 1);
    ck_assert_msg(strstr(err, "so the two processes take turns") != NULL, "stderr: '%s'", err);
}

START_TEST(default_prints_ten_final_balances)
{
    struct run r;

    run_checked(&r, "session6/session6", 0);
    /* Whatever the schedule, each update moves the balance by 1 from some
     * value it had, so it stays within 100 +- the updates. */
    ck_assert_int_eq(count_balance_lines(r.out, "Final balance = %ld%c",
                                         100 - BANK_SERIAL_ITERATIONS,
                                         100 + BANK_SERIAL_ITERATIONS), 10);
    assert_quiet_or_serial_line(r.err);
    run_free(&r);
}
END_TEST

static const char tutorial_table[] =
    "P1 (withdraw)               | P2 (deposit)                | BALANCE\n"
    "                            |                             | 100\n"
    "read balance: 100           |                             | 100\n"
    "                            | read balance: 100           | 100\n"
    "write 100 - 1 = 99          |                             | 99\n"
    "                            | write 100 + 1 = 101         | 101\n"
    "Final balance = 101 (expected 100)\n";

START_TEST(interleave_loses_an_update_as_in_the_tutorial)
{
    assert_run("session6/session6 --interleave", 0, tutorial_table, NULL);
}
END_TEST

START_TEST(interleave_is_schedule_1212)
{
    assert_run("session6/session6 --schedule 1212", 0, tutorial_table, "");
}
END_TEST

START_TEST(interleave_is_the_same_every_run)
{
    struct run first, again;

    run_checked(&first, "session6/session6 --interleave --balance 7", 0);
    ck_assert_ptr_nonnull(strstr(first.out, "Final balance = 8 (expected 7)\n"));
    for (int i = 0; i < 5; i++) {
        run_cmd(&again, "session6/session6 --interleave --balance 7");
        ck_assert_str_eq(again.out, first.out);
        run_free(&again);
    }
    run_free(&first);
}
END_TEST

/* The tutorial's two "desired" tables: one update after the other. */
START_TEST(schedules_1122_and_2211_end_correct)
{
    assert_run("session6/session6 --schedule 1122", 0,
               "P1 (withdraw)               | P2 (deposit)                | BALANCE\n"
               "                            |                             | 100\n"
               "read balance: 100           |                             | 100\n"
               "write 100 - 1 = 99          |                             | 99\n"
               "                            | read balance: 99            | 99\n"
               "                            | write 99 + 1 = 100          | 100\n"
               "Final balance = 100 (expected 100)\n",
               NULL);
    assert_run("session6/session6 --schedule 2211", 0,
               "P1 (withdraw)               | P2 (deposit)                | BALANCE\n"
               "                            |                             | 100\n"
               "                            | read balance: 100           | 100\n"
               "                            | write 100 + 1 = 101         | 101\n"
               "read balance: 101           |                             | 101\n"
               "write 101 - 1 = 100         |                             | 100\n"
               "Final balance = 100 (expected 100)\n",
               NULL);
}
END_TEST

/* What a schedule must end with, worked out here independently: each
 * process alternates read (into its own copy) and write (copy -+ 1). */
static long expected_final(const char *steps, long balance)
{
    long copy[3] = { 0 };
    int done[3] = { 0 };

    for (const char *c = steps; *c != '\0'; c++) {
        int who = *c - '0';

        if (done[who]++ % 2 == 0)
            copy[who] = balance;
        else
            balance = copy[who] + (who == 1 ? -1 : 1);
    }
    return balance;
}

static const char *const schedules[] = {
    "1212", "1122", "2211", "2121", "1221", "2112",
    "122221",           /* P1's write erases two deposits: 99 */
    "12121212",         /* two withdrawals lost: 102 */
    "11221122112211221122",
    "1111111111222222222212121212121212121212",
};

START_TEST(every_schedule_ends_where_its_steps_say)
{
    char cmd[512], want[96], whole_updates[64];
    struct run r;
    int n = 0;

    /* The same updates, each whole (all of P1's, then P2's): where the
     * balance should end. */
    for (const char *c = schedules[_i]; *c != '\0'; c++)
        n += *c == '1';
    memset(whole_updates, '1', (size_t)n);
    memset(whole_updates + n, '2', strlen(schedules[_i]) - (size_t)n);
    whole_updates[strlen(schedules[_i])] = '\0';
    snprintf(cmd, sizeof cmd, "session6/session6 --schedule %s", schedules[_i]);
    snprintf(want, sizeof want, "Final balance = %ld (expected %ld)\n",
             expected_final(schedules[_i], 100), expected_final(whole_updates, 100));
    run_checked(&r, cmd, 0);
    /* The header, the start row, one row per step, the final line. */
    ck_assert_int_eq(count_lines(r.out), 2 + (int)strlen(schedules[_i]) + 1);
    ck_assert_msg(strstr(r.out, want) != NULL, "%s: wanted '%s' in\n%s", cmd, want, r.out);
    run_free(&r);
}
END_TEST

START_TEST(longest_schedule_is_played)
{
    char steps[BANK_MAX_STEPS + 1], cmd[BANK_MAX_STEPS + 64];
    char want[96];
    struct run r;

    /* 1122 repeated, then 12 pairs: 200 steps. */
    for (int i = 0; i < BANK_MAX_STEPS; i++) {
        const char *pattern = i < 100 ? "1122" : "1212";

        steps[i] = pattern[i % 4];
    }
    steps[BANK_MAX_STEPS] = '\0';
    snprintf(cmd, sizeof cmd, "session6/session6 --schedule %s --balance 0", steps);
    snprintf(want, sizeof want, "Final balance = %ld (expected 0)\n", expected_final(steps, 0));
    /* (each process has 100 steps: 50 updates each way, so 0 is expected) */
    run_checked(&r, cmd, 0);
    ck_assert_msg(strstr(r.out, want) != NULL, "wanted '%s'", want);
    run_free(&r);
}
END_TEST

/* Python's synchronized Value locks the read and the write separately: the
 * forced lost update happens exactly as without the lock. */
START_TEST(value_lock_still_loses_the_update)
{
    assert_run("session6/session6 --value-lock --interleave", 0,
               "P1 (withdraw)               | P2 (deposit)                | BALANCE\n"
               "                            |                             | 100\n"
               "locked read: 100            |                             | 100\n"
               "                            | locked read: 100            | 100\n"
               "locked write 100 - 1 = 99   |                             | 99\n"
               "                            | locked write 100 + 1 = 101  | 101\n"
               "Final balance = 101 (expected 100)\n",
               NULL);
}
END_TEST

START_TEST(value_lock_runs_the_trials)
{
    struct run r;

    run_checked(&r,
                "session6/session6 --value-lock --csv --trials 5 --iterations 1000 --balance 0",
                0);
    ck_assert_int_eq(count_balance_lines(r.out, "%ld%c", -1000, 1000), 5);
    run_free(&r);
}
END_TEST

START_TEST(csv_prints_one_number_per_trial)
{
    struct run r;

    run_checked(&r, "session6/session6 --csv --trials 4 --iterations 50 --balance 0", 0);
    ck_assert_int_eq(count_balance_lines(r.out, "%ld%c", -50, 50), 4);
    run_free(&r);
}
END_TEST

START_TEST(summary_follows_the_balances)
{
    struct run r;
    const char *block;
    long wrong, trials;

    run_checked(&r, "session6/session6 --summary --trials 3 --iterations 100", 0);
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

/* --verbose: each child's line names its own pid and the program's. */
START_TEST(verbose_tags_child_lines_with_pids)
{
    char *argv[] = { "session6/session6", "--verbose", "--trials", "2", NULL };
    struct spawned s;
    struct run r;
    int tagged = 0;

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    spawn_finish(&s, RUN_TIMEOUT, &r);
    ck_assert_int_eq(run_exit_code(&r), 0);
    for (const char *p = r.out; *p != '\0'; p = strchr(p, '\n') + 1) {
        long pid, parent;
        char who[3];

        if (sscanf(p, "p%*d (%2[a-z]%*[a-z]): pid %ld, parent pid %ld", who, &pid, &parent) == 3) {
            ck_assert_int_eq(parent, (long)s.pid);
            ck_assert_int_ne(pid, (long)s.pid);
            tagged++;
        }
    }
    ck_assert_int_eq(tagged, 4);
    ck_assert_int_eq(count_lines(r.out), 4 + 2);
    run_free(&r);
}
END_TEST

START_TEST(verbose_tags_schedule_rows)
{
    assert_prints("session6/session6 --verbose --schedule 1122", 0, "| 99  [pid ", ", parent ");
}
END_TEST

/* One CPU: the two processes can only take turns. The program must say so
 * and make its loops long (what it prints then is up to the scheduler, so
 * the test asserts the line and the lengths, not a wrong balance); the
 * forced schedule loses its update on one CPU as anywhere. */
static cpu_set_t cpus_before;

/* The test process's own CPUs are restored after each test, also when the
 * runner does not fork (CK_FORK=no, as under valgrind). */
static void save_cpus(void)
{
    ck_assert_int_eq(sched_getaffinity(0, sizeof cpus_before, &cpus_before), 0);
}

static void restore_cpus(void)
{
    sched_setaffinity(0, sizeof cpus_before, &cpus_before);
}

static void allow_one_cpu(void)
{
    cpu_set_t one;

    CPU_ZERO(&one);
    CPU_SET(0, &one);
    ck_assert_int_eq(sched_setaffinity(0, sizeof one, &one), 0);
}

START_TEST(one_cpu_makes_the_loops_long_and_says_so)
{
    struct run r;
    const char *block;

    allow_one_cpu();    /* this test's own process: the program inherits it */
    run_checked(&r, "session6/session6 --summary --trials 2", 0);
    ck_assert_int_eq(count_lines(r.err), 1);
    ck_assert_msg(strncmp(r.err, "session6: only one CPU is allowed to this program", 49) == 0,
                  "stderr: '%s'", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "each now runs 3000000 updates per trial"));
    block = strstr(r.out, "\n\nTrials:");
    ck_assert_ptr_nonnull(block);
    ck_assert_ptr_nonnull(strstr(block, "Trials:                    2 (3000000 updates each way"));
    run_free(&r);
}
END_TEST

START_TEST(one_cpu_with_iterations_keeps_them_and_warns)
{
    struct run r;

    allow_one_cpu();
    run_checked(&r, "session6/session6 --csv --trials 2 --iterations 100", 0);
    ck_assert_int_eq(count_balance_lines(r.out, "%ld%c", 0, 200), 2);
    ck_assert_int_eq(count_lines(r.err), 1);
    ck_assert_ptr_nonnull(strstr(r.err, "with --iterations 100 a process is rarely interrupted"));
    run_free(&r);
}
END_TEST

START_TEST(one_cpu_forced_schedule_still_loses_the_update)
{
    allow_one_cpu();
    assert_run("session6/session6 --interleave", 0, tutorial_table, "");
}
END_TEST

START_TEST(one_cpu_value_lock_makes_the_loops_long_too)
{
    struct run r;

    allow_one_cpu();
    run_checked(&r, "session6/session6 --value-lock --csv --trials 1", 0);
    ck_assert_int_eq(count_balance_lines(r.out, "%ld%c", 100 - BANK_SERIAL_ITERATIONS,
                                         100 + BANK_SERIAL_ITERATIONS), 1);
    ck_assert_ptr_nonnull(strstr(r.err, "each now runs 3000000 updates per trial"));
    run_free(&r);
}
END_TEST

/* make compare's table (mk/compare.awk) from two --summary blocks. */
static void write_summary(const char *path, long updates, long wrong, long min, long max)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fprintf(f, "Final balance = %ld\n\nTrials:                    4 (%ld updates each way per trial)\n"
            "Expected final balance:    100\nWrong final balances:      %ld of 4\n"
            "Smallest final balance:    %ld\nLargest final balance:     %ld\n"
            "Mean distance from it:     12.5\nTime per trial:            0.500 ms\n",
            min, updates, wrong, min, max);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(compare_table_puts_the_two_side_by_side)
{
    char racy[] = "/tmp/s67-racy-XXXXXX", locked[] = "/tmp/s67-locked-XXXXXX", cmd[256];

    ck_assert_int_ne(mkstemp(racy), -1);
    ck_assert_int_ne(mkstemp(locked), -1);
    write_summary(racy, 3000000, 3, -50, 150);
    write_summary(locked, 10000, 0, 100, 100);
    snprintf(cmd, sizeof cmd, "/usr/bin/awk -f mk/compare.awk %s %s", racy, locked);
    assert_prints(cmd, 0, "updates per process               3000000              10000\n",
                  "correct                                 1                  4\n",
                  "min final balance                     -50                100\n",
                  "(session6 ran longer loops: its two processes could not run at once");
    unlink(racy);
    unlink(locked);
}
END_TEST

HELP_TEST(help_lists_every_option, "session6/session6",
          "--trials=N", "--iterations=N", "--balance=N", "--summary", "--csv", "--verbose",
          "--schedule=STEPS", "--interleave", "--value-lock", "at most 200 steps", "taskset")

static const struct bad_usage bad_inputs[] = {
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
    { "session6/session6 --verbose --csv", "session6: --csv and --verbose cannot be combined" },
    { "session6/session6 --interleave --csv", "session6: --schedule and --interleave print their own table" },
    { "session6/session6 --schedule 1122 --trials 3", "session6: --schedule and --interleave play one trial" },
    { "session6/session6 --schedule 121", "session6: --schedule '121' gives process 2 an odd number of steps (1)" },
    { "session6/session6 --schedule 122", "session6: --schedule '122' gives process 1 an odd number of steps (1)" },
    { "session6/session6 --schedule 1a12", "session6: --schedule '1a12': step 2 is 'a' (accepted: only 1 and 2" },
    { "session6/session6 --schedule=", "session6: --schedule needs at least one step" },
    { "session6/session6 --schedule 1122 --schedule 1212", "session6: only one --schedule" },
    { "session6/session6 --schedule", "session6: option '--schedule' needs a value" },
};

BAD_USAGE_TEST(bad_input_exits_2_with_one_line, bad_inputs)

START_TEST(too_long_a_schedule_is_bad_input)
{
    char cmd[BANK_MAX_STEPS + 64];
    int n = snprintf(cmd, sizeof cmd, "session6/session6 --schedule ");

    for (int i = 0; i < BANK_MAX_STEPS + 2; i++)
        cmd[n + i] = '1';
    cmd[n + BANK_MAX_STEPS + 2] = '\0';
    assert_bad_usage(cmd, "session6: --schedule has 202 steps, at most 200 are accepted");
}
END_TEST

/* The Python twin: the tutorial's program, whose balances may or may not
 * be wrong under CPython; ten lines either way. */
START_TEST(python_twin_prints_ten_final_balances)
{
    struct run r;

    if (!run_twin(&r, "session6/session6.py"))
        return;
    ck_assert_int_eq(count_balance_lines(r.out, "Final balance = %ld%c", 100 - 10000, 100 + 10000), 10);
    run_free(&r);
}
END_TEST

/* The machinery in session6/bank.c, without running a program. */
START_TEST(read_then_write_is_two_steps_that_can_lose_an_update)
{
    struct options o;
    struct account *acc;
    long p1_current, p2_current;

    bank_options_init(&o);
    acc = account_new(&o);
    ck_assert_ptr_nonnull(acc);
    ck_assert_int_eq(balance_read(acc), 100);
    p1_current = balance_read(acc);     /* the tutorial's schedule, in one process */
    p2_current = balance_read(acc);
    balance_write(acc, p1_current - 1);
    balance_write(acc, p2_current + 1);
    ck_assert_int_eq(balance_read(acc), 101);
    account_free(acc);
}
END_TEST

START_TEST(options_are_parsed_from_one_table)
{
    char *argv[] = { "session6", "--trials", "25", "--balance=7", "--summary", NULL };
    char *too_much[] = { "session6", "--balance=1000000001", NULL };
    struct options o;
    const struct arg_option rows[] = { BANK_OPTION_ROWS(&o), { 0 } };
    const struct arg_table table = { "", rows, 23, 0, "", NULL };
    char msg[256];

    bank_options_init(&o);
    ck_assert_int_eq(o.trials, 10);
    ck_assert_int_eq(o.iterations, 10000);
    ck_assert_int_eq(o.balance, 100);
    optind = 0;
    ck_assert_int_eq(arg_parse(5, argv, &table, &o, msg, sizeof msg), 0);
    ck_assert_int_eq(o.trials, 25);
    ck_assert_int_eq(o.balance, 7);
    ck_assert_int_eq(o.summary, 1);
    ck_assert_ptr_null(o.schedule);
    optind = 0;
    ck_assert_int_eq(arg_parse(2, too_much, &table, &o, msg, sizeof msg), -1);
    ck_assert_str_eq(msg, "--balance 1000000001 is out of range (accepted: 0..1000000000)");
    ck_assert_int_eq(bank_set_interleave(&o, NULL, msg, sizeof msg), 0);
    ck_assert_str_eq(o.schedule, "1212");
}
END_TEST

/* The shared rules: --csv with --summary or --verbose, --schedule or
 * --interleave with --csv, --summary, --trials or --iterations. */
static struct {                 /* not const: getopt may permute argv */
    int argc;
    char *argv[4];
    const char *msg;
} bank_rule_lines[] = {
    { 3, { "session6", "--csv", "--verbose" }, "--csv and --verbose cannot be combined" },
    { 3, { "session6", "--interleave", "--summary" }, "--schedule and --interleave print" },
    { 3, { "session6", "--schedule=1122", "--trials=2" }, "--trials and --iterations do not" },
    { 3, { "session6", "--interleave", "--balance=5" }, NULL },
};

START_TEST(shared_options_that_do_not_go_together_are_refused)
{
    struct options o;
    const struct arg_option rows[] = { BANK_OPTION_ROWS(&o), { 0 } };
    const struct arg_rule rules[] = { BANK_RULES, { 0 } };
    const struct arg_table table = { "", rows, 23, 0, "", rules };
    char msg[256] = "";

    bank_options_init(&o);
    optind = 0;
    if (bank_rule_lines[_i].msg == NULL) {
        ck_assert_int_eq(arg_parse(bank_rule_lines[_i].argc, bank_rule_lines[_i].argv, &table,
                                   &o, msg, sizeof msg), 0);
    } else {
        ck_assert_int_eq(arg_parse(bank_rule_lines[_i].argc, bank_rule_lines[_i].argv, &table,
                                   &o, msg, sizeof msg), -1);
        ck_assert_ptr_nonnull(strstr(msg, bank_rule_lines[_i].msg));
    }
}
END_TEST

START_TEST(schedule_strings_are_checked)
{
    char msg[256];

    ck_assert_int_eq(bank_check_schedule("1212", msg, sizeof msg), 0);
    ck_assert_int_eq(bank_check_schedule("11", msg, sizeof msg), 0);
    ck_assert_int_eq(bank_check_schedule("", msg, sizeof msg), -1);
    ck_assert_int_eq(bank_check_schedule("1", msg, sizeof msg), -1);
    ck_assert_int_eq(bank_check_schedule("1 2", msg, sizeof msg), -1);
    ck_assert_int_eq(bank_check_schedule("1230", msg, sizeof msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "step 3 is '3'"));
}
END_TEST

/* The start gate gives up in trial 2 of 3 (set here by hand, as a loaded
 * machine would): trials 1-2 ran the short loops, trial 3 the long ones,
 * and --summary says so instead of claiming one length for all three. */
START_TEST(summary_counts_the_trials_before_the_loops_were_made_long)
{
    struct options o;
    struct account *acc;
    char out[1024] = "", path[] = "/tmp/summary-XXXXXX";
    int fd = mkstemp(path), saved = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
    ssize_t n;

    ck_assert(fd >= 0 && saved >= 0 && saved_err >= 0);
    unlink(path);
    bank_options_init(&o);
    o.summary = 1;
    o.trials = 3;
    o.lengthen_when_serial = 0;     /* bank_begin: however many CPUs this test has */
    ck_assert_ptr_null(bank_begin(&o));
    o.lengthen_when_serial = 1;
    acc = account_new(&o);
    ck_assert_ptr_nonnull(acc);
    fflush(stdout);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    bank_print_final(&o, acc);
    atomic_store(&acc->gate_gave_up, 1);
    bank_print_final(&o, acc);
    bank_print_final(&o, acc);
    bank_end(&o);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved);
    close(saved_err);
    n = pread(fd, out, sizeof out - 1, 0);
    close(fd);
    account_free(acc);
    ck_assert(n > 0);
    ck_assert_msg(strstr(out, "Trials:                    3 (10000 updates each way in the "
                         "first 2, 3000000 in the other 1)\n") != NULL, "output: '%s'", out);
    ck_assert_msg(strstr(out, "the start gate never saw both processes running at once") != NULL,
                  "output: '%s'", out);
}
END_TEST

TEST_SUITE(session6)
{
    TCase *program = add_case(s, "program", 30, default_prints_ten_final_balances,
                              value_lock_runs_the_trials, csv_prints_one_number_per_trial,
                              summary_follows_the_balances, verbose_tags_child_lines_with_pids,
                              help_lists_every_option, too_long_a_schedule_is_bad_input,
                              python_twin_prints_ten_final_balances,
                              compare_table_puts_the_two_side_by_side);
    TCase *schedule = add_case(s, "schedule", 30, interleave_loses_an_update_as_in_the_tutorial,
                               interleave_is_schedule_1212, interleave_is_the_same_every_run,
                               schedules_1122_and_2211_end_correct, longest_schedule_is_played,
                               value_lock_still_loses_the_update, verbose_tags_schedule_rows);
    TCase *one_cpu = add_case(s, "one_cpu", 60, one_cpu_makes_the_loops_long_and_says_so,
                              one_cpu_with_iterations_keeps_them_and_warns,
                              one_cpu_forced_schedule_still_loses_the_update,
                              one_cpu_value_lock_makes_the_loops_long_too);
    TCase *bank = add_case(s, "bank", 5, read_then_write_is_two_steps_that_can_lose_an_update,
                           options_are_parsed_from_one_table, schedule_strings_are_checked,
                           summary_counts_the_trials_before_the_loops_were_made_long);

    add_loop(program, bad_input_exits_2_with_one_line, bad_inputs);
    add_loop(schedule, every_schedule_ends_where_its_steps_say, schedules);
    add_loop(bank, shared_options_that_do_not_go_together_are_refused, bank_rule_lines);
    tcase_add_checked_fixture(one_cpu, save_cpus, restore_cpus);
}
