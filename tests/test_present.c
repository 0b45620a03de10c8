/* test_present.c - make present, the walkthrough for a projector
 * (tools/present, tools/screens): straight through without a terminal, paced
 * by keys on one. The terminal is a real pseudo-terminal of 100 columns by 36
 * rows (what tmux gives a program), so the script's `read` waits exactly as
 * it would in front of a class, and the keys are the bytes a terminal sends.
 */
#define _XOPEN_SOURCE 700       /* posix_openpt, grantpt, unlockpt, ptsname */
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N_SCREENS 14
#define COLUMNS 100
#define ROWS 36

/* The screens of one session, from its heading to the next heading. */
static char *screen_of(const char *out, const char *heading)
{
    const char *at = strstr(out, heading), *end;

    ck_assert_msg(at != NULL, "no screen '%s'", heading);
    end = strstr(at + 1, "==> ");
    return strndup(at, end != NULL ? (size_t)(end - at) : strlen(at));
}

/* The labels choose the lines: session6 shows the Python update and both
 * C steps, session7 the lock around them, on both sides. */
static void assert_race_and_lock_shown(const char *out)
{
    static const char *const six[] = {
        "balance.value = balance.value - 1", "long current = balance_read(args->balance);",
        "balance_write(args->balance, current - 1);", NULL,
    };
    static const char *const seven[] = {
        "lock.acquire()", "lock.release()", "lock_acquire_or_die(args->lock);",
        "lock_release_or_die(args->lock);", "balance_write(args->balance, current - 1);", NULL,
    };
    char *screen = screen_of(out, "==> session6: ");

    for (int i = 0; six[i] != NULL; i++)
        ck_assert_msg(strstr(screen, six[i]) != NULL, "session6's screen lacks '%s'", six[i]);
    ck_assert_ptr_null(strstr(screen, "line:"));        /* the labels are not shown */
    free(screen);
    screen = screen_of(out, "==> session7: ");
    for (int i = 0; seven[i] != NULL; i++)
        ck_assert_msg(strstr(screen, seven[i]) != NULL, "session7's screen lacks '%s'", seven[i]);
    free(screen);
}

