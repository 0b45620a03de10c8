/* test_hardening_faults.c - faults that must be reported as what happened, and the
 * bugs a careful reviewer would plant: a full /dev/shm, a deadlock detector
 * without /proc, a receiver killed under its sender, a checkout nobody may
 * write, an interrupted join, a parent that dies before its child looked.
 * docs/testing.md lists the fault classes and how each is tested. Cases
 * that need root features (mount namespaces, another user) skip with a note
 * when they are not available.
 */
#define _GNU_SOURCE             /* unshare, CLONE_NEWNS, prctl */

#include "die.h"
#include "frame.h"
#include "proc.h"
#include "testutil.h"    /* after die.h: Check defines a macro fail() */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int is_root(void)
{
    return geteuid() == 0;
}

/* ------------------------------------------------------- resource limits */

/* /dev/shm full: a private mount namespace gets a 4 KiB tmpfs on /dev/shm,
 * filled to the last byte, so nothing outside the test sees it. The named
 * segment is reserved with posix_fallocate, so the program says so in one
 * line instead of its child dying of SIGBUS on first touch. */
START_TEST(a_full_dev_shm_is_one_line_not_a_sigbus)
{
    struct run r;

    if (!is_root()) {
        fprintf(stderr, "faults: not root, /dev/shm full not tested (needs unshare -m)\n");
        return;
    }
    run_checked(&r, "/usr/bin/unshare -m /bin/sh -c 'mount --make-rprivate / && mount -t tmpfs "
                    "-o size=4k tmpfs /dev/shm && cat /dev/zero > /dev/shm/fill 2>/dev/null; "
                    "exec session2/session2 --named'", 1);
    ck_assert_str_eq(r.err, "session2: posix_fallocate: No space left on device\n");
    run_free(&r);
}
END_TEST

/* Six descriptors: the sockets of the lab take the two above 0-2 (and the
 * test's own /dev/null, left open in the program, one more), so
 * /proc/PID/stat cannot be opened. The detector still sees both processes
 * blocked (their CPU-time clocks stand still) and reports the deadlock. */
