/* testutil.h - run a program of the suite from a test and look at what it did.
 *
 * The program runs in its own process group, with stdin from /dev/null and
 * stdout and stderr captured. The test process makes itself a "child
 * subreaper" (Linux prctl), so any process the program leaves behind is
 * re-parented to the test, not to init, and can be counted: an orphan or a
 * zombie left by the program shows up in `strays`.
 */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <sys/types.h>

/* The seconds a program test waits before it kills the program: a few
 * times what the slowest ordinary run takes (about 2 s), so that a program
 * that hangs on a bug ends its test quickly (a planted hang once made make
 * check take 100-270 s instead of 15). A test of a run known to be longer or
 * shorter gives its own deadline (run_cmd_timeout). Under sanitizers or
 * valgrind, set CK_TIMEOUT_MULTIPLIER (Check's own variable, which scales the
 * tcase timeouts) and every deadline here is scaled by it too. */
#define RUN_TIMEOUT test_seconds(6.0)

/* seconds times CK_TIMEOUT_MULTIPLIER (1 when unset or invalid). */
double test_seconds(double seconds);

struct run {
    int status;             /* raw wait status of the program */
    int timed_out;          /* 1 when it had to be killed */
    int strays;             /* processes of its group still there after it ended */
    char *out, *err;        /* everything it printed, NUL-terminated */
    size_t out_len, err_len;
};

/* A program started but not yet finished. */
struct spawned {
    pid_t pid;              /* also its process group ID */
    int out_fd, err_fd;
    char *out, *err;
    size_t out_len, err_len, out_cap, err_cap;
};

/* Starts argv[0] (a path) with argv. Returns 0, or -1. */
int spawn_start(struct spawned *s, char *const argv[]);

/* Where a program's standard output goes, for the tests of output that
 * cannot be written; stderr is captured in every case. */
enum stdout_to {
    STDOUT_CAPTURED,        /* a pipe the test reads into r.out (spawn_start) */
    STDOUT_DEV_FULL,        /* /dev/full: every write fails with ENOSPC */
    STDOUT_CLOSED,          /* descriptor 1 closed, as the shell's >&- */
    STDOUT_READER_GONE,     /* a pipe whose only read end was closed before
                             * the program started: SIGPIPE, or EPIPE */
};

/* spawn_start with stdout sent to `out`, and stdin closed (the shell's <&-)
 * when close_stdin is 1 instead of /dev/null. */
int spawn_start_with(struct spawned *s, char *const argv[], enum stdout_to out,
                     int close_stdin);

/* Reads the program's stdout until it contains text. Returns 0 when it does,
 * -1 on timeout or when the program closed stdout first. */
int spawn_wait_for(struct spawned *s, const char *text, double timeout);

/* Kills a started program's whole group with SIGKILL, reaps it, and frees
 * what s holds; s->pid becomes 0. For a test's teardown. */
void spawn_kill(struct spawned *s);

/* Reads the rest of the output, waits for the program (killing its whole
 * group after timeout seconds), counts strays and kills them, and fills r. */
void spawn_finish(struct spawned *s, double timeout, struct run *r);

/* spawn_finish, then asserts the program ended by itself within timeout
 * seconds with exit_code (-1: killed by a signal), leaving no process
 * behind; *r stays filled for the test's own checks (run_free it). */
void finish_checked(struct spawned *s, double timeout, struct run *r, int exit_code);

/* finish_checked, then frees what it captured. */
void assert_finishes(struct spawned *s, double timeout, int exit_code);

/* Starts argv, sends the program SIGINT as soon as it has a child (which
 * may be before the program has recorded it), and asserts it still ended by
 * itself with status 130, leaving no process behind. Returns its PID. */
pid_t assert_sigint_as_the_child_starts(char *const argv[]);

/* spawn_start + spawn_finish with RUN_TIMEOUT. */
void run_argv(struct run *r, char *const argv[]);

/* The same with a command line split at spaces, '…' quoting a word:
 * run_cmd(&r, "session1/session1 --verbose"). */
void run_cmd(struct run *r, const char *cmdline);

/* run_cmd with its own deadline, in seconds (scaled as RUN_TIMEOUT is). */
void run_cmd_timeout(struct run *r, const char *cmdline, double seconds);

/* run_cmd with stdout sent to `out` (see spawn_start_with) and RUN_TIMEOUT. */
void run_cmd_stdout(struct run *r, const char *cmdline, enum stdout_to out);

