/* test_hardening_inherit.c - what a program inherits from whoever started it: signals
 * ignored (nohup, a background job of a non-interactive shell), SIGCHLD
 * ignored by a parent that then exec'd the program, signals blocked in the
 * mask. coreutils' env(1) sets each of these up and execs the program, the
 * way a shell or a supervisor would. docs/testing.md, "What a program
 * inherits", says what each program must do.
 */
#include "testutil.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ENV "/usr/bin/env"

/* Runs that have children for minutes: once a child exists, the program's
 * set-up (its signal handlers) is done. */
static const char *const long_runs[] = {
    "session4/session4 --producers 2 --consumers 1 --count 25000000 --maxsize 1",
    "session6/session6 --trials 100000",
    "session7/session7 --trials 100000",
    "session8/session8 --range 10000000",
    "session3/session3 --bench 10000000",
};
#define LONG_RUNS (int)(sizeof long_runs / sizeof long_runs[0])

/* Each program's default run, which prints the tutorial's output. */
static const char *const default_runs[] = {
    "session1/session1", "session1/session1 --start spawn", "session2/session2",
    "session2/session2 --named", "session3/session3", "session4/session4",
    "session5/session5", "session6/session6", "session7/session7", "session8/session8",
};
#define DEFAULT_RUNS (int)(sizeof default_runs / sizeof default_runs[0])

/* The signal masks Linux shows in /proc/PID/status ("SigIgn:\t...", hex). */
static unsigned long long signal_mask(pid_t pid, const char *field)
{
    char path[64], line[256];
    unsigned long long mask = 0;
    size_t len = strlen(field);
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, field, len) == 0 && line[len] == ':')
            mask = strtoull(line + len + 1, NULL, 16);
    fclose(f);
    return mask;
}

static int in_mask(unsigned long long mask, int sig)
{
    return (int)((mask >> (sig - 1)) & 1);
}

static void start_under_env(struct spawned *s, const char *env_option, const char *cmd)
{
    char line[512], *words[32], *storage;

    snprintf(line, sizeof line, ENV " %s %s", env_option, cmd);
    split_cmdline(line, words, 32, &storage);
    ck_assert_msg(access(words[2], X_OK) == 0, "%s is not built", words[2]);
    ck_assert_int_eq(spawn_start(s, words), 0);
    free(storage);
}

/* nohup ignores SIGHUP, a shell ignores SIGINT in a background job: the
 * program and every child it starts keep them ignored (no handler replaces
 * SIG_IGN), and SIGTERM, which was not ignored, still stops the run with
 * 143 and reaps every child. */
START_TEST(signals_ignored_on_entry_stay_ignored_in_the_program_and_its_children)
{
    const char *cmd = long_runs[_i];
    pid_t kids[64];
    struct spawned s;
    struct run r;
    int n;

    start_under_env(&s, "--ignore-signal=HUP,INT", cmd);
    ck_assert_msg(wait_for_children(s.pid, 1, RUN_TIMEOUT) == 0, "%s never started a child", cmd);
    n = children_of(s.pid, kids, 64);
    for (int i = -1; i < n && i < 64; i++) {
        pid_t pid = i < 0 ? s.pid : kids[i];
        unsigned long long ign = signal_mask(pid, "SigIgn");

        if (process_state(pid) == '?' || process_state(pid) == 'Z')
            continue;           /* a worker that just ended */
        ck_assert_msg(in_mask(ign, SIGHUP) && in_mask(ign, SIGINT),
                      "%s: process %ld (%s) does not ignore SIGHUP and SIGINT (SigIgn %llx)",
                      cmd, (long)pid, i < 0 ? "the program" : "a child", ign);
    }
    /* Ignored signals are discarded when sent: no race with what follows. */
    ck_assert_int_eq(kill(s.pid, SIGHUP), 0);
    ck_assert_int_eq(kill(s.pid, SIGINT), 0);
    ck_assert_int_eq(kill(s.pid, SIGTERM), 0);
    spawn_finish(&s, RUN_TIMEOUT, &r);
    ck_assert_msg(run_exit_code(&r) == 143, "%s: status 0x%x (129 or 130: a signal ignored on "
                  "entry ended it), stderr '%s'", cmd, (unsigned)r.status, r.err);
    ck_assert_msg(r.strays == 0, "%s left %d processes", cmd, r.strays);
    run_free(&r);
}
END_TEST