START_TEST(without_a_terminal_it_runs_every_screen_straight_through)
{
    static const char *const headings[] = {
        "==> session1: ", "==> session2: ", "==> session3: ", "==> session4: ",
        "==> session5: ", "==> session6: ", "==> session6 --schedule 1212: ",
        "==> session6 --schedule 1122: ", "==> session6 --schedule 2211: ",
        "==> session6 --explore 3: ", "==> session7: ", "==> session7 --deadlock: ",
        "==> session7 --deadlock --ordered: ", "==> session8: ",
    };
    struct run r;
    const char *at;

    run_cmd_timeout(&r, "tools/present", 60);
    ck_assert_msg(run_exit_code(&r) == 0, "exit %d: %s", run_exit_code(&r), r.err);
    at = r.out;
    for (size_t i = 0; i < sizeof headings / sizeof headings[0]; i++) {
        at = strstr(at, headings[i]);
        ck_assert_msg(at != NULL, "no '%s' after the screen before it", headings[i]);
    }
    ck_assert_ptr_nonnull(strstr(r.out, "$ session6/session6 --schedule 2211\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "Look for:"));
    ck_assert_ptr_null(strstr(r.out, "/14 "));          /* it never waited */
    ck_assert_ptr_null(strchr(r.out, '\033'));          /* no colour into a pipe */
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(r.strays, 0);
    assert_race_and_lock_shown(r.out);
    run_free(&r);
}
END_TEST

START_TEST(a_missing_label_is_an_error)
{
    struct run r;

    run_cmd(&r, "/bin/bash -c '. tools/screens; cite session6/session6.c no-such-label'");
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_str_eq(r.out, "");
    ck_assert_ptr_nonnull(strstr(r.err, "session6/session6.c has no line:no-such-label"));
    run_free(&r);
    run_cmd(&r, "/bin/bash -c '. tools/screens; cite session6/session6.c write..read'");
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_ptr_nonnull(strstr(r.err, "has no line:read after line:write"));
    run_free(&r);
}
END_TEST

START_TEST(from_starts_at_a_session_and_rejects_others)
{
    struct run r;

    run_cmd_timeout(&r, "tools/present 7", 60);
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_ptr_null(strstr(r.out, "==> session6"));
    ck_assert_ptr_nonnull(strstr(r.out, "==> session7: "));
    ck_assert_ptr_nonnull(strstr(r.out, "==> session8: "));
    run_free(&r);
    run_cmd(&r, "tools/present 9");
    ck_assert_int_eq(run_exit_code(&r), 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_ptr_nonnull(strstr(r.err, "FROM=9 is not a session number"));
    run_free(&r);
}
END_TEST

/* tools/present FROM on a pseudo-terminal of 100 columns by 36 rows, with
 * TERM=term, and NO_COLOR set when no_color. */
struct pty_run {
    pid_t pid;
    int master;
    char out[1 << 18];
    size_t len;
    size_t seen;            /* how far pty_next_prompt has looked */
};

static void pty_start_with(struct pty_run *p, const char *from, const char *term, int no_color)
{
    struct winsize size = { .ws_row = ROWS, .ws_col = COLUMNS };
    char *slave;

    memset(p, 0, sizeof *p);
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(p->master, 0);
    ck_assert_int_eq(grantpt(p->master), 0);
    ck_assert_int_eq(unlockpt(p->master), 0);
    ck_assert_int_eq(ioctl(p->master, TIOCSWINSZ, &size), 0);
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
        setenv("TERM", term, 1);
        if (no_color)
            setenv("NO_COLOR", "1", 1);
        else
            unsetenv("NO_COLOR");
        execl("tools/present", "tools/present", from, (char *)NULL);
        _exit(127);
    }
}

static void pty_start(struct pty_run *p, const char *from)
{
    pty_start_with(p, from, "xterm", 1);
}

/* One key, or one escape sequence in a single write, as a terminal (or a
 * clicker) sends it. */
static void pty_key(struct pty_run *p, const char *keys)
{
    size_t n = strlen(keys);

    ck_assert_int_eq(write(p->master, keys, n), (ssize_t)n);
}

/* Reads what the terminal shows next. 0, or -1 after `seconds` or when the
 * program has closed the terminal. */
static int pty_read(struct pty_run *p, double seconds)
{
    struct pollfd pfd = { .fd = p->master, .events = POLLIN };
    ssize_t n;

    if (poll(&pfd, 1, (int)(test_seconds(seconds) * 1000)) <= 0)
        return -1;
    n = read(p->master, p->out + p->len, sizeof p->out - 1 - p->len);
    if (n <= 0)
        return -1;      /* EIO: every slave end closed, the program ended */
    p->len += (size_t)n;
    p->out[p->len] = '\0';
    return 0;
}

/* Reads until the output after offset holds text: returns where, or NULL
 * after 30 s or at the end. */
static char *pty_wait_after(struct pty_run *p, size_t offset, const char *text)
{
    char *at;

    while ((at = strstr(p->out + offset, text)) == NULL)
        if (pty_read(p, 30) == -1)
            return NULL;
    return at;
}

/* The number of the next prompt ("-- N/14 ") after the last one seen: the
 * screen the program shows now; -1 when none comes. */
static int pty_next_prompt(struct pty_run *p)
{
    for (;;) {
        char *at = p->out + p->seen;

        while ((at = strstr(at, "-- ")) != NULL) {
            char *end;
            long n = strtol(at + 3, &end, 10);

            if (end > at + 3 && strncmp(end, "/14 ", 4) == 0) {
                p->seen = (size_t)(end - p->out);
                return (int)n;
            }
            at += 3;
        }
        if (pty_read(p, 30) == -1)
            return -1;
    }
}

static int pty_finish(struct pty_run *p)
{
    int status;

    while (pty_read(p, 30) == 0)
        continue;       /* drain until the program closes the terminal */
    ck_assert_int_eq(waitpid(p->pid, &status, 0), p->pid);
    close(p->master);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Rows and widest line of one screen as a terminal COLUMNS wide shows it:
 * escape sequences take no room, a carriage return goes back to column 0,
 * and a line wider than the terminal wraps. */
static void measure(const char *text, size_t len, int *rows, int *widest)
{
    int col = 0, line_width = 0;

    *rows = 1;
    *widest = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c == '\033' && i + 1 < len && text[i + 1] == '[') {
            for (i += 2; i < len && !(text[i] >= '@' && text[i] <= '~'); i++)
                continue;
        } else if (c == '\r') {
            col = 0;
        } else if (c == '\n') {
            *rows += line_width > COLUMNS ? (line_width - 1) / COLUMNS : 0;
            *rows += 1;
            col = line_width = 0;
        } else if ((c & 0xC0) != 0x80) {    /* a UTF-8 continuation takes no column */
            col++;
            if (col > line_width)
                line_width = col;
            if (line_width > *widest)
                *widest = line_width;
        }
    }
    *rows += line_width > COLUMNS ? (line_width - 1) / COLUMNS : 0;
}

/* Every screen, in colour as a projector shows it: it starts on a clear
 * terminal with its heading, and with its prompt it fits 100 x 36. */
START_TEST(every_screen_fits_100_by_36_with_its_heading_on_top)
{
    static struct pty_run p;
    const char *clear = "\033[H\033[2J";

    pty_start_with(&p, "1", "xterm", 0);
    for (int n = 1; n <= N_SCREENS; n++) {
        char *start, *prompt, *heading;
        int rows, widest;

        ck_assert_int_eq(pty_next_prompt(&p), n);
        prompt = pty_wait_after(&p, p.seen, "\033[K");       /* the prompt's end */
        ck_assert_ptr_nonnull(prompt);
        /* the last clear before this prompt */
        start = NULL;
        for (char *c = strstr(p.out, clear); c != NULL && c < prompt; c = strstr(c + 1, clear))
            start = c;
        ck_assert_ptr_nonnull(start);
        heading = start + strlen(clear);
        ck_assert_msg(strncmp(heading, "\033[1;7m==> session", 17) == 0,
                      "screen %d does not start with its heading: '%.40s'", n, heading);
        measure(heading, (size_t)(prompt - heading), &rows, &widest);
        ck_assert_msg(rows <= ROWS, "screen %d takes %d rows, more than %d", n, rows, ROWS);
        ck_assert_msg(widest <= COLUMNS, "screen %d is %d columns wide", n, widest);
        pty_key(&p, "n");
    }
    ck_assert_int_eq(pty_finish(&p), 0);     /* n on the last screen ends */
}
END_TEST

/* The bytes real keys send, each in one write: one press, one screen. */
START_TEST(a_key_moves_one_screen_even_as_an_escape_sequence)
{
    static struct pty_run p;
    static const struct { const char *bytes; int to; } keys[] = {
        { "\033[6~", 2 },       /* PageDown (a clicker's "next") */
        { "\033[B", 3 },        /* Down */
        { "\033[C", 4 },        /* Right */
        { "\033OC", 5 },        /* Right in application cursor mode */
        { "\033[5~", 4 },       /* PageUp (a clicker's "back") */
        { "\033[A", 3 },        /* Up */
        { "\033OD", 2 },        /* Left in application cursor mode */
        { "\033[D", 1 },        /* Left */
        { "j", 2 }, { "\r", 3 }, { " ", 4 }, { "k", 3 }, { "p", 2 }, { "b", 1 },
        { "\033[F", 14 },       /* End */
        { "\033[H", 1 },        /* Home */
        { "\033[4~", 14 },      /* End, as the Linux console sends it */
        { "\033[1~", 1 },       /* Home, as the Linux console sends it */
        { "12\r", 12 },         /* a number, then Enter */
        { "3\177" "2\r", 2 },   /* a digit erased with Backspace */
        { "99\r\033[C", 3 },    /* no screen 99: nothing, then Right */
    };

    int current = 1;

    pty_start(&p, "1");
    ck_assert_int_eq(pty_next_prompt(&p), current);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        int at;

        pty_key(&p, keys[i].bytes);
        /* Each digit typed redraws the prompt of the same screen. */
        while ((at = pty_next_prompt(&p)) == current && keys[i].bytes[0] >= '0'
               && keys[i].bytes[0] <= '9')
            continue;
        ck_assert_msg(at == keys[i].to, "key %zu ('%s') went to screen %d, not %d", i,
                      keys[i].bytes + (keys[i].bytes[0] == '\033'), at, keys[i].to);
        current = at;
    }
    pty_key(&p, "q");
    ck_assert_int_eq(pty_finish(&p), 0);
}
END_TEST