/* Splits a command line as run_cmd does into at most max-1 words and a NULL.
 * The words point into *storage, which the caller frees. Returns the count. */
int split_cmdline(const char *cmdline, char **words, int max, char **storage);

/* The argv of a run with a long list: cmdline's words (split as run_cmd
 * does), then `item` count times, then NULL. One block: free(argv) frees
 * it all. */
char **argv_with_list(const char *cmdline, const char *item, int count);

/* Calls fn("DIR/NAME", arg) for each entry NAME of dir but those starting
 * with '.', and returns for how many fn returned 1 (a missing dir: 0). */
int each_file(const char *dir, int (*fn)(const char *path, void *arg), void *arg);

/* Waits for the child pid (forked by the test) and asserts it exited 0. */
void assert_exits_0(pid_t pid);

/* Exit code, or -1 when the program was killed by a signal. */
int run_exit_code(const struct run *r);

/* Number of lines in text (a last line without '\n' counts). */
int count_lines(const char *text);

void run_free(struct run *r);

/* The children of process pid, as Linux lists them in
 * /proc/PID/task/PID/children: stores up to max PIDs in out (out may be NULL
 * to only count) and returns how many there are, or -1 when pid is gone. */
int children_of(pid_t pid, pid_t *out, int max);

/* Polls until pid has at least want children: then a run is provably under
 * way. Returns 0, or -1 after timeout seconds or when pid has ended. The
 * 1 ms pause is a polling interval, not a guess: the condition is checked
 * each time. */
int wait_for_children(pid_t pid, int want, double timeout);

/* Every descendant of pid (children, their children, ...), as children_of
 * lists them: stores up to max PIDs in out and returns how many it stored. */
int descendants_of(pid_t pid, pid_t *out, int max);

/* The state letter of a process from /proc/PID/stat ('R' running, 'S'
 * sleeping, 'T' stopped, 'Z' zombie), or '?' when it is gone. */
char process_state(pid_t pid);

/* The value of a field of /proc/PID/status ("VmSize:", "SigBlk:"): the rest
 * of its line, copied into value (size bytes). Asserts the file can be read;
 * returns 0, or -1 when it has no such field. */
int proc_status(pid_t pid, const char *field, char *value, size_t size);

/* Polls until pid is stopped (state 'T'). Returns 0, or -1 after timeout
 * seconds or when it is gone. */
int wait_until_stopped(pid_t pid, double timeout);

/* Polls until none of the n processes is alive (each is gone or a zombie
 * waiting to be reaped). Returns 0, or the number still alive after timeout
 * seconds. */
int wait_until_dead(const pid_t *pids, int n, double timeout);

/* The --help contract (CONTRIBUTING.md): `program --help` (a path such as
 * "session1/session1") exits 0, prints "Usage: NAME" first on stdout and
 * each of the NULL-terminated `mentions` somewhere in it, nothing on stderr. */
void assert_help(const char *program, const char *const mentions[]);

/* The test of a program's --help: assert_help with the texts listed. */
#define HELP_TEST(name, program, ...) \
    START_TEST(name) \
    { \
        static const char *const mentions[] = { __VA_ARGS__, NULL }; \
        assert_help((program), mentions); \
    } \
    END_TEST

/* The bad-usage contract for one command line (split as run_cmd does):
 * exit 2, nothing on stdout, exactly two lines on stderr, the first starting
 * with `message` and the second "Try 'NAME --help' for more information.",
 * and no process left behind. */
void assert_bad_usage(const char *cmdline, const char *message);

/* The run-then-assert of most program tests, in one call: runs cmdline
 * (split as run_cmd does, with RUN_TIMEOUT) and asserts its exit code, its
 * stdout and its stderr (each compared whole; NULL: not compared), and that
 * no process was left behind. A failure names the command. */
void assert_run(const char *cmdline, int exit_code, const char *out, const char *err);

/* assert_run for a program whose output varies: its stdout must contain
 * each text listed (in any order). */
#define assert_prints(cmdline, exit_code, ...) \
    assert_prints_all((cmdline), (exit_code), (const char *const[]){ __VA_ARGS__, NULL })
void assert_prints_all(const char *cmdline, int exit_code, const char *const texts[]);

/* run_cmd, then the same checks (it ended by itself, with that exit code,
 * leaving no process behind); *r stays filled for the test's own checks of
 * r->out and r->err (run_free it). */
