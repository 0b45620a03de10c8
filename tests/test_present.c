/* test_present.c - make present, the walkthrough for a projector
 * (tools/present): straight through without a terminal, paced by keys on one.
 * The terminal is a real pseudo-terminal (what tmux gives a program), so
 * the script's `read` waits exactly as it would in front of a class.
 */
#define _XOPEN_SOURCE 600       /* posix_openpt, grantpt, unlockpt, ptsname */
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

START_TEST(without_a_terminal_it_runs_every_session_straight_through)
{
    struct run r;
    char heading[32];

    run_checked(&r, "tools/present", 0);
    for (int n = 1; n <= 8; n++) {
        snprintf(heading, sizeof heading, "==> session%d: ", n);
        ck_assert_msg(strstr(r.out, heading) != NULL, "no heading for session%d", n);
    }
    ck_assert_ptr_nonnull(strstr(r.out, "$ session6/session6\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "What to look for:"));
    ck_assert_ptr_null(strstr(r.out, "-- Enter"));     /* it never waited */
    ck_assert_ptr_null(strchr(r.out, '\033'));          /* no colour into a pipe */
    run_free(&r);
}
END_TEST

START_TEST(from_starts_at_a_session_and_rejects_others)
{
    struct run r;

    run_checked(&r, "tools/present 7", 0);
    ck_assert_ptr_null(strstr(r.out, "==> session6:"));
    ck_assert_ptr_nonnull(strstr(r.out, "==> session7:"));
    ck_assert_ptr_nonnull(strstr(r.out, "==> session8:"));
    run_free(&r);
    run_checked(&r, "tools/present 9", 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_ptr_nonnull(strstr(r.err, "FROM=9 is not a session number"));
    run_free(&r);
}
END_TEST

/* tools/present FROM on a pseudo-terminal, NO_COLOR set (pty_start) or
 * TERM set to `term` and NO_COLOR unset (pty_start_with). */
struct pty_run {
    pid_t pid;
    int master;
    char out[65536];
    size_t len;
};

static void pty_start_with(struct pty_run *p, const char *from, const char *term)
{
    char *slave;

    memset(p, 0, sizeof *p);
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(p->master, 0);
    ck_assert_int_eq(grantpt(p->master), 0);
    ck_assert_int_eq(unlockpt(p->master), 0);
    slave = ptsname(p->master);
    ck_assert_ptr_nonnull(slave);
    p->pid = fork();
    ck_assert_int_ge(p->pid, 0);
    if (p->pid == 0) {
        int fd;

        setsid();
        fd = open(slave, O_RDWR);       /* becomes the controlling terminal */
        if (fd < 0)
            _exit(126);
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        close(p->master);
        if (term == NULL) {
            setenv("NO_COLOR", "1", 1);
        } else {
            unsetenv("NO_COLOR");
            setenv("TERM", term, 1);
        }
        execl("tools/present", "tools/present", from, (char *)NULL);
        _exit(127);
    }
}

static void pty_start(struct pty_run *p, const char *from)
{
    pty_start_with(p, from, NULL);
}

/* Reads the terminal until its output (from offset on) holds text. 0, or
 * -1 after 20 s or when the program ended first. */
static int pty_wait_after(struct pty_run *p, size_t offset, const char *text)
{
    struct timespec start, now;

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (strstr(p->out + offset, text) == NULL) {
        struct pollfd pfd = { .fd = p->master, .events = POLLIN };
        ssize_t n;

        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 20)
            return -1;
        if (poll(&pfd, 1, 1000) <= 0)
            continue;
        n = read(p->master, p->out + p->len, sizeof p->out - 1 - p->len);
        if (n <= 0)
            return -1;  /* EIO: every slave end closed, the program ended */
        p->len += (size_t)n;
        p->out[p->len] = '\0';
    }
    return 0;
}

static int pty_wait_for(struct pty_run *p, const char *text)
{
    return pty_wait_after(p, 0, text);
}

static int pty_finish(struct pty_run *p)
{
    int status;

    while (pty_wait_for(p, "\001never\001") == 0)
        continue;       /* drain until the program closes the terminal */
    ck_assert_int_eq(waitpid(p->pid, &status, 0), p->pid);
    close(p->master);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(on_a_terminal_it_waits_for_enter_before_the_next_session)
{
    struct pty_run p;

    pty_start(&p, "7");
    ck_assert_msg(pty_wait_for(&p, "-- Enter: session 8") == 0, "no prompt: '%s'", p.out);
    ck_assert_ptr_nonnull(strstr(p.out, "==> session7:"));
    ck_assert_ptr_null(strstr(p.out, "==> session8:"));  /* it is waiting */
    ck_assert_int_eq(write(p.master, "\r", 1), 1);
    ck_assert_msg(pty_wait_for(&p, "==> session8:") == 0, "no session8 after Enter");
    /* The last session waits too, so that b can still go back from it. */
    ck_assert_msg(pty_wait_for(&p, "-- the end") == 0, "no end prompt: '%s'", p.out);
    ck_assert_int_eq(write(p.master, "\r", 1), 1);
    ck_assert_int_eq(pty_finish(&p), 0);
}
END_TEST

START_TEST(on_a_terminal_b_goes_back_and_q_quits)
{
    struct pty_run p;
    const char *back;

    pty_start(&p, "7");
    ck_assert_int_eq(pty_wait_for(&p, "-- Enter: session 8"), 0);
    ck_assert_int_eq(write(p.master, "b", 1), 1);
    ck_assert_int_eq(pty_wait_for(&p, "==> session6:"), 0);
    ck_assert_int_eq(pty_wait_for(&p, "-- Enter: session 7"), 0);
    back = strstr(p.out, "==> session6:");
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(write(p.master, "q", 1), 1);
    ck_assert_int_eq(pty_finish(&p), 0);
    ck_assert_ptr_null(strstr(back, "==> session7:"));  /* quit, not next */
    ck_assert_ptr_null(strstr(p.out, "==> session8:"));
}
END_TEST

/* A terminal that says it cannot do escape sequences (TERM=dumb, as in an
 * Emacs shell buffer) gets none: no colour, no clearing, while a TERM that
 * can gets colour (so the test can tell). */
START_TEST(on_a_dumb_terminal_there_is_no_escape_sequence)
{
    struct pty_run p;

    pty_start_with(&p, "8", "dumb");
    ck_assert_int_eq(pty_wait_for(&p, "-- the end"), 0);
    ck_assert_int_eq(write(p.master, "q", 1), 1);
    ck_assert_int_eq(pty_finish(&p), 0);
    ck_assert_msg(strchr(p.out, '\033') == NULL, "TERM=dumb got an escape sequence");
    pty_start_with(&p, "8", "xterm");
    ck_assert_int_eq(pty_wait_for(&p, "-- the end"), 0);
    ck_assert_int_eq(write(p.master, "q", 1), 1);
    ck_assert_int_eq(pty_finish(&p), 0);
    ck_assert_msg(strchr(p.out, '\033') != NULL, "TERM=xterm got no colour");
}
END_TEST

/* b on the first session stays there: there is no session before 1. */
START_TEST(on_a_terminal_b_on_the_first_session_stays_on_it)
{
    struct pty_run p;
    size_t again;

    pty_start(&p, "1");
    ck_assert_int_eq(pty_wait_for(&p, "-- Enter: session 2"), 0);
    again = p.len;
    ck_assert_int_eq(write(p.master, "b", 1), 1);
    ck_assert_msg(pty_wait_after(&p, again, "-- Enter: session") == 0, "no prompt after b: '%s'",
                  p.out + again);
    ck_assert_int_eq(write(p.master, "q", 1), 1);
    ck_assert_int_eq(pty_finish(&p), 0);
    ck_assert_msg(strstr(p.out, "==> session0") == NULL
                  && strstr(p.out + again, "==> session1:") != NULL,
                  "b on session 1 did not stay on it: '%s'", p.out + again);
}
END_TEST

Suite *suite_present(void)
{
    Suite *s = suite_create("present");
    add_case(s, "walkthrough", 60, without_a_terminal_it_runs_every_session_straight_through,
             from_starts_at_a_session_and_rejects_others,
             on_a_terminal_it_waits_for_enter_before_the_next_session,
             on_a_terminal_b_goes_back_and_q_quits,
             on_a_dumb_terminal_there_is_no_escape_sequence,
             on_a_terminal_b_on_the_first_session_stays_on_it);

    return s;
}