/* A parent that set SIGCHLD to SIG_IGN and exec'd the program: the kernel
 * would reap every child at once and waitpid() fail with ECHILD. Each
 * program puts SIGCHLD back to its default and prints what it prints
 * without that inheritance. */
START_TEST(sigchld_ignored_on_entry_is_reset_so_children_can_be_joined)
{
    const char *cmd = default_runs[_i];
    struct run plain, inherited;
    char line[256];

    run_cmd(&plain, cmd);
    snprintf(line, sizeof line, ENV " --ignore-signal=CHLD %s", cmd);
    run_cmd(&inherited, line);
    ck_assert_msg(run_exit_code(&inherited) == 0, "%s with SIGCHLD ignored: status 0x%x, stderr '%s'",
                  cmd, (unsigned)inherited.status, inherited.err);
    /* (session6 and 7 may add their note about a busy machine on stderr) */
    ck_assert_msg(strstr(inherited.err, "No child processes") == NULL, "stderr '%s'", inherited.err);
    ck_assert_int_eq(count_lines(inherited.out), count_lines(plain.out));
    ck_assert_int_eq(inherited.strays, 0);
    run_free(&plain);
    run_free(&inherited);
}
END_TEST

/* A mask inherited with SIGINT, SIGTERM and SIGHUP blocked: the program
 * that stops its children on them takes them (unblocks them), so SIGTERM
 * still ends the run with 143 instead of waiting, pending, for ever. */
START_TEST(a_blocked_mask_on_entry_does_not_hold_off_sigterm)
{
    const char *cmd = long_runs[_i];
    struct spawned s;
    struct run r;

    start_under_env(&s, "--block-signal=INT,TERM,HUP", cmd);
    ck_assert_msg(wait_for_children(s.pid, 1, RUN_TIMEOUT) == 0, "%s never started a child", cmd);
    ck_assert_int_eq(kill(s.pid, SIGTERM), 0);
    spawn_finish(&s, RUN_TIMEOUT, &r);
    ck_assert_msg(!r.timed_out && run_exit_code(&r) == 143, "%s: status 0x%x, stderr '%s'",
                  cmd, (unsigned)r.status, r.err);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* Started with SIGPIPE ignored and nobody reading stdout, each program gets
 * EPIPE and ends as a program of a pipeline does, quietly, as if killed by
 * SIGPIPE: exit status 141, no line (die_reader_gone), also when the writer
 * is a child started with exec (session1 --start spawn): SIG_IGN survives
 * exec. A death *by* SIGPIPE would mean a handler or the default action had
 * replaced the SIG_IGN the program was given. */
START_TEST(sigpipe_ignored_on_entry_stays_ignored_and_the_end_is_quiet)
{
    const char *cmd = default_runs[_i];
    struct run r;
    char line[256];

    snprintf(line, sizeof line, ENV " --ignore-signal=PIPE %s", cmd);
    run_cmd_stdout(&r, line, STDOUT_READER_GONE);
    ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 128 + SIGPIPE,
                  "%s: status 0x%x (a death by SIGPIPE: its SIG_IGN was replaced), stderr '%s'",
                  cmd, (unsigned)r.status, r.err);
    /* No line about it (session6 and 7 may add their note on a busy
     * machine, which is not about the failure). */
    ck_assert_msg(strstr(r.err, "write error") == NULL, "%s: stderr '%s'", cmd, r.err);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

TEST_SUITE(hardening_inherit)
{
    TCase *tc = add_case(s, "inherit", 60, NULL);

    tcase_add_loop_test(tc, signals_ignored_on_entry_stay_ignored_in_the_program_and_its_children,
                        0, LONG_RUNS);
    tcase_add_loop_test(tc, sigchld_ignored_on_entry_is_reset_so_children_can_be_joined,
                        0, DEFAULT_RUNS);
    tcase_add_loop_test(tc, a_blocked_mask_on_entry_does_not_hold_off_sigterm, 0, LONG_RUNS);
    tcase_add_loop_test(tc, sigpipe_ignored_on_entry_stays_ignored_and_the_end_is_quiet,
                        0, DEFAULT_RUNS);
}