void run_checked(struct run *r, const char *cmdline, int exit_code);

/* run_checked with its own deadline, in seconds (as run_cmd_timeout). */
void run_checked_timeout(struct run *r, const char *cmdline, double seconds, int exit_code);

/* Runs `python3 twin` and asserts it exits 0 with nothing on stderr and
 * leaves no process behind; *r stays filled for the test's checks of its
 * stdout (run_free it). Returns 1, or 0 without python3 on PATH (one line
 * on stdout says the twin was not run; then there is nothing to free). */
int run_twin(struct run *r, const char *twin);

/* The Python twin prints what the C program prints: runs `python3 twin`
 * and `program` (command lines, split as run_cmd does) and asserts the twin
 * exits 0 with nothing on stderr and the same stdout as the program, and
 * neither leaves a process behind. Without python3 on PATH there is nothing
 * to compare: one line on stdout says so, and the test passes. */
void assert_same_as_twin(const char *twin, const char *program);

/* One bad command line and the start of its message (assert_bad_usage):
 * each session's tests keep a table of them. */
struct bad_usage {
    const char *cmd;
    const char *message;
};

/* The test of a session's table of bad command lines: a loop test (add_loop
 * over the table) that runs assert_bad_usage on row _i. */
#define BAD_USAGE_TEST(name, table) \
    START_TEST(name) { assert_bad_usage((table)[_i].cmd, (table)[_i].message); } END_TEST

/* 1 when this test program was built with AddressSanitizer (make
 * check-sanitize) or runs under valgrind (make check-valgrind): both need
 * far more address space than the program uses, so a test that caps it
 * (RLIMIT_AS) tests the checker, not the program, and says so instead. */
int under_a_memory_checker(void);

/* The first executable file named tool in a directory of PATH: its path in
 * found (size bytes). Returns 0, or -1 (found empty) when there is none. */
int find_on_path(const char *tool, char *found, size_t size);

/* 1 when an executable file named tool is in a directory of PATH, else 0. */
int tool_on_path(const char *tool);

/* The path of python3 found on PATH, or NULL when there is none (then the
 * Python twins' tests have nothing to compare and say so). */
const char *python3_path(void);

/* run_cmd with python3 in front: run_python(&r, "session1/session1.py").
 * Only call it when python3_path() is not NULL. */
void run_python(struct run *r, const char *cmdline);

/* The Pool's "Worker process id for N: PID" lines (session8 and its MPI
 * twin): pids[N] = PID for N in 1..max. Returns how many such lines out has. */
int worker_lines(const char *out, long pids[], int max);

/* The lesson file stays within a lesson's 150 lines. (The docs cite its
 * lines by labels, which tests/test_docs.c checks.) */
void assert_lesson_fits(const char *lesson);

#define LESSON_FITS_TEST(name, lesson) \
    START_TEST(name) \
    { \
        assert_lesson_fits(lesson); \
    } \
    END_TEST

/* The suite of a test file, tests/test_NAME.c: the runner creates it, named
 * NAME, and calls this function to fill it with the file's cases (add_case):
 *     TEST_SUITE(session1)
 *     {
 *         TCase *tc = add_case(s, "program", 30, default_output, help_names_every_option);
 *         ...
 *     }
 */
#define TEST_SUITE(name) \
    void fill_suite_##name(Suite *s); \
    void fill_suite_##name(Suite *s)

/* A test case in one call: adds to s a case named `name` holding the tests
 * listed (START_TEST names, run in that order), each with a deadline of
 * `seconds` (0: Check's default; Check scales it by CK_TIMEOUT_MULTIPLIER),
 * and returns it, for loop tests and fixtures:
 *     TCase *tc = add_case(s, "program", 30, default_output, help_names_every_option);
 *     add_loop(tc, bad_input_exits_2_with_one_line, bad_inputs);
 */
#define add_case(s, name, seconds, ...) \
    add_case_tests((s), (name), (seconds), (const TTest *const[]){ __VA_ARGS__, NULL })
TCase *add_case_tests(Suite *s, const char *name, double seconds, const TTest *const tests[]);

/* A loop test run once for each row of an array: _i = 0 .. rows - 1. */
#define add_loop(tc, test, rows) \
    tcase_add_loop_test((tc), (test), 0, (int)(sizeof (rows) / sizeof (rows)[0]))

#endif