/* Back on the first screen stays there, whichever back key it is. */
START_TEST(back_never_goes_before_the_first_screen)
{
    static struct pty_run p;
    static const char *const back[] = { "\033[D", "\033[5~", "\033[A", "b", "k", "p" };

    pty_start(&p, "1");
    ck_assert_int_eq(pty_next_prompt(&p), 1);
    for (size_t i = 0; i < sizeof back / sizeof back[0]; i++) {
        size_t before = p.len;

        pty_key(&p, back[i]);
        ck_assert_int_eq(pty_next_prompt(&p), 1);
        ck_assert_msg(strstr(p.out + before, "==> session1: ") != NULL,
                      "back key %zu did not show the first screen again", i);
    }
    pty_key(&p, "n");
    ck_assert_int_eq(pty_next_prompt(&p), 2);
    pty_key(&p, "q");
    ck_assert_int_eq(pty_finish(&p), 0);
}
END_TEST

START_TEST(no_color_and_a_dumb_terminal_get_no_escape_codes)
{
    static struct pty_run p;
    const char *rest;

    pty_start_with(&p, "8", "xterm", 1);        /* NO_COLOR: clears, no bold */
    ck_assert_int_eq(pty_next_prompt(&p), N_SCREENS);
    ck_assert_ptr_nonnull(strstr(p.out, "\033[H\033[2J"));
    ck_assert_ptr_null(strstr(p.out, "\033[1"));
    pty_key(&p, "q");
    ck_assert_int_eq(pty_finish(&p), 0);

    pty_start_with(&p, "8", "dumb", 0);         /* TERM=dumb: nothing at all */
    ck_assert_int_eq(pty_next_prompt(&p), N_SCREENS);
    rest = p.out;
    ck_assert_msg(strchr(rest, '\033') == NULL, "an escape code on a dumb terminal: '%s'", rest);
    pty_key(&p, "q");
    ck_assert_int_eq(pty_finish(&p), 0);
}
END_TEST

