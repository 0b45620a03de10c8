/* test_common.c - unit tests for common/: argument parsing, Python-style
 * printing, child processes, shared memory, exact I/O and framing. */
#define _GNU_SOURCE             /* open_memstream is POSIX 2008; MAP_ANONYMOUS */
#include "args.h"
#include "die.h"
#include "frame.h"
#include "io.h"
#include "output.h"
#include "proc.h"
#include "pylist.h"
#include "shm.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ args */

START_TEST(arg_long_accepts_plain_numbers_in_range)
{
    char msg[ARG_MSG_SIZE];
    long v = 0;

    ck_assert_int_eq(arg_long("42", "--n", 1, 100, &v, msg, sizeof msg), 0);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(arg_long("-7", "--n", -10, 10, &v, msg, sizeof msg), 0);
    ck_assert_int_eq(v, -7);
    ck_assert_int_eq(arg_long("+3", "--n", 0, 10, &v, msg, sizeof msg), 0);
    ck_assert_int_eq(v, 3);
}
END_TEST

START_TEST(arg_long_rejects_garbage_with_the_text_and_range)
{
    static const char *bad[] = { "abc", "", "12abc", " 7", "-", "3.5", "0x10" };
    char msg[ARG_MSG_SIZE];
    long v = 99;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(arg_long(bad[i], "--trials", 1, 100, &v, msg, sizeof msg), -1);
        ck_assert_msg(strstr(msg, "invalid number") != NULL, "%s: %s", bad[i], msg);
        ck_assert_ptr_nonnull(strstr(msg, "--trials"));
        ck_assert_ptr_nonnull(strstr(msg, "1..100"));
    }
    ck_assert_int_eq(v, 99);    /* untouched on failure */
}
END_TEST

START_TEST(arg_long_rejects_out_of_range_and_overflow)
{
    char msg[ARG_MSG_SIZE];
    long v = 5;

    ck_assert_int_eq(arg_long("0", "--trials", 1, 100, &v, msg, sizeof msg), -1);
    ck_assert_str_eq(msg, "--trials 0 is out of range (accepted: 1..100)");
    ck_assert_int_eq(arg_long("-1", "--trials", 1, 100, &v, msg, sizeof msg), -1);
    ck_assert_int_eq(arg_long("99999999999999999999", "--n", LONG_MIN, LONG_MAX,
                              &v, msg, sizeof msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "out of range"));
    ck_assert_int_eq(v, 5);
}
END_TEST

START_TEST(arg_long_list_stops_at_the_first_bad_item)
{
    char *texts[] = { "1", "2", "x3", "4" };
    char msg[ARG_MSG_SIZE];
    long out[4];

    ck_assert_int_eq(arg_long_list(texts, 2, "item", 0, 9, out, msg, sizeof msg), 0);
    ck_assert_int_eq(out[0], 1);
    ck_assert_int_eq(out[1], 2);
    ck_assert_int_eq(arg_long_list(texts, 4, "item", 0, 9, out, msg, sizeof msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "'x3'"));
}
END_TEST

/* Parses the words of LINE (at most 6) with TABLE as the options of a
 * program "demo"; returns what arg_parse returns, msg filled. */
static int parse_line(char *line, const struct arg_table *table, void *opts, char *msg,
                      size_t msglen)
{
    char *argv[8] = { "demo" };
    int argc = 1;

    for (char *word = strtok(line, " "); word != NULL && argc < 7; word = strtok(NULL, " "))
        argv[argc++] = word;
    argv[argc] = NULL;
    optind = 0;
    return arg_parse(argc, argv, table, opts, msg, msglen);
}

/* A table with one row of each kind, for arg_parse. */
struct demo_options {
    int verbose, kind, count_seen;
    long count;
    const char *file;
};

static const char *const demo_kinds[] = { "a", "b", NULL };

/* Parses LINE with the demo table (parse_line). */
static int parse_demo(char *line, struct demo_options *o, char *msg, size_t msglen)
{
    const struct arg_option rows[] = {
        { "verbose", 'v', NULL, "talk", .flag = &o->verbose },
        { "count", 'n', "N", "how many, {min}..{max}", .number = &o->count, 1, 9,
          .seen = &o->count_seen },
        { "kind", 0, "KIND", "a or b", .choice = &o->kind, .choices = demo_kinds },
        { "file", 'f', "FILE", "where", .text = &o->file },
        { 0 },
    };
    const struct arg_table table = { "", rows, 20, 0, "", NULL };

    *o = (struct demo_options){ .count = 5 };
    return parse_line(line, &table, o, msg, msglen);
}

START_TEST(arg_parse_fills_each_kind_of_row)
{
    char line[] = "-v --count=7 --kind b -f out.txt";
    char msg[ARG_MSG_SIZE];
    struct demo_options o;

    ck_assert_int_eq(parse_demo(line, &o, msg, sizeof msg), 0);
    ck_assert_int_eq(o.verbose, 1);
    ck_assert_int_eq(o.count, 7);
    ck_assert_int_eq(o.count_seen, 1);
    ck_assert_int_eq(o.kind, 1);
    ck_assert_str_eq(o.file, "out.txt");
}
END_TEST

/* Each kind of bad usage, and the one line that says what is wrong. */
static const struct {
    const char *line, *msg;
} bad_demo_lines[] = {
    { "--nope", "unknown or misused option '--nope'" },
    { "-x", "unknown option '-x'" },
    { "--count", "option '--count' needs a value" },
    { "-n", "option '-n' needs a value" },
    { "--count abc", "invalid number 'abc' for --count (accepted: 1..9)" },
    { "-n 10", "--count 10 is out of range (accepted: 1..9)" },
    { "--kind c", "invalid --kind 'c' (accepted: a, b)" },
    { "--verbose=yes", "unknown or misused option '--verbose=yes'" },
};