START_TEST(the_deadlock_is_reported_when_proc_cannot_be_read)
{
    struct run r;

    /* The budget of six is exact: under valgrind the test process, and so
     * the program it starts, does not have the same descriptors open. */
    if (under_a_memory_checker()) {
        printf("hardening: the six-descriptor budget is not tried under a memory checker\n");
        return;
    }
    run_cmd(&r, "/usr/bin/prlimit --nofile=6 session5/session5 --both-send 1000000");
    ck_assert_msg(!r.timed_out, "the detector never concluded");
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_msg(strncmp(r.err, "session5: deadlock: p1 and p2 are both blocked", 46) == 0,
                  "stderr '%s'", r.err);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* ------------------------------------------------------ random signals */

/* The receiver killed while the sender still sends: the news is the
 * receiver's death, not the sender's "send: Broken pipe". The test reads
 * nothing after the first received line, so both children soon block on
 * the full stdout pipe, the sender with most of its 100000 messages unsent
 * (more than the socket buffers hold): it is still sending when the
 * receiver dies. --verbose tags each line with the PID that printed it. */
START_TEST(a_killed_receiver_is_reported_not_the_senders_broken_pipe)
{
    enum { MESSAGES = 100000 };
    char **argv = argv_with_list("session5/session5 --verbose --", "m", MESSAGES);
    const char *line;
    struct spawned s;
    struct run r;
    long receiver = 0;

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    free(argv);
    ck_assert_int_eq(spawn_wait_for(&s, "Received the message: m  [pid ", RUN_TIMEOUT), 0);
    ck_assert_int_eq(spawn_wait_for(&s, ", parent", RUN_TIMEOUT), 0);
    line = strstr(s.out, "Received the message: m  [pid ");
    ck_assert_int_eq(sscanf(line, "Received the message: m  [pid %ld", &receiver), 1);
    ck_assert_int_eq(kill((pid_t)receiver, SIGKILL), 0);
    finish_checked(&s, RUN_TIMEOUT, &r, 1);
    ck_assert_str_eq(r.err, "session5: process p2 (receiver) was killed by SIGKILL\n");
    run_free(&r);
}
END_TEST

/* A stopped child when its program is killed by SIGKILL: its parent-death
 * signal must be SIGKILL, which ends a stopped process; a SIGTERM would
 * wait, pending, until someone continued it. The program here is a process
 * the test forks; its child says when it runs its function (so
 * proc_child_init is done) and gives its PID. */
static int ready_fd = -1;

static int say_ready_and_wait(void *arg)
{
    pid_t me = getpid();

    (void)arg;
    (void)!write(ready_fd, &me, sizeof me);
    for (;;)
        pause();
    return 0;           /* never reached */
}

START_TEST(a_stopped_child_dies_with_its_killed_parent)
{
    pid_t program, child;
    int fds[2], status;

    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    ck_assert_int_eq(pipe(fds), 0);
    ready_fd = fds[1];
    program = fork();
    ck_assert_int_ne(program, -1);
    if (program == 0) {
        if (proc_start(say_ready_and_wait, NULL) == -1)
            _exit(1);
        for (;;)
            pause();
    }
    ck_assert_int_eq(read(fds[0], &child, sizeof child), (ssize_t)sizeof child);
    ck_assert_int_eq(kill(child, SIGSTOP), 0);
    ck_assert_int_eq(wait_until_stopped(child, 5.0), 0);
    ck_assert_int_eq(kill(program, SIGKILL), 0);
    ck_assert_int_eq(waitpid(program, &status, 0), program);
    ck_assert_msg(wait_until_dead(&child, 1, 5.0) == 0, "the stopped child outlived its parent");
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

/* proc_terminate_all sends SIGCONT after SIGTERM: a stopped child then acts
 * on the SIGTERM (its handler runs and says so through a pipe) instead of
 * being killed with SIGKILL at the end of the grace. */
static int pipe_fd = -1;

static void say_term(int sig)
{
    (void)sig;
    (void)!write(pipe_fd, "T", 1);
    _exit(0);
}

static int wait_for_term(void *arg)
{
    (void)arg;
    signal(SIGTERM, say_term);
    (void)!write(pipe_fd, "R", 1);
    for (;;)
        pause();
    return 0;           /* never reached: SIGTERM's handler ends it */
}

START_TEST(a_stopped_child_is_continued_so_it_acts_on_sigterm)
{
    int fds[2];
    char got[2] = "";
    pid_t pid;

    ck_assert_int_eq(pipe(fds), 0);
    pipe_fd = fds[1];
    pid = proc_start(wait_for_term, NULL);
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(read(fds[0], got, 1), 1);      /* its handler is in place */
    ck_assert_int_eq(kill(pid, SIGSTOP), 0);
    ck_assert_int_eq(wait_until_stopped(pid, 5.0), 0);
    ck_assert_int_eq(proc_terminate_all(SIGTERM), 1);
    close(fds[1]);
    ck_assert_msg(read(fds[0], got, 1) == 1 && got[0] == 'T',
                  "the stopped child never ran its SIGTERM handler (no SIGCONT?)");
    close(fds[0]);
}
END_TEST

/* A second Ctrl-C during the grace must reach the handler at once
 * (SA_NODEFER): while the handler runs, its own signal is not blocked. The
 * child ignores SIGTERM, so the program's handler waits out its grace; the
 * child's SIGCONT handler (proc_terminate_all sends SIGCONT after SIGTERM)
 * stops the program right there, inside its handler, for the test to look
 * at its blocked mask (/proc/PID/status, SigBlk) without any race. */
static int grace_fd = -1;

static void stop_parent_in_its_grace(int sig)
{
    (void)sig;
    kill(getppid(), SIGSTOP);
    (void)!write(grace_fd, "C", 1);
}

static int ignore_sigterm_and_wait(void *arg)
{
    struct sigaction sa = { .sa_handler = stop_parent_in_its_grace };

    (void)arg;
    signal(SIGTERM, SIG_IGN);
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCONT, &sa, NULL);
    (void)!write(grace_fd, "R", 1);
    for (;;)
        pause();
    return 0;           /* never reached */
}

static int sigint_blocked(pid_t pid)
{
    char value[64];
    unsigned long long mask = 0;

    if (proc_status(pid, "SigBlk:", value, sizeof value) == 0)
        mask = strtoull(value, NULL, 16);
    return (int)((mask >> (SIGINT - 1)) & 1);
}

START_TEST(a_second_ctrl_c_during_the_grace_reaches_the_handler)
{
    pid_t program;
    int fds[2], status;
    char got = 0;

    ck_assert_int_eq(pipe(fds), 0);
    grace_fd = fds[1];
    program = fork();
    ck_assert_int_ne(program, -1);
    if (program == 0) {
        if (proc_cleanup_on_signals() == -1 || proc_start(ignore_sigterm_and_wait, NULL) == -1)
            _exit(1);
        for (;;)
            pause();
    }
    ck_assert_int_eq(read(fds[0], &got, 1), 1);
    ck_assert_int_eq(got, 'R');
    ck_assert_int_eq(kill(program, SIGINT), 0);
    ck_assert_int_eq(read(fds[0], &got, 1), 1);         /* in the grace, now stopped */
    ck_assert_int_eq(got, 'C');
    ck_assert_int_eq(wait_until_stopped(program, 5.0), 0);
    ck_assert_msg(!sigint_blocked(program),
                  "SIGINT is blocked inside its own handler: a second Ctrl-C waits out the grace");
    ck_assert_int_eq(kill(program, SIGINT), 0);
    ck_assert_int_eq(kill(program, SIGCONT), 0);
    ck_assert_int_eq(waitpid(program, &status, 0), program);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

/* A join interrupted by a signal whose handler does not restart calls
 * (no SA_RESTART) goes on waiting: EINTR is retried. The child sends the
 * signal only once its parent sleeps (in waitpid), so it lands inside it. */
static volatile sig_atomic_t interrupted;

static void note_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void start_interrupting_child(pid_t *pid)
{
    struct sigaction sa = { .sa_handler = note_signal };
    pid_t parent = getpid();

    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
    interrupted = 0;
    *pid = fork();
    ck_assert_int_ne(*pid, -1);
    if (*pid == 0) {
        while (process_state(parent) != 'S')
            continue;
        kill(parent, SIGUSR1);
        _exit(7);
    }
}

START_TEST(proc_join_and_join_any_retry_when_a_signal_interrupts_them)
{
    pid_t pid;
    int status = 0;

    start_interrupting_child(&pid);
    if (_i == 0) {
        ck_assert_int_eq(proc_track(pid), 0);
        ck_assert_msg(proc_join(pid, &status) == 0, "proc_join: %s", strerror(errno));
    } else {
        ck_assert_msg(proc_join_any(&status) == pid, "proc_join_any: %s", strerror(errno));
    }
    ck_assert(interrupted);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}
END_TEST

/* A parent that dies before its child asks for PR_SET_PDEATHSIG: the child
 * is re-parented, to init or to a subreaper (here the test itself), so the
 * check must be "is my parent still the one I had", not "is it PID 1". */
START_TEST(a_child_whose_parent_died_first_ends_also_under_a_subreaper)
{
    pid_t middle, child;
    int status, fds[2];

    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    ck_assert_int_eq(pipe(fds), 0);
    middle = fork();
    ck_assert_int_ne(middle, -1);
    if (middle == 0) {
        pid_t parent = getpid();

        child = fork();
        if (child == 0) {
            while (getppid() == parent)
                continue;               /* until the middle process is gone */
            proc_child_init(parent);
            _exit(0);                   /* it should not get here */
        }
        (void)!write(fds[1], &child, sizeof child);
        _exit(0);
    }
    close(fds[1]);
    ck_assert_int_eq(read(fds[0], &child, sizeof child), (ssize_t)sizeof child);
    close(fds[0]);
    ck_assert_int_eq(waitpid(middle, &status, 0), middle);
    ck_assert_int_eq(waitpid(child, &status, 0), child);   /* re-parented to us */
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
                  "the orphan went on (status 0x%x)", (unsigned)status);
}
END_TEST

/* ------------------------------------------------------- extremes */

/* A frame of exactly the limit is read; one byte over is refused. */
START_TEST(a_frame_of_exactly_the_limit_is_accepted_and_one_byte_over_refused)
{
    enum { LIMIT = 1000 };
    static char payload[LIMIT + 1];
    int sv[2];
    char *got;
    size_t len;

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    memset(payload, 'x', sizeof payload);
    ck_assert_int_eq(frame_send(sv[0], payload, LIMIT), 0);
    ck_assert_int_eq(frame_recv(sv[1], LIMIT, &got, &len), 1);
    ck_assert_uint_eq(len, LIMIT);
    free(got);
    ck_assert_int_eq(frame_send(sv[0], payload, LIMIT + 1), 0);
    ck_assert_int_eq(frame_recv(sv[1], LIMIT, &got, &len), -1);
    ck_assert_int_eq(errno, EMSGSIZE);
    close(sv[0]);
    close(sv[1]);
}
END_TEST

/* Only the message END ends the receiver: ENDING, END! and END with a
 * space are ordinary messages. */
START_TEST(only_the_exact_message_end_ends_the_receiver)
{
    char *argv[] = { "session5/session5", "ENDING", "END!", "END ", "last", "END", NULL };
    struct run r;

    run_argv(&r, argv);
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Received the message: ENDING\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "Received the message: END!\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "Received the message: END \n"));
    ck_assert_ptr_nonnull(strstr(r.out, "Received the message: last\n"));
    run_free(&r);
}
END_TEST

/* ------------------------------------------------------- the checkout */

/* make in a checkout this user cannot write: one line, exit 2, at once.
 * The user is nobody, in the tree as it is (owned by root). */
START_TEST(make_in_a_checkout_the_user_cannot_write_stops_with_one_line)
{
    struct run r;

    if (!is_root() || access("/usr/bin/setpriv", X_OK) != 0) {
        fprintf(stderr, "faults: not root, make as another user not tested\n");
        return;
    }
    /* Not the make that runs this test: none of its flags or jobserver. */
    run_cmd(&r, "/usr/bin/env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL /usr/bin/setpriv "
                "--reuid=nobody --regid=nogroup --clear-groups /usr/bin/make --no-print-directory");
    ck_assert_int_eq(run_exit_code(&r), 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_int_eq(count_lines(r.err), 1);
    ck_assert_msg(strstr(r.err, " is not writable by nobody") != NULL, "stderr '%s'", r.err);
    run_free(&r);
}
END_TEST

/* tools/setup hands apt-get each missing package as its own argument: a
 * copy of it beside a stand-in tools/packages (two packages missing) and a
 * stand-in apt-get on PATH that writes down how many arguments it got. */
START_TEST(setup_passes_each_package_as_its_own_argument)
{
    char dir[] = "/tmp/faults-setup-XXXXXX", cmd[1024], log[600], text[256] = "";
    struct run r;
    FILE *f;

    if (!is_root()) {
        fprintf(stderr, "faults: not root, tools/setup's install not tested\n");
        return;
    }
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "/bin/sh -c 'cp tools/setup %s/setup && "
             "printf \"#!/bin/sh\\necho pkg-one pkg-two\\n\" > %s/packages && "
             "printf \"#!/bin/sh\\necho \\$# \\\"\\$@\\\" >> %s/log\\n\" > %s/apt-get && "
             "chmod +x %s/packages %s/apt-get && PATH=%s:$PATH %s/setup %s/out.mk'",
             dir, dir, dir, dir, dir, dir, dir, dir, dir);
    run_cmd(&r, cmd);
    run_free(&r);
    snprintf(log, sizeof log, "%s/log", dir);
    f = fopen(log, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(text, sizeof text, f));
    fclose(f);
    snprintf(cmd, sizeof cmd, "/bin/rm -r %s", dir);
    run_cmd(&r, cmd);
    run_free(&r);
    /* install -y -qq --no-install-recommends pkg-one pkg-two: 6 arguments */
    ck_assert_str_eq(text, "6 install -y -qq --no-install-recommends pkg-one pkg-two\n");
}
END_TEST

TEST_SUITE(hardening_faults)
{
    TCase *tc = add_case(s, "faults", 60, a_full_dev_shm_is_one_line_not_a_sigbus,
                         the_deadlock_is_reported_when_proc_cannot_be_read,
                         a_killed_receiver_is_reported_not_the_senders_broken_pipe,
                         a_stopped_child_dies_with_its_killed_parent,
                         a_stopped_child_is_continued_so_it_acts_on_sigterm,
                         a_second_ctrl_c_during_the_grace_reaches_the_handler,
                         a_child_whose_parent_died_first_ends_also_under_a_subreaper,
                         a_frame_of_exactly_the_limit_is_accepted_and_one_byte_over_refused,
                         only_the_exact_message_end_ends_the_receiver,
                         make_in_a_checkout_the_user_cannot_write_stops_with_one_line,
                         setup_passes_each_package_as_its_own_argument);

    tcase_add_loop_test(tc, proc_join_and_join_any_retry_when_a_signal_interrupts_them, 0, 2);
}