START_TEST(on_the_last_screen_enter_ends_and_q_quits_anywhere)
{
    static struct pty_run p;

    pty_start(&p, "8");
    ck_assert_int_eq(pty_next_prompt(&p), N_SCREENS);
    ck_assert_ptr_nonnull(strstr(p.out, "==> session8: "));
    pty_key(&p, "\r");
    ck_assert_int_eq(pty_finish(&p), 0);

    pty_start(&p, "7");
    ck_assert_int_eq(pty_next_prompt(&p), 11);
    pty_key(&p, "q");
    ck_assert_int_eq(pty_finish(&p), 0);
    ck_assert_ptr_null(strstr(p.out, "==> session7 --deadlock"));   /* quit, not next */
}
END_TEST

TEST_SUITE(present)
{
    add_case(s, "walkthrough", 120, without_a_terminal_it_runs_every_screen_straight_through,
             a_missing_label_is_an_error, from_starts_at_a_session_and_rejects_others,
             every_screen_fits_100_by_36_with_its_heading_on_top,
             a_key_moves_one_screen_even_as_an_escape_sequence,
             back_never_goes_before_the_first_screen,
             no_color_and_a_dumb_terminal_get_no_escape_codes,
             on_the_last_screen_enter_ends_and_q_quits_anywhere);
}