START_TEST(arg_parse_says_what_is_wrong)
{
    char line[64], msg[ARG_MSG_SIZE];
    struct demo_options o;

    snprintf(line, sizeof line, "%s", bad_demo_lines[_i].line);
    ck_assert_int_eq(parse_demo(line, &o, msg, sizeof msg), -1);
    ck_assert_str_eq(msg, bad_demo_lines[_i].msg);
}
END_TEST

START_TEST(arg_parse_refuses_operands_when_the_table_takes_none)
{
    char line[] = "-v extra", msg[ARG_MSG_SIZE];
    struct demo_options o;

    ck_assert_int_eq(parse_demo(line, &o, msg, sizeof msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "unexpected argument 'extra' ("));
    ck_assert_ptr_nonnull(strstr(msg, " takes options only)"));
}
END_TEST

/* Which options go together: a table of five switches and its rules. */
static int parse_rules(char *line, char *msg, size_t msglen)
{
    int a, b, c, d, e;
    const struct arg_option rows[] = {
        { "a", 0, NULL, "", .flag = &a }, { "b", 0, NULL, "", .flag = &b },
        { "c", 0, NULL, "", .flag = &c }, { "d", 0, NULL, "", .flag = &d },
        { "e", 0, NULL, "", .flag = &e }, { 0 },
    };
    const struct arg_rule rules[] = {
        { "a", ARG_NONE_OF, "c d", "--a does not go with --{with}" },
        { "b", ARG_ONE_OF, "d -", "--b needs --d or an operand" },
        { "c", ARG_EXACTLY_ONE_OF, "b d", "--c needs exactly one of --b and --d" },
        { "e", ARG_ONLY, "a", "--e goes with --a only" },
        { 0 },
    };
    const struct arg_table table = { "", rows, 20, 1, "", rules };

    return parse_line(line, &table, NULL, msg, msglen);
}

static const struct {
    const char *line, *msg;     /* msg NULL: the rules hold */
} rule_lines[] = {
    { "--a", NULL },
    { "--a --d", "--a does not go with --d" },
    { "--a --d --c", "--a does not go with --c" },
    { "--b", "--b needs --d or an operand" },
    { "--b 7", NULL },
    { "--b --d", NULL },
    { "--c", "--c needs exactly one of --b and --d" },
    { "--c --d", NULL },
    { "--c --b --d", "--c needs exactly one of --b and --d" },
    { "--e", NULL },
    { "--e --a", NULL },
    { "--e 7", "--e goes with --a only" },
    { "--e --c --d", "--e goes with --a only" },
    { "--a --e --d", "--a does not go with --d" },
    { "--d --e", "--e goes with --a only" },
};

START_TEST(arg_parse_checks_which_options_go_together)
{
    char line[64], msg[ARG_MSG_SIZE] = "";

    snprintf(line, sizeof line, "%s", rule_lines[_i].line);
    if (rule_lines[_i].msg == NULL) {
        ck_assert_msg(parse_rules(line, msg, sizeof msg) == 0, "%s: %s", line, msg);
    } else {
        ck_assert_int_eq(parse_rules(line, msg, sizeof msg), -1);
        ck_assert_str_eq(msg, rule_lines[_i].msg);
    }
}
END_TEST

/* A choice row with its own message, and a table whose operand row lets
 * operands in (its .operands is 0). */
static int parse_queue(char *line, int *kind, char *msg, size_t msglen)
{
    static const char *const kinds[] = { "textbook", "ring", NULL };
    const struct arg_option rows[] = {
        { .arg = "NUMBER", .help = "numbers" },
        { "queue", 'q', "KIND", "textbook or ring", .choice = kind, .choices = kinds,
          .invalid = "unknown --queue '{value}' (accepted: textbook, ring)" },
        { 0 },
    };
    const struct arg_table table = { "", rows, 20, 0, "", NULL };

    return parse_line(line, &table, NULL, msg, msglen);
}

START_TEST(arg_parse_says_a_choice_rows_own_message)
{
    char ring[] = "--queue ring 7", fast[] = "-q fast", empty[] = "--queue=", msg[ARG_MSG_SIZE];
    int kind = -1;

    ck_assert_int_eq(parse_queue(ring, &kind, msg, sizeof msg), 0);
    ck_assert_int_eq(kind, 1);
    ck_assert_int_eq(optind, 3);        /* the operand 7 is let in, at argv[3] */
    ck_assert_int_eq(parse_queue(fast, &kind, msg, sizeof msg), -1);
    ck_assert_str_eq(msg, "unknown --queue 'fast' (accepted: textbook, ring)");
    ck_assert_int_eq(parse_queue(empty, &kind, msg, sizeof msg), -1);
    ck_assert_str_eq(msg, "unknown --queue '' (accepted: textbook, ring)");
    ck_assert_int_eq(kind, 1);
}
END_TEST

/* What arg_usage prints for TABLE, in a new string (free it). */
static char *usage_of(const struct arg_table *table)
{
    char *text = calloc(4096, 1);
    FILE *out = tmpfile();
    int saved = dup(STDOUT_FILENO);

    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_ge(saved, 0);
    fflush(stdout);
    ck_assert_int_ge(dup2(fileno(out), STDOUT_FILENO), 0);
    arg_usage(table);
    fflush(stdout);
    ck_assert_int_ge(dup2(saved, STDOUT_FILENO), 0);
    close(saved);
    rewind(out);
    ck_assert_uint_lt(fread(text, 1, 4095, out), 4095);
    fclose(out);
    return text;
}

START_TEST(arg_usage_makes_the_usage_line_and_the_docs_line)
{
    int flag;
    const struct arg_option rows[] = {
        { .arg = "MESSAGE", .help = "what to send" },
        { "verbose", 'v', NULL, "talk", .flag = &flag },
        { 0 },
    };
    const struct arg_table made = { "A paragraph.\n\n", rows + 1, 16, 0, NULL, NULL };
    const struct arg_table with_operand = { "A paragraph.\n\n", rows, 16, 0, NULL, NULL };
    const struct arg_table given = { "Usage: demo --verbose\nA paragraph.\n\n", rows + 1, 16,
                                     0, "\nEnd.\n", NULL };
    const char *name = program_name();
    char expected[512], *text;

    snprintf(expected, sizeof expected, "Usage: %s [OPTION]...\nA paragraph.\n\n"
             "  -v, --verbose talk\n  -h, --help    print this help and exit\n"
             "\nExplained in docs/%s.md.\n", name, name);
    ck_assert_str_eq(text = usage_of(&made), expected);
    free(text);
    snprintf(expected, sizeof expected, "Usage: %s [OPTION]... [MESSAGE]...\nA paragraph.\n\n"
             "  MESSAGE       what to send\n  -v, --verbose talk\n"
             "  -h, --help    print this help and exit\n\nExplained in docs/%s.md.\n", name, name);
    ck_assert_str_eq(text = usage_of(&with_operand), expected);
    free(text);
    ck_assert_str_eq(text = usage_of(&given), "Usage: demo --verbose\nA paragraph.\n\n"
                     "  -v, --verbose talk\n  -h, --help    print this help and exit\n\nEnd.\n");
    free(text);
}
END_TEST

START_TEST(arg_list_keeps_the_list_or_makes_the_default)
{
    char *given[] = { "demo", "7", "-2", NULL }, *none[] = { "demo", NULL };
    char *bad[] = { "demo", "7", "x", NULL }, msg[ARG_MSG_SIZE];
    const long *list = NULL;
    size_t n = 0;

    optind = 1;
    ck_assert_int_eq(arg_list(3, given, -9, 9, 4, &list, &n, msg, sizeof msg), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(list[0], 7);
    ck_assert_int_eq(list[1], -2);
    optind = 1;
    ck_assert_int_eq(arg_list(1, none, -9, 9, 4, &list, &n, msg, sizeof msg), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(list[0], 1);
    ck_assert_int_eq(list[3], 4);
    optind = 1;
    ck_assert_int_eq(arg_list(3, bad, -9, 9, 4, &list, &n, msg, sizeof msg), -1);
    ck_assert_str_eq(msg, "invalid number 'x' for list item (accepted: -9..9)");
}
END_TEST

/* arg_read in a child (its ending is an exit): the exit status for ARG. */
static int arg_read_status(char *arg)
{
    int flag, status;
    const struct arg_option rows[] = { { "verbose", 'v', NULL, "talk", .flag = &flag },
                                       { 0 } };
    const struct arg_table table = { "", rows, 16, 0, "", NULL };
    char *argv[] = { "demo", arg, NULL };
    pid_t pid;

    fflush(NULL);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        optind = 0;
        arg_read(2, argv, &table, NULL);
        _exit(flag == 1 ? 42 : 43);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

START_TEST(arg_read_exits_0_for_help_2_for_bad_usage_and_returns_otherwise)
{
    ck_assert_int_eq(arg_read_status("--help"), 0);
    ck_assert_int_eq(arg_read_status("--nope"), 2);
    ck_assert_int_eq(arg_read_status("extra"), 2);
    ck_assert_int_eq(arg_read_status("-v"), 42);
}
END_TEST

/* ------------------------------------------------------------ pylist */

/* call, printing into a memory stream named out, returns 0 and prints
 * exactly want. */
#define ASSERT_PRINTS_AS(call, want)                                    \
    do {                                                                \
        char *text_;                                                    \
        size_t size_;                                                   \
        FILE *out = open_memstream(&text_, &size_);                     \
        ck_assert_ptr_nonnull(out);                                     \
        ck_assert_int_eq((call), 0);                                    \
        fclose(out);                                                    \
        ck_assert_str_eq(text_, (want));                                \
        free(text_);                                                    \
    } while (0)

START_TEST(pylist_prints_like_python)
{
    const long squares[] = { 1, 4, 9, 16 };
    const int ints[] = { -3, 0 };
    const double doubles[] = { 1.0, 4.0, 0.5 };

    ASSERT_PRINTS_AS(pylist_print_longs(out, squares, 4), "[1, 4, 9, 16]");
    ASSERT_PRINTS_AS(pylist_print_longs(out, squares, 0), "[]");
    ASSERT_PRINTS_AS(pylist_print_ints(out, ints, 2), "[-3, 0]");
    ASSERT_PRINTS_AS(pylist_print_doubles(out, doubles, 3), "[1.0, 4.0, 0.5]");
}
END_TEST

START_TEST(py_print_double_matches_python_repr)
{
    /* Each pair: a double and what Python's repr() prints for it. */
    static const struct { double value; const char *repr; } cases[] = {
        { 30.0, "30.0" }, { 0.1, "0.1" }, { -2.5, "-2.5" }, { 1e16, "1e+16" },
        { 1e15, "1000000000000000.0" }, { 1e-5, "1e-05" }, { 0.0001, "0.0001" },
        { 123456789.125, "123456789.125" }, { 2500000009.0, "2500000009.0" },
        { 1.0 / 3.0, "0.3333333333333333" }, { 1.5e300, "1.5e+300" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ASSERT_PRINTS_AS(py_print_double(out, cases[i].value), cases[i].repr);
}
END_TEST

/* ------------------------------------------------------------ proc */

static int return_arg(void *arg)
{
    return *(int *)arg;
}

static int kill_self(void *arg)
{
    raise(*(int *)arg);
    return 0;
}

START_TEST(proc_join_reports_exit_code)
{
    int code = 3, status;
    char how[64];
    pid_t pid = proc_start(return_arg, &code);

    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(proc_join(pid, &status), 0);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 3);
    ck_assert(!proc_succeeded(status));
    ck_assert_str_eq(proc_describe_status(status, how, sizeof how), "exited with status 3");
}
END_TEST

START_TEST(proc_join_reports_a_killing_signal_by_name)
{
    int sig = SIGKILL, status;
    char how[64];
    pid_t pid = proc_start(kill_self, &sig);

    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(proc_join(pid, &status), 0);
    ck_assert(WIFSIGNALED(status));
    ck_assert_str_eq(proc_describe_status(status, how, sizeof how), "was killed by SIGKILL");
    ck_assert_str_eq(proc_signal_name(SIGTERM, how, sizeof how), "SIGTERM");
    ck_assert_str_eq(proc_signal_name(64, how, sizeof how), "signal 64");
}
END_TEST

START_TEST(proc_success_is_exit_zero)
{
    int code = 0, status;
    pid_t pid = proc_start(return_arg, &code);

    ck_assert_int_eq(proc_join(pid, &status), 0);
    ck_assert(proc_succeeded(status));
    /* A joined child is gone: joining again is an error, not a hang. */
    ck_assert_int_eq(proc_join(pid, &status), -1);
    ck_assert_int_eq(errno, ECHILD);
}
END_TEST

static int wait_for_signal(void *arg)
{
    (void)arg;
    pause();            /* until proc_terminate_all's SIGTERM ends us */
    return 0;
}

START_TEST(proc_terminate_all_stops_and_reaps_every_child)
{
    pid_t pids[3];
    int status;

    for (int i = 0; i < 3; i++)
        ck_assert_int_gt(pids[i] = proc_start(wait_for_signal, NULL), 0);
    ck_assert_int_eq(proc_try_join(pids[0], &status), 0);   /* still running */
    ck_assert_int_eq(proc_terminate_all(SIGTERM), 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(kill(pids[i], 0), -1);              /* reaped: gone */
        ck_assert_int_eq(errno, ESRCH);
    }
    ck_assert_int_eq(proc_terminate_all(SIGTERM), 0);
}
END_TEST

/* One child blocks until killed, the other exits at once: join_any must
 * return the one that ended, not wait for the first one started (was
 * tests/test_proc_join_any.c). */
START_TEST(join_any_returns_the_child_that_ended_first)
{
    int code = 3, status;
    pid_t waiting = proc_start(wait_for_signal, NULL);
    pid_t quick = proc_start(return_arg, &code);

    ck_assert_int_gt(waiting, 0);
    ck_assert_int_gt(quick, 0);
    ck_assert_int_eq(proc_join_any(&status), quick);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    ck_assert_int_eq(kill(waiting, SIGTERM), 0);
    ck_assert_int_eq(proc_join_any(&status), waiting);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    ck_assert_int_eq(proc_join_any(&status), -1);
    ck_assert_int_eq(errno, ECHILD);
    ck_assert_int_eq(proc_terminate_all(SIGTERM), 0);   /* both forgotten */
}
END_TEST

/* A child's unflushed stdio buffer must not be printed twice: proc_start
 * flushes before fork. Checked through a pipe, where stdout is fully
 * buffered. */
static int print_child_line(void *arg)
{
    (void)arg;
    printf("child\n");
    return 0;
}

START_TEST(proc_start_flushes_so_no_line_is_printed_twice)
{
    int fds[2], saved_stdout, status;
    char buf[256];
    ssize_t n;
    pid_t pid;

    ck_assert_int_eq(pipe(fds), 0);
    fflush(stdout);
    saved_stdout = dup(STDOUT_FILENO);
    dup2(fds[1], STDOUT_FILENO);
    setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
    printf("parent before fork\n");     /* sits in the buffer */
    pid = proc_start(print_child_line, NULL);
    proc_join(pid, &status);
    fflush(stdout);
    dup2(saved_stdout, STDOUT_FILENO);
    close(fds[1]);
    n = read_full(fds[0], buf, sizeof buf - 1);
    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    ck_assert_str_eq(buf, "parent before fork\nchild\n");
}
END_TEST

/* ------------------------------------------------------------ shm */

static int write_shared(void *arg)
{
    *(int *)arg = 1234;
    return 0;
}

START_TEST(shared_alloc_is_seen_by_the_parent)
{
    int *shared = shared_alloc(sizeof *shared);
    int status;

    ck_assert_ptr_nonnull(shared);
    ck_assert_int_eq(*shared, 0);       /* zero-filled */
    proc_join(proc_start(write_shared, shared), &status);
    ck_assert(proc_succeeded(status));
    ck_assert_int_eq(*shared, 1234);
    ck_assert_int_eq(shared_free(shared, sizeof *shared), 0);
}
END_TEST

START_TEST(private_memory_is_not_seen_by_the_parent)
{
    static int private_copy;
    int status;

    proc_join(proc_start(write_shared, &private_copy), &status);
    ck_assert(proc_succeeded(status));
    ck_assert_int_eq(private_copy, 0);
}
END_TEST

START_TEST(shared_alloc_of_zero_bytes_fails)
{
    errno = 0;
    ck_assert_ptr_null(shared_alloc(0));
    ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* ------------------------------------------------------------ io, frame */

START_TEST(frames_are_neither_merged_nor_split)
{
    int sv[2];
    char *msg;
    size_t len;

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ck_assert_int_eq(frame_send(sv[0], "hello", 5), 0);
    ck_assert_int_eq(frame_send(sv[0], "", 0), 0);
    ck_assert_int_eq(frame_send(sv[0], "hey", 3), 0);
    close(sv[0]);
    ck_assert_int_eq(frame_recv(sv[1], 100, &msg, &len), 1);
    ck_assert_uint_eq(len, 5);
    ck_assert_str_eq(msg, "hello");
    free(msg);
    ck_assert_int_eq(frame_recv(sv[1], 100, &msg, &len), 1);
    ck_assert_uint_eq(len, 0);          /* empty messages are messages */
    free(msg);
    ck_assert_int_eq(frame_recv(sv[1], 100, &msg, &len), 1);
    ck_assert_str_eq(msg, "hey");
    free(msg);
    ck_assert_int_eq(frame_recv(sv[1], 100, &msg, &len), 0);   /* clean EOF */
    close(sv[1]);
}
END_TEST

/* The n bytes at bytes, then the end of the connection: frame_recv with
 * this max refuses them with err, and allocates nothing. */
static void assert_frame_refused(const void *bytes, size_t n, size_t max, int err)
{
    int sv[2];
    char *msg = NULL;
    size_t len;

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ck_assert_int_eq(write_all(sv[0], bytes, n), 0);
    close(sv[0]);
    ck_assert_int_eq(frame_recv(sv[1], max, &msg, &len), -1);
    ck_assert_int_eq(errno, err);
    ck_assert_ptr_null(msg);
    close(sv[1]);
}

START_TEST(frame_longer_than_the_maximum_is_refused_before_allocating)
{
    unsigned char header[FRAME_HEADER_SIZE];

    frame_encode_header(0xFFFFFFF0u, header);   /* announces ~4 GiB */
    assert_frame_refused(header, sizeof header, 1 << 20, EMSGSIZE);
}
END_TEST

/* The limit exactly: a frame of max bytes arrives, one of max + 1 is
 * refused; frame_send takes FRAME_LIMIT bytes (it fails here only because
 * the peer is gone) and refuses one more before touching the payload. */
START_TEST(frame_limits_hold_at_their_exact_boundary)
{
    static char payload[101];
    int sv[2];
    char *msg = NULL;
    size_t len;

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ck_assert_int_eq(frame_send(sv[0], payload, 100), 0);
    ck_assert_int_eq(frame_send(sv[0], payload, 101), 0);
    ck_assert_int_eq(frame_recv(sv[1], 100, &msg, &len), 1);
    ck_assert_uint_eq(len, 100);
    free(msg);
    msg = NULL;
    ck_assert_int_eq(frame_recv(sv[1], 100, &msg, &len), -1);
    ck_assert_int_eq(errno, EMSGSIZE);
    ck_assert_ptr_null(msg);
    close(sv[1]);
    if (SIZE_MAX > FRAME_LIMIT) {
        ck_assert_int_eq(frame_send(sv[0], payload, (size_t)FRAME_LIMIT), -1);
        ck_assert_int_eq(errno, EPIPE);         /* accepted, then the header failed */
        ck_assert_int_eq(frame_send(sv[0], payload, (size_t)FRAME_LIMIT + 1), -1);
        ck_assert_int_eq(errno, EMSGSIZE);
    }
    close(sv[0]);
}
END_TEST

START_TEST(frame_cut_short_is_a_protocol_error)
{
    static const unsigned char abc[3] = { 'a', 'b', 'c' };
    unsigned char frame[FRAME_HEADER_SIZE + sizeof abc];

    /* A header promising 10 bytes, then only 3 before the end. */
    frame_encode_header(10, frame);
    memcpy(frame + FRAME_HEADER_SIZE, abc, sizeof abc);
    assert_frame_refused(frame, sizeof frame, 100, EPROTO);
    /* Half a header. */
    assert_frame_refused(frame, 2, 100, EPROTO);
}
END_TEST

START_TEST(frame_header_is_big_endian)
{
    unsigned char h[FRAME_HEADER_SIZE];

    frame_encode_header(0x01020304u, h);
    ck_assert_int_eq(h[0], 1);
    ck_assert_int_eq(h[3], 4);
    ck_assert_uint_eq(frame_decode_header(h), 0x01020304u);
}
END_TEST

/* A frame larger than the pipe buffer (64 KiB) needs a reader running at the
 * same time and a writer that copes with short writes. */
static int send_big(void *arg)
{
    int fd = *(int *)arg;
    size_t size = 1 << 20;
    char *data = malloc(size);
    int sent;

    if (data == NULL)
        return 1;
    for (size_t i = 0; i < size; i++)
        data[i] = (char)(i * 7);
    sent = frame_send(fd, data, size);
    free(data);         /* valgrind (make check-valgrind) counts it otherwise */
    return sent == 0 ? 0 : 1;
}

START_TEST(big_frame_over_a_pipe_arrives_intact)
{
    int fds[2], status;
    char *msg;
    size_t len;
    pid_t pid;

    ck_assert_int_eq(pipe(fds), 0);
    pid = proc_start(send_big, &fds[1]);
    close(fds[1]);
    ck_assert_int_eq(frame_recv(fds[0], 1 << 20, &msg, &len), 1);
    ck_assert_uint_eq(len, 1 << 20);
    for (size_t i = 0; i < len; i++)
        if (msg[i] != (char)(i * 7))
            ck_abort_msg("byte %zu differs", i);
    free(msg);
    proc_join(pid, &status);
    ck_assert(proc_succeeded(status));
    close(fds[0]);
}
END_TEST

START_TEST(write_all_to_a_closed_socket_is_epipe_not_a_signal)
{
    int sv[2];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[1]);
    ck_assert_int_eq(write_all(sv[0], "x", 1), -1);
    ck_assert_int_eq(errno, EPIPE);
    close(sv[0]);
}
END_TEST

/* ------------------------------------------------------------- die */

/* Each way a program ends on an error, called in a child whose stdout and
 * stderr are pipes. The child first prints "partial" without a newline (it
 * stays in stdout's buffer) and registers an atexit handler that writes
 * "atexit ran" to stderr: exit() runs it, _exit() must not (a child must
 * not run the parent's handlers a second time). */
struct ending {
    const char *name;
    int exit_code;
    const char *err;            /* exactly what stderr must hold */
};

static const struct ending endings[] = {
    { "die", 1, "demo: open: No such file or directory\natexit ran\n" },
    { "die_errnum", 1, "demo: pthread_create: Resource temporarily unavailable\natexit ran\n" },
    { "die_child", 1, "demo: open: No such file or directory\n" },
    { "usage_error", 2, "demo: invalid --count 'x'\nTry 'demo --help' for more information.\n"
                        "atexit ran\n" },
    { "fail", 1, "demo: the peer sent 3 bytes\natexit ran\n" },
};

static void say_atexit(void)
{
    static const char text[] = "atexit ran\n";

    (void)!write(STDERR_FILENO, text, sizeof text - 1);
}

static void say_term(int sig)
{
    static const char text[] = "term\n";

    (void)sig;
    (void)!write(STDERR_FILENO, text, sizeof text - 1);
}

static void end_the_child(int which)
{
    die_init("demo");
    atexit(say_atexit);
    printf("partial");
    errno = ENOENT;
    switch (which) {
    case 0: die("open");
    case 1: die_errnum("pthread_create", EAGAIN);
    case 2: die_child("open");
    case 3: usage_error("invalid --count '%s'", "x");
    default: (fail)("the peer sent %d bytes", 3);    /* (fail): not Check's fail() macro */
    }
}

static void read_all(int fd, char *buf, size_t size)
{
    size_t len = 0;
    ssize_t got;

    while (len < size - 1 && (got = read(fd, buf + len, size - 1 - len)) > 0)
        len += (size_t)got;
    buf[len] = '\0';
}

START_TEST(each_ending_prints_its_line_and_exit_status)
{
    int out[2], err[2], status;
    char outbuf[64], errbuf[256];
    pid_t pid;

    ck_assert_int_eq(pipe(out), 0);
    ck_assert_int_eq(pipe(err), 0);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(out[0]);
        close(err[0]);
        end_the_child(_i);
    }
    close(out[1]);
    close(err[1]);
    read_all(err[0], errbuf, sizeof errbuf);
    read_all(out[0], outbuf, sizeof outbuf);
    close(out[0]);
    close(err[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == endings[_i].exit_code,
                  "%s: status 0x%x", endings[_i].name, (unsigned)status);
    ck_assert_str_eq(errbuf, endings[_i].err);
    /* What was printed before the error still comes out, once. */
    ck_assert_str_eq(outbuf, "partial");
}
END_TEST

/* ------------------------------------------------- a program's ending */

/* The tests below run a small "program" in a forked process, the way a
 * session's main would run: die_init first, children with proc_start. Its
 * stderr comes back through a pipe; its stdout goes where the test says. */
enum demo_stdout { DEMO_DEV_NULL, DEMO_DEV_FULL, DEMO_READER_GONE };

struct demo {
    pid_t pid;
    int err_fd;
    char err[1024];
    size_t err_len;
};

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void demo_start(struct demo *d, void (*program)(void), enum demo_stdout out)
{
    int err[2], gone[2];

    memset(d, 0, sizeof *d);
    ck_assert_int_eq(pipe(err), 0);
    ck_assert_int_eq(pipe(gone), 0);
    close(gone[0]);             /* before fork: nobody will ever read it */
    d->pid = fork();
    ck_assert_int_ne(d->pid, -1);
    if (d->pid == 0) {
        int fd = out == DEMO_READER_GONE ? gone[1]
               : open(out == DEMO_DEV_FULL ? "/dev/full" : "/dev/null", O_WRONLY);

        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* a failed test kills it */
        dup2(fd, STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(err[0]);
        program();
        _exit(99);              /* not reached: program() ends the process */
    }
    close(gone[1]);
    close(err[1]);
    d->err_fd = err[0];
}

/* Reads the demo's stderr until it holds text (returns 1), it is closed
 * (returns 0) or `seconds` have passed (returns -1). */
static int demo_read_until(struct demo *d, const char *text, double seconds)
{
    double deadline = now_seconds() + seconds;

    while (text == NULL || strstr(d->err, text) == NULL) {
        struct pollfd p = { .fd = d->err_fd, .events = POLLIN };
        int left = (int)((deadline - now_seconds()) * 1000);
        ssize_t n;

        if (left <= 0 || poll(&p, 1, left) != 1)
            return -1;
        n = read(d->err_fd, d->err + d->err_len, sizeof d->err - 1 - d->err_len);
        if (n <= 0)
            return 0;
        d->err_len += (size_t)n;
        d->err[d->err_len] = '\0';
    }
    return 1;
}

/* Waits at most `seconds` for the demo to end and returns its wait status,
 * or -1 when it had to be killed. */
static int demo_finish(struct demo *d, double seconds)
{
    int status, ended = demo_read_until(d, NULL, seconds) == 0;

    if (!ended)
        kill(d->pid, SIGKILL);  /* its children die with it (PDEATHSIG) */
    ck_assert_int_eq(waitpid(d->pid, &status, 0), d->pid);
    close(d->err_fd);
    return ended ? status : -1;
}

/* Runs program as a demo and asserts its wait status and all it wrote on
 * stderr. */
static void assert_demo(void (*program)(void), enum demo_stdout out, int status,
                        const char *err)
{
    struct demo d;

    demo_start(&d, program, out);
    ck_assert_int_eq(demo_finish(&d, test_seconds(5)), status);
    ck_assert_str_eq(d.err, err);
}

static int return_zero(void *arg)
{
    (void)arg;
    return 0;
}

static int print_a_line(void *arg)
{
    (void)arg;
    printf("a line from the child\n");
    return 0;
}

static void program_with_an_atexit_handler(void)
{
    int code = 5, status;

    die_init("demo");
    atexit(say_atexit);
    join_or_fail(proc_start(return_zero, NULL), "c1");
    proc_join(proc_start(return_arg, &code), &status);
    exit(0);
}

/* The parent's atexit handlers run once, when the parent ends: a child of
 * proc_start ends with _exit, whatever its function returned. A child that
 * called exit() would print "atexit ran" a second time. */
START_TEST(children_never_run_the_parents_atexit_handlers)
{
    assert_demo(program_with_an_atexit_handler, DEMO_DEV_NULL, 0, "atexit ran\n");
}
END_TEST

static void program_whose_children_print_to_a_full_disk(void)
{
    pid_t a, b;

    die_init("demo");
    a = proc_start(print_a_line, NULL);
    b = proc_start(print_a_line, NULL);
    join_or_fail(a, "a");
    join_or_fail(b, "b");
    printf("the parent's line\n");
    exit(0);
}

static void program_that_prints_to_a_full_disk(void)
{
    die_init("demo");
    output_line_buffered();     /* nothing is left to flush at exit */
    printf("a line\n");
    exit(0);
}

/* A write error is one line, exit 1: two children and their parent all
 * find stdout full, and only the first to notice says so. */
START_TEST(a_full_stdout_is_one_write_error_line_and_exit_1)
{
    assert_demo(program_whose_children_print_to_a_full_disk, DEMO_DEV_FULL, 1 << 8,
                "demo: write error: No space left on device\n");
    assert_demo(program_that_prints_to_a_full_disk, DEMO_DEV_FULL, 1 << 8,
                "demo: write error: No space left on device\n");
}
END_TEST

static int fail_to_open(void *arg)
{
    (void)arg;
    errno = ENOENT;
    die_child("open");
}

static void program_whose_child_fails_first(void)
{
    int status;
    char how[64];

    die_init("demo");
    proc_join(proc_start(fail_to_open, NULL), &status);
    /* What a program that does not use fail_child would say next. */
    (fail)("process c %s", proc_describe_status(status, how, sizeof how));
}

/* Every failure is one line: the child's own, not a second one from the
 * parent about the child, even from a parent that reports it by hand. */
START_TEST(a_child_that_failed_first_has_the_only_line)
{
    assert_demo(program_whose_child_fails_first, DEMO_DEV_NULL, 1 << 8,
                "demo: open: No such file or directory\n");
}
END_TEST

static int print_a_thousand_lines(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        printf("more\n");
        fflush(stdout);
    }
    return 0;
}

static void program_started_with_sigpipe_ignored(void)
{
    signal(SIGPIPE, SIG_IGN);   /* as a parent that ignored it and exec'd us */
    die_init("demo");
    join_or_fail(proc_start(print_a_thousand_lines, NULL), "printer");
    exit(0);
}

/* A program started with SIGPIPE ignored keeps it ignored in its children
 * (no handler replaces SIG_IGN), and a child whose stdout has no reader ends
 * as every tool of a pipeline does: quietly, as if by SIGPIPE (exit status
 * 128 + SIGPIPE, since the signal itself stays ignored), and so does the
 * program: no line about a write error. */
START_TEST(a_child_ignoring_sigpipe_ends_when_stdout_has_no_reader)
{
    assert_demo(program_started_with_sigpipe_ignored, DEMO_READER_GONE, (128 + SIGPIPE) << 8,
                "");
}
END_TEST

/* SIGPIPE ignored before the program started (nohup): it stays ignored,
 * and the program ends as if by SIGPIPE: no line, exit status 141. */
static void program_printing_with_sigpipe_ignored(void)
{
    signal(SIGPIPE, SIG_IGN);
    die_init("demo");
    for (;;)
        if (printf("%s\n", "more than a pipe holds, at last") < 0 || fflush(stdout) == EOF)
            break;
    exit(0);
}

START_TEST(a_reader_gone_with_sigpipe_ignored_on_entry_ends_as_if_by_sigpipe)
{
    struct demo d;

    demo_start(&d, program_printing_with_sigpipe_ignored, DEMO_READER_GONE);
    ck_assert_int_eq(demo_finish(&d, 5), (128 + SIGPIPE) << 8);
    ck_assert_str_eq(d.err, "");
}
END_TEST

static void program_started_with_0_and_1_closed(void)
{
    int fd;

    close(STDIN_FILENO);
    close(STDOUT_FILENO);
    die_init("demo");
    fd = open("/dev/null", O_RDONLY);
    if (fd <= STDERR_FILENO) {
        fprintf(stderr, "open gave descriptor %d\n", fd);
        _exit(3);
    }
    if (write(STDOUT_FILENO, "x", 1) != -1 || errno != EBADF) {
        fprintf(stderr, "a write to the closed stdout did not fail with EBADF\n");
        _exit(4);
    }
    _exit(0);
}

/* die_init fills closed descriptors 0-2 before anything else is opened, so
 * a socket or a file never becomes "stdout"; writes to a stdout that was
 * closed still fail. */
START_TEST(die_init_keeps_descriptors_0_to_2_taken)
{
    assert_demo(program_started_with_0_and_1_closed, DEMO_DEV_NULL, 0, "");
}
END_TEST

/* A child that carries on after SIGTERM: it ignores it (ignore = 1) or
 * catches it and says so on stderr. It says "ready" once it is set up. */
static int stubborn_child(void *arg)
{
    static const char ready[] = "ready\n";

    signal(SIGTERM, *(int *)arg ? SIG_IGN : say_term);
    (void)!write(STDERR_FILENO, ready, sizeof ready - 1);
    while (pause() == -1)       /* pause returns only -1 */
        continue;
    return 0;
}

static void program_with_a_stubborn_child(int ignore)
{
    static int how;

    how = ignore;
    die_init("demo");
    proc_cleanup_on_signals();
    join_or_fail(proc_start(stubborn_child, &how), "stubborn");
    exit(0);
}

static void program_with_a_child_that_ignores_sigterm(void)
{
    program_with_a_stubborn_child(1);
}

static void program_with_a_child_that_catches_sigterm(void)
{
    program_with_a_stubborn_child(0);
}

static pid_t forked_by_hand;

static void program_signalled_before_it_tracks_its_child(void)
{
    pid_t parent = getpid();

    die_init("demo");
    proc_cleanup_on_signals();
    forked_by_hand = fork();
    if (forked_by_hand == 0) {
        proc_child_init(parent);
        while (pause() == -1)
            continue;
        _exit(0);
    }
    fprintf(stderr, "child %ld\n", (long)forked_by_hand);
    raise(SIGTERM);             /* before proc_track(forked_by_hand) */
    exit(0);
}

/* A child forked by hand is tracked just after fork(); a signal that comes
 * first must still stop and reap it, not leave it to be killed by its
 * parent's death and reaped by whoever inherits it. The test is a subreaper,
 * so such an orphan would become the test's own zombie. */
START_TEST(a_signal_before_proc_track_still_reaps_the_child)
{
    struct demo d;
    long child = 0;

    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    demo_start(&d, program_signalled_before_it_tracks_its_child, DEMO_DEV_NULL);
    ck_assert_int_eq(demo_finish(&d, 5), 143 << 8);
    ck_assert_int_eq(sscanf(d.err, "child %ld", &child), 1);
    ck_assert_int_eq(waitpid((pid_t)child, NULL, WNOHANG), -1);
    ck_assert_int_eq(errno, ECHILD);    /* reaped by its parent, not ours */
}
END_TEST

/* Starts the demo program, waits until it says "ready" (its child runs),
 * and sends it SIGTERM. */
static void demo_sigterm_when_ready(struct demo *d, void (*program)(void))
{
    demo_start(d, program, DEMO_DEV_NULL);
    ck_assert_int_eq(demo_read_until(d, "ready\n", 5), 1);
    ck_assert_int_eq(kill(d->pid, SIGTERM), 0);
}

/* SIGTERM to the program: a child that does not end on SIGTERM is killed
 * after the grace (2 s), and the program still ends with 143. */
START_TEST(sigterm_ends_the_program_even_when_a_child_ignores_it)
{
    struct demo d;

    demo_sigterm_when_ready(&d, program_with_a_child_that_ignores_sigterm);
    ck_assert_int_eq(demo_finish(&d, 5), 143 << 8);
}
END_TEST

/* A second signal while the children get their grace (a second Ctrl-C)
 * kills them at once: the program ends well before the 2 s grace is over,
 * with the status of the first signal. */
START_TEST(a_second_signal_cuts_the_grace_short)
{
    struct demo d;

    demo_sigterm_when_ready(&d, program_with_a_child_that_catches_sigterm);
    ck_assert_int_eq(demo_read_until(&d, "term\n", 5), 1);  /* the grace has begun */
    ck_assert_int_eq(kill(d.pid, SIGINT), 0);
    ck_assert_int_eq(demo_finish(&d, 1.0), 143 << 8);
}
END_TEST

TEST_SUITE(common)
{
    TCase *args = add_case(s, "args", 0, arg_long_accepts_plain_numbers_in_range,
                           arg_long_rejects_garbage_with_the_text_and_range,
                           arg_long_rejects_out_of_range_and_overflow,
                           arg_long_list_stops_at_the_first_bad_item,
                           arg_parse_fills_each_kind_of_row,
                           arg_parse_refuses_operands_when_the_table_takes_none,
                           arg_parse_says_a_choice_rows_own_message,
                           arg_usage_makes_the_usage_line_and_the_docs_line,
                           arg_list_keeps_the_list_or_makes_the_default,
                           arg_read_exits_0_for_help_2_for_bad_usage_and_returns_otherwise);
    add_case(s, "pylist", 0, pylist_prints_like_python, py_print_double_matches_python_repr);
    add_case(s, "proc", 0, proc_join_reports_exit_code,
             proc_join_reports_a_killing_signal_by_name, proc_success_is_exit_zero,
             proc_terminate_all_stops_and_reaps_every_child,
             proc_start_flushes_so_no_line_is_printed_twice,
             join_any_returns_the_child_that_ended_first);
    add_case(s, "shm", 0, shared_alloc_is_seen_by_the_parent,
             private_memory_is_not_seen_by_the_parent, shared_alloc_of_zero_bytes_fails);
    add_case(s, "frame", 0, frames_are_neither_merged_nor_split,
             frame_longer_than_the_maximum_is_refused_before_allocating,
             frame_cut_short_is_a_protocol_error, frame_limits_hold_at_their_exact_boundary,
             frame_header_is_big_endian, big_frame_over_a_pipe_arrives_intact,
             write_all_to_a_closed_socket_is_epipe_not_a_signal);
    TCase *die_tc = add_case(s, "die", 10, children_never_run_the_parents_atexit_handlers,
                             a_full_stdout_is_one_write_error_line_and_exit_1,
                             a_child_ignoring_sigpipe_ends_when_stdout_has_no_reader,
                             a_reader_gone_with_sigpipe_ignored_on_entry_ends_as_if_by_sigpipe,
                             a_child_that_failed_first_has_the_only_line,
                             die_init_keeps_descriptors_0_to_2_taken,
                             sigterm_ends_the_program_even_when_a_child_ignores_it,
                             a_second_signal_cuts_the_grace_short,
                             a_signal_before_proc_track_still_reaps_the_child);

    add_loop(die_tc, each_ending_prints_its_line_and_exit_status, endings);
    add_loop(args, arg_parse_says_what_is_wrong, bad_demo_lines);
    add_loop(args, arg_parse_checks_which_options_go_together, rule_lines);
}
