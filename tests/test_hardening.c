/* test_hardening.c - every program, attacked the same way: bad command lines
 * and signals in the middle of a run. The rules these tests enforce are in
 * CONTRIBUTING.md ("What every program keeps"); docs/testing.md explains the
 * tests and the make targets that run the suite under sanitizers and valgrind.
 */
#include "testutil.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ bad input */

/* One bad command line. Words are separated by spaces ('…' quotes a word, as
 * in run_cmd); the program's path is put in front. */
struct bad_input {
    int session;            /* 1..8 */
    const char *args;
    const char *why;        /* what the row tests, for the failure message */
};

/* Rows for options every program has (getopt_long and --help), applied to
 * each program that exists. */
static const struct bad_input every_program[] = {
    { 0, "--no-such-option", "unknown long option" },
    { 0, "-Z", "unknown short option" },
    { 0, "--help=yes", "a value given to an option that takes none" },
    { 0, "--he=1", "a value given to an abbreviation of --help" },
};

/* Rows for each program's own options and arguments. */
static const struct bad_input per_program[] = {
    { 1, "abc", "a list item that is not a number" },
    { 1, "1.5", "a list item that is not an integer" },
    { 1, "''", "an empty list item" },
    { 1, "' 7'", "a list item with a leading space" },
    { 1, "0x10", "a list item in hex" },
    { 1, "7abc", "a list item with trailing garbage" },
    { 1, "99999999999999999999", "a list item beyond a long" },
    { 1, "-- -99999999999999999999", "a negative list item beyond a long" },
    { 1, "3037000500", "a list item whose square overflows" },
    { 1, "-- -3037000500", "a negative list item whose square overflows" },
    { 1, "1 2 x 4", "one bad item among good ones" },
    { 1, "-v -v -x", "a bad option after good ones" },
    { 1, "-", "a lone dash for a list item" },
    { 2, "--type", "--type without its value" },
    { 2, "-t", "-t without its value" },
    { 2, "--type x", "an unknown type code" },
    { 2, "--type ii", "a type code with a trailing character" },
    { 2, "--type ''", "an empty type code" },
    { 2, "--type=", "an empty type code after =" },
    { 2, "abc", "a list item that is not a number" },
    { 2, "46341", "a square beyond a C int (type i)" },
    { 2, "-- -46341", "a negative item whose square is beyond a C int" },
    { 2, "46340 300", "a sum of squares beyond a C int" },
    { 2, "--type d 99999999999999999999", "a list item beyond a long (type d)" },
    { 2, "--type d ''", "an empty list item (type d)" },
    { 3, "--demo", "--demo without its value" },
    { 3, "--demo set", "an unknown demo" },
    { 3, "--demo ''", "an empty demo" },
    { 3, "--demo List", "a demo in the wrong case" },
    { 3, "--bench 0", "a zero benchmark" },
    { 3, "--bench 10000001", "too long a benchmark" },
    { 3, "--bench x", "a benchmark that is not a number" },
    { 3, "--serve", "--serve without its address" },
    { 3, "--serve nowhere --authkey-file /dev/null", "an address without a port" },
    { 3, "--serve :5000 --authkey-file /dev/null", "an address without a host" },
    { 3, "--serve 127.0.0.1: --authkey-file /dev/null", "an empty port" },
    { 3, "--serve 127.0.0.1:http --authkey-file /dev/null", "a port by name" },
    { 3, "--serve 127.0.0.1:5000x --authkey-file /dev/null", "a port with trailing garbage" },
    { 3, "--serve 127.0.0.1:-1 --authkey-file /dev/null", "a negative port" },
    { 3, "--serve 127.0.0.1:65536 --authkey-file /dev/null", "a port above 65535" },
    { 3, "--serve 127.0.0.1:99999999999999999999 --authkey-file /dev/null",
      "a port beyond a long" },
    { 3, "--connect 127.0.0.1:0 --print --authkey-file /dev/null", "connecting to port 0" },
    { 3, "--connect", "--connect without its address" },
    { 3, "--connect 127.0.0.1:5000", "--connect without an action" },
    { 3, "--connect 127.0.0.1:5000 --print --shutdown", "two actions" },
    { 3, "--connect 127.0.0.1:5000 --insert Jeff:8 --print", "--insert with --print" },
    { 3, "--print", "--print without --connect" },
    { 3, "--shutdown", "--shutdown without --connect" },
    { 3, "--insert Jeff:8", "--insert without --connect" },
    { 3, "--serve 127.0.0.1:0 --connect 127.0.0.1:5000 --print", "--serve with --connect" },
    { 3, "--serve 127.0.0.1:0 --demo dict", "--demo with --serve" },
    { 3, "--connect 127.0.0.1:5000 --print --bench 5", "--bench with --connect" },
    { 3, "--connect 127.0.0.1:5000 --insert", "--insert without its record" },
    { 3, "--connect 127.0.0.1:5000 --insert Jeff", "a record without a colon" },
    { 3, "--connect 127.0.0.1:5000 --insert :8", "a record without a name" },
    { 3, "--connect 127.0.0.1:5000 --insert Jeff:", "a record without a score" },
    { 3, "--connect 127.0.0.1:5000 --insert Jeff:x", "a score that is not a number" },
    { 3, "--connect 127.0.0.1:5000 --insert Jeff:1.5", "a score that is not an integer" },
    { 3, "--connect 127.0.0.1:5000 --insert Jeff:99999999999999999999",
      "a score beyond 64 bits" },
    { 3, "--connect 127.0.0.1:5000 --insert Jeff:-99999999999999999999",
      "a negative score beyond 64 bits" },
    { 3, "--connect 127.0.0.1:5000 --insert "
         "a234567890123456789012345678901234567890123456789012345678901234:8",
      "a name of 64 bytes" },
    { 3, "--connect 127.0.0.1:5000 --print=yes", "a value given to --print" },
    { 3, "--authkey-file /dev/null", "--authkey-file without --serve or --connect" },
    { 3, "--serve 127.0.0.1:0 --authkey-file", "--authkey-file without its file" },
    { 3, "--serve 127.0.0.1:0 --authkey-file /nonexistent/key", "a key file that is missing" },
    { 3, "--serve 127.0.0.1:0 --authkey-file /", "a key file that is a directory" },
    { 3, "--serve 127.0.0.1:0 --authkey-file /dev/null", "a key file that is a device" },
    { 3, "--connect 127.0.0.1:5000 --print --authkey-file /dev/null",
      "a key file that is a device, for a client" },
    { 3, "--serve [::1 --authkey-file /dev/null", "an IPv6 address without its bracket" },
    { 3, "--serve [::1]5000 --authkey-file /dev/null", "a bracket without a colon" },
    { 3, "--serve []:5000 --authkey-file /dev/null", "empty brackets" },
    { 3, "--connect [::1]: --print", "brackets with an empty port" },
    { 3, "--connect 127.0.0.1:5000 --print --timeout 0", "a zero timeout" },
    { 3, "--connect 127.0.0.1:5000 --print --timeout 3601", "too long a timeout" },
    { 3, "--connect 127.0.0.1:5000 --print --timeout x", "a timeout that is not a number" },
    { 3, "--timeout 5", "--timeout without --connect" },
    { 3, "--serve 127.0.0.1:0 --timeout 5", "--timeout with --serve" },
    { 3, "--connect 127.0.0.1:5000 --print --verbose", "--verbose with --connect" },
    { 3, "--connect 127.0.0.1:5000 --print extra", "an argument where only options are taken" },
    { 4, "--producers 0", "zero producers" },
    { 4, "-p", "-p without its value" },
    { 4, "-p 99999", "too many producers" },
    { 4, "--consumers abc", "consumers that are not a number" },
    { 4, "--count 0", "a zero count" },
    { 4, "--count 99999999999999999999", "a count beyond a long" },
    { 4, "--producers 64 --count 100000000", "more items in all than accepted" },
    { 4, "--maxsize -1", "a negative maxsize" },
    { 4, "--maxsize 1000001", "too big a maxsize" },
    { 4, "extra", "an argument where only options are taken" },
    { 4, "--concurrent --producers 2", "--concurrent with --producers" },
    { 4, "--concurrent --count 1", "--concurrent with too small a count" },
    { 4, "--concurrent=1", "a value given to --concurrent" },
    { 4, "--concurrent --count 65537", "--concurrent with a half too big for queue A" },
    { 4, "--concurrent --maxsize 3 --count 7", "--concurrent with a half too big for --maxsize" },
    { 5, "--bytes", "--bytes without its value" },
    { 5, "--bytes -1", "a negative byte count" },
    { 5, "--bytes 268435457", "more bytes than accepted" },
    { 5, "--bytes x", "bytes that are not a number" },
    { 5, "-b ''", "an empty byte count" },
    { 5, "--oneway --duplex", "--duplex with --oneway" },
    { 5, "--bytes 5 hello", "--bytes with messages" },
    { 5, "--both-send", "--both-send without its value" },
    { 5, "--both-send -1", "a negative --both-send size" },
    { 5, "--both-send 67108865", "a --both-send size above 64 MiB" },
    { 5, "--both-send 5 hello", "--both-send with messages" },
    { 5, "--both-send 5 --duplex", "--both-send with --duplex" },
    { 5, "--oneway --lockstep", "--lockstep with --oneway" },
    { 5, "--lockstep --duplex", "--lockstep with --duplex" },
    { 5, "--verbose=yes", "a value given to --verbose" },
    { 6, "--trials", "--trials without its value" },
    { 6, "--trials 0", "zero trials" },
    { 6, "--trials abc", "trials that are not a number" },
    { 6, "--trials 100001", "too many trials" },
    { 6, "--iterations -1", "negative iterations" },
    { 6, "--iterations 99999999999999999999", "iterations beyond a long" },
    { 6, "--balance -1", "a negative balance" },
    { 6, "--balance 1e3", "a balance in float notation" },
    { 6, "extra", "an argument where only options are taken" },
    { 6, "--csv --interleave", "--csv with --interleave" },
    { 6, "--summary --csv", "--summary with --csv" },
    { 6, "--interleave --trials 3", "--interleave with --trials" },
    { 7, "--interleave --iterations 5", "--interleave with --iterations" },
    { 7, "--lock", "--lock without its value" },
    { 7, "--lock=futex", "an unknown lock kind" },
    { 7, "--lock=''", "an empty lock kind" },
    { 7, "--lock=Mutex", "a lock kind in the wrong case" },
    { 7, "--kill-holder=1", "a value given to --kill-holder" },
    { 7, "--trials 0", "zero trials" },
    { 7, "--iterations 10000001", "too many iterations" },
    { 7, "x", "an argument where only options are taken" },
    { 6, "--explore 0", "--explore of zero updates" },
    { 6, "--explore 41", "--explore beyond its largest N" },
    { 6, "--explore x", "--explore that is not a number" },
    { 6, "--explore", "--explore without its value" },
    { 6, "--explore 3 --interleave", "--explore with --interleave" },
    { 6, "--explore 3 --trials 5", "--explore with --trials" },
    { 6, "--explore 3 --summary", "--explore with --summary" },
    { 7, "--explore -1", "a negative --explore" },
    { 7, "--explore 2 --iterations 4", "--explore with --iterations" },
    { 7, "--explore 2 --deadlock", "--explore with --deadlock" },
    { 7, "--deadlock=1", "a value given to --deadlock" },
    { 7, "--deadlock --csv", "--deadlock with --csv" },
    { 7, "--deadlock --trials 2", "--deadlock with --trials" },
    { 7, "--ordered", "--ordered without --deadlock" },
    { 7, "--ordered=yes --deadlock", "a value given to --ordered" },
    { 8, "--processes 0", "zero worker processes" },
    { 8, "-p 257", "too many worker processes" },
    { 8, "-p", "-p without its value" },
    { 8, "--chunksize 0", "a zero chunk size" },
    { 8, "-c", "-c without its value" },
    { 8, "--range 0", "an empty range" },
    { 8, "--range 5 1 2", "--range together with a list" },
    { 8, "--serial -p 2", "--serial with a pool option" },
    { 8, "--work -1", "negative work" },
    { 8, "--crash-on x", "--crash-on that is not a number" },
    { 8, "--crash-on 9 1 2 3", "--crash-on an item not in the list" },
    { 8, "-m 0", "zero tasks per child" },
    { 8, "--timeline", "--timeline without its file" },
    { 8, "1.5", "a list item that is not an integer" },
    { 8, "99999999999999999999", "a list item beyond a long" },
    /* One past each limit (the largest accepted value is in accepted_limits). */
    { 4, "--producers 65", "one producer more than accepted" },
    { 4, "--consumers 65", "one consumer more than accepted" },
    { 4, "--count 100000001", "one item more than accepted" },
    { 4, "--producers 64 --count 1562501", "64 producers, one item each more than accepted" },
    { 6, "--iterations 10000001", "one iteration more than accepted" },
    { 6, "--balance 1000000001", "a balance one more than accepted" },
    { 7, "--trials 100001", "one trial more than accepted" },
    { 7, "--balance 1000000001", "a balance one more than accepted" },
    { 8, "-p 129", "one worker process more than accepted" },
    { 8, "--range 10000001", "a range one longer than accepted" },
    { 8, "--work 1000000001", "work one more than accepted" },
    { 8, "3037000500", "a list item whose square overflows" },
    { 8, "-- -3037000500", "a negative list item whose square overflows" },
};

/* The largest value each limit accepts, the twin of a row above that is one
 * past it: together they pin the limit exactly, so an off-by-one in either
 * direction fails a test. A quick row must run to exit 0; a long row
 * (minutes of work) is accepted once it has started a child process, which
 * bad usage never does, and is then stopped with SIGTERM. */
struct accepted_limit {
    int session;
    int quick;
    const char *args;
};

static const struct accepted_limit accepted_limits[] = {
    { 1, 1, "3037000499" },
    { 1, 1, "-- -3037000499" },
    { 2, 1, "46340" },
    { 2, 1, "-- -46340" },
    { 3, 0, "--bench 10000000" },
    { 4, 1, "--producers 64 --consumers 64 --count 1" },
    { 4, 1, "--maxsize 1000000 --count 10" },
    { 4, 0, "--count 100000000" },
    { 4, 0, "--producers 64 --count 1562500" },
    { 5, 0, "--bytes 268435456" },
    { 6, 0, "--trials 100000" },
    { 6, 0, "--iterations 10000000" },
    { 6, 1, "--trials 1 --iterations 1 --balance 1000000000" },
    { 7, 0, "--trials 100000" },
    { 7, 0, "--iterations 10000000" },
    { 7, 1, "--trials 1 --iterations 1 --balance 1000000000" },
    { 8, 1, "-p 128 --range 200" },
    { 8, 0, "--range 10000000" },
    { 8, 0, "--work 1000000000 1" },
    { 8, 1, "-- 3037000499 -3037000499" },
};

/* The programs of the suite that are built in this tree: sessions land one
 * by one, and each is tested as soon as it exists. */
static int programs[8];
static int program_count;

static void find_programs(void)
{
    char path[32];

    program_count = 0;
    for (int n = 1; n <= 8; n++) {
        snprintf(path, sizeof path, "session%d/session%d", n, n);
        if (access(path, X_OK) == 0)
            programs[program_count++] = n;
    }
}

/* The contract: exit 2, nothing on stdout, exactly two lines on stderr (the
 * problem, prefixed by the program's name, then the Try line), and no process
 * left behind (so no child was started, or it was reaped). */
static void assert_rejected(int session, const char *args, const char *why)
{
    char cmd[512], prefix[32], try_line[64];
    struct run r;

    snprintf(cmd, sizeof cmd, "session%d/session%d %s", session, session, args);
    snprintf(prefix, sizeof prefix, "session%d: ", session);
    snprintf(try_line, sizeof try_line,
             "\nTry 'session%d --help' for more information.\n", session);
    run_cmd(&r, cmd);
    ck_assert_msg(run_exit_code(&r) == 2, "%s (%s): exit %d, stderr '%s'",
                  cmd, why, run_exit_code(&r), r.err);
    ck_assert_msg(r.out_len == 0, "%s (%s): stdout '%s'", cmd, why, r.out);
    ck_assert_msg(strncmp(r.err, prefix, strlen(prefix)) == 0 && count_lines(r.err) == 2,
                  "%s (%s): stderr '%s'", cmd, why, r.err);
    ck_assert_msg(strstr(r.err, try_line) != NULL, "%s (%s): no Try line in '%s'",
                  cmd, why, r.err);
    ck_assert_int_eq(r.strays, 0);
    ck_assert(!r.timed_out);
    run_free(&r);
}

/* --help comes from the program's option table (args.h): on stdout, exit 0,
 * every line within 80 columns, each option's help starting in one column,
 * and -h, --help last before the closing paragraph. */
START_TEST(every_help_fits_80_columns_in_one_column)
{
    char cmd[64];
    const char *line, *rows, *help_row;
    struct run r;
    int column;

    snprintf(cmd, sizeof cmd, "session%d/session%d --help", programs[_i], programs[_i]);
    run_cmd(&r, cmd);
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_uint_eq(r.err_len, 0);
    rows = strstr(r.out, "\n\n");
    help_row = strstr(r.out, "\n  -h, --help ");
    ck_assert_msg(rows != NULL && help_row != NULL, "%s: no rows, or no -h row", cmd);
    column = (int)(strstr(help_row, "print this help") - help_row - 1);
    for (line = r.out; *line != '\0'; line = strchr(line, '\n') + 1) {
        int len = (int)(strchr(line, '\n') - line);
        const char *gap = memchr(line + strspn(line, " "), ' ', (size_t)len - strspn(line, " "));

        ck_assert_msg(len <= 80, "%s: a line of %d columns: %.*s", cmd, len, len, line);
        /* In the rows, the help text starts at the column: on the row's own
         * line after its name, or on the next line when the name is wide. */
        if (line > rows && line <= help_row + 1 && len > column && gap != NULL)
            ck_assert_msg(line[column - 1] == ' ' && line[column] != ' ',
                          "%s: not aligned at column %d: %.*s", cmd, column, len, line);
    }
    run_free(&r);
}
END_TEST

START_TEST(every_program_rejects_bad_options_with_exit_2)
{
    const struct bad_input *row = &every_program[_i % (int)(sizeof every_program
                                                            / sizeof every_program[0])];
    int session = programs[_i / (int)(sizeof every_program / sizeof every_program[0])];

    assert_rejected(session, row->args, row->why);
}
END_TEST

START_TEST(each_program_rejects_its_own_bad_values_with_exit_2)
{
    const struct bad_input *row = &per_program[_i];
    char path[32];

    snprintf(path, sizeof path, "session%d/session%d", row->session, row->session);
    ck_assert_msg(access(path, X_OK) == 0, "%s is not built", path);
    assert_rejected(row->session, row->args, row->why);
}
END_TEST

START_TEST(each_limit_accepts_its_largest_value)
{
    const struct accepted_limit *row = &accepted_limits[_i];
    char cmd[512], *words[16], *storage;
    struct spawned s;
    struct run r;

    snprintf(cmd, sizeof cmd, "session%d/session%d %s", row->session, row->session, row->args);
    split_cmdline(cmd, words, 16, &storage);
    ck_assert_msg(access(words[0], X_OK) == 0, "%s is not built", words[0]);
    ck_assert_int_eq(spawn_start(&s, words), 0);
    free(storage);
    if (!row->quick) {
        ck_assert_msg(wait_for_children(s.pid, 1, RUN_TIMEOUT) == 0,
                      "%s: refused or ended without starting a child", cmd);
        kill(s.pid, SIGTERM);
    }
    spawn_finish(&s, RUN_TIMEOUT, &r);
    ck_assert_msg(!r.timed_out, "%s: timed out", cmd);
    ck_assert_msg(run_exit_code(&r) == (row->quick ? 0 : 128 + SIGTERM),
                  "%s: exit %d, stderr '%s'", cmd, run_exit_code(&r), r.err);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* -------------------------------------------------------- broken output */

/* Runs that print and end by themselves. Each is tried with a stdout that
 * cannot be written in three ways (below). Rows with session 0 are applied
 * to every program: its default run and its --help. */
struct output_run {
    int session;
    const char *args;
};

static const struct output_run output_runs[] = {
    { 0, "" },
    { 0, "--help" },
    { 3, "--demo dict" },
    { 4, "--producers 2 --consumers 2 --count 100" },
    { 4, "--concurrent" },
    { 5, "--oneway a b c" },
    { 5, "--bytes 100000" },
    { 6, "--csv --trials 3" },
    { 7, "--lock spin" },
    { 8, "--range 1000 -p 3 --trace /dev/null" },
    { 8, "--serial 1 2 3" },
};

#define OUTPUT_WAYS 3   /* STDOUT_DEV_FULL, STDOUT_CLOSED, STDOUT_READER_GONE */

/* The rows, with the every-program rows expanded: fills cmd for row i and
 * returns 1, or returns 0 when i is past the end. */
static int output_run_cmd(int i, char *cmd, size_t size)
{
    int every = 0;

    for (size_t k = 0; k < sizeof output_runs / sizeof output_runs[0]; k++)
        every += output_runs[k].session == 0;
    if (i < every * program_count) {
        int n = programs[i / every];

        snprintf(cmd, size, "session%d/session%d %s", n, n, output_runs[i % every].args);
        return 1;
    }
    i -= every * program_count;
    for (size_t k = 0; k < sizeof output_runs / sizeof output_runs[0]; k++)
        if (output_runs[k].session != 0 && i-- == 0) {
            snprintf(cmd, size, "session%d/session%d %s", output_runs[k].session,
                     output_runs[k].session, output_runs[k].args);
            return 1;
        }
    return 0;
}

static int output_run_count(void)
{
    char cmd[256];
    int n = 0;

    while (output_run_cmd(n, cmd, sizeof cmd))
        n++;
    return n;
}

/* A full disk (/dev/full) and a closed descriptor (>&-) are write errors:
 * exactly one line "sessionN: write error: REASON", exit 1, whichever
 * process (the parent or a child that prints) met it first. A reader that
 * has gone (`| head`) ends the program as it ends any program of a
 * pipeline, by SIGPIPE and silently; a program that ignores SIGPIPE must
 * still end, with one line naming the broken pipe. */
/* session6's one note when its processes cannot run at once ("... so the
 * two processes take turns: ...") is information, printed before any output,
 * not an error line: the error is what follows it. */
static const char *after_notes(const char *err)
{
    const char *nl = strchr(err, '\n');

    if (nl != NULL && strstr(err, "so the two processes take turns") != NULL
        && strstr(err, "so the two processes take turns") < nl)
        return nl + 1;
    return err;
}

START_TEST(output_that_cannot_be_written_is_one_line_and_a_failure)
{
    static const enum stdout_to ways[OUTPUT_WAYS] = {
        STDOUT_DEV_FULL, STDOUT_CLOSED, STDOUT_READER_GONE,
    };
    static const char *const reasons[OUTPUT_WAYS] = {
        "No space left on device", "Bad file descriptor", "Broken pipe",
    };
    enum stdout_to way = ways[_i % OUTPUT_WAYS];
    char cmd[256], expected[128];
    const char *err;
    struct run r;
    int n;

    ck_assert(output_run_cmd(_i / OUTPUT_WAYS, cmd, sizeof cmd));
    ck_assert_int_eq(sscanf(cmd, "session%d", &n), 1);
    run_cmd_stdout(&r, cmd, way);
    ck_assert_msg(!r.timed_out, "%s (stdout: %s): did not end", cmd, reasons[_i % OUTPUT_WAYS]);
    ck_assert_msg(r.strays == 0, "%s: %d processes left", cmd, r.strays);
    snprintf(expected, sizeof expected, "session%d: write error: %s\n", n,
             reasons[_i % OUTPUT_WAYS]);
    err = after_notes(r.err);
    if (way == STDOUT_READER_GONE) {
        /* Not an error but the end of a pipeline (docs/testing.md): quietly,
         * by SIGPIPE, whichever process found the reader gone. */
        ck_assert_msg(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGPIPE && err[0] == '\0',
                      "%s (reader gone): status %#x, stderr '%s'", cmd, r.status, r.err);
    } else {
        ck_assert_msg(run_exit_code(&r) == 1 && strcmp(err, expected) == 0,
                      "%s (stdout: %s): exit %d, stderr '%s'", cmd, reasons[_i % OUTPUT_WAYS],
                      run_exit_code(&r), r.err);
    }
    run_free(&r);
}
END_TEST

/* -------------------------------------------------------------- signals */

/* A run that is provably in the middle: the child has printed its first
 * words, and it cannot finish, because its output is bigger than the pipe
 * buffer and the test stops reading. The parent is meanwhile waiting for it,
 * with its handler installed (the programs install it before proc_start). */
struct mid_run {
    int session;
    const char *extra;      /* options before the long list, or "" */
    const char *item;       /* the list item, repeated */
    const char *first_words;
};

/* The first LIST_RUNS print the whole list as one Python list. */
#define LIST_RUNS 2
static const struct mid_run mid_runs[] = {
    { 1, "", "3037000499", "Result(in process p1): [" },
    { 2, "--type=d", "123456", "Result(in process p1): [" },
    { 5, "", "a-message", "Sent the message: a-message\n" },
    { 5, "--duplex", "a-message", "Sent the message: a-message\n" },
    { 5, "--lockstep", "a-message", "Sent the message: a-message\n" },
    { 5, "--wait=spin", "a-message", "Sent the message: a-message\n" },
};

/* Programs that run for minutes with these options: once a child process
 * exists, the run is under way (a trial with its two processes running, a
 * pool mapping with its workers). */
struct long_run {
    const char *cmd;
};

static const struct long_run long_runs[] = {
    { "session4/session4 --producers 4 --consumers 1 --count 25000000 --maxsize 1" },
    { "session6/session6 --trials 100000" },
    { "session7/session7 --trials 100000" },
    { "session7/session7 --trials 100000 --lock mutex" },
    { "session7/session7 --trials 100000 --lock spin" },
    { "session8/session8 --range 10000000" },
    { "session3/session3 --bench 10000000" },
};

#define LONG_LIST 30000     /* items: about 400 KB of output, pipes hold 64 KB */

static void start_mid_run(const struct mid_run *m, struct spawned *s)
{
    char cmd[64];
    char **argv;

    snprintf(cmd, sizeof cmd, "session%d/session%d %s --", m->session, m->session, m->extra);
    argv = argv_with_list(cmd, m->item, LONG_LIST);
    ck_assert_int_eq(spawn_start(s, argv), 0);
    free(argv);
    ck_assert_msg(spawn_wait_for(s, m->first_words, RUN_TIMEOUT) == 0,
                  "session%d never printed '%s'", m->session, m->first_words);
}

/* sig goes to the program itself (target 0) or to its whole process group,
 * as Ctrl-C in a terminal does (target 1). */
static void assert_stops_on(int sig, int whole_group, const struct mid_run *m)
{
    struct spawned s;
    struct run r;

    start_mid_run(m, &s);
    ck_assert_int_eq(kill(whole_group ? -s.pid : s.pid, sig), 0);
    spawn_finish(&s, RUN_TIMEOUT, &r);
    ck_assert_msg(!r.timed_out, "session%d did not stop on signal %d", m->session, sig);
    ck_assert_msg(run_exit_code(&r) == 128 + sig,
                  "session%d: status 0x%x after signal %d, stderr '%s'",
                  m->session, (unsigned)r.status, sig, r.err);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}

/* The same for the long runs: signal 0 is SIGINT, 1 SIGTERM, 2 SIGINT to
 * the whole group (Ctrl-C). */
static void assert_long_run_stops(const struct long_run *l, int how)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGINT };
    char *words[16], *storage;
    struct spawned s;
    struct run r;

    split_cmdline(l->cmd, words, 16, &storage);
    ck_assert_msg(access(words[0], X_OK) == 0, "%s is not built", words[0]);
    ck_assert_int_eq(spawn_start(&s, words), 0);
    free(storage);
    ck_assert_msg(wait_for_children(s.pid, 1, RUN_TIMEOUT) == 0,
                  "%s never started a child process", l->cmd);
    ck_assert_int_eq(kill(how == 2 ? -s.pid : s.pid, sigs[how]), 0);
    spawn_finish(&s, RUN_TIMEOUT, &r);
    ck_assert_msg(!r.timed_out, "%s did not stop on signal %d", l->cmd, sigs[how]);
    ck_assert_msg(run_exit_code(&r) == 128 + sigs[how], "%s: status 0x%x after signal %d, stderr '%s'",
                  l->cmd, (unsigned)r.status, sigs[how], r.err);
    ck_assert_msg(r.strays == 0, "%s left %d processes", l->cmd, r.strays);
    run_free(&r);
}

START_TEST(long_runs_stop_on_sigint_sigterm_and_ctrl_c)
{
    assert_long_run_stops(&long_runs[_i / 3], _i % 3);
}
END_TEST

/* Every run with children above: the long runs first, then the mid runs.
 * Starts row i and returns once it has a child process. */
static int runs_with_children(void)
{
    return (int)(sizeof long_runs / sizeof long_runs[0] + sizeof mid_runs / sizeof mid_runs[0]);
}

static void start_run_with_children(int i, struct spawned *s, char *name, size_t size)
{
    int longs = (int)(sizeof long_runs / sizeof long_runs[0]);

    if (i < longs) {
        char *words[16], *storage;

        snprintf(name, size, "%s", long_runs[i].cmd);
        split_cmdline(long_runs[i].cmd, words, 16, &storage);
        ck_assert_msg(access(words[0], X_OK) == 0, "%s is not built", words[0]);
        ck_assert_int_eq(spawn_start(s, words), 0);
        free(storage);
    } else {
        snprintf(name, size, "session%d (mid run)", mid_runs[i - longs].session);
        start_mid_run(&mid_runs[i - longs], s);
    }
    ck_assert_msg(wait_for_children(s->pid, 1, RUN_TIMEOUT) == 0,
                  "%s never started a child process", name);
}

/* A child stopped by SIGSTOP (or by Ctrl-Z's SIGTSTP) acts on nothing but
 * SIGKILL and SIGCONT: the program's SIGTERM handler must still end the
 * run promptly, 143, nothing left behind. */
START_TEST(sigterm_ends_the_run_even_when_a_child_is_stopped)
{
    int stop = _i % 2 == 0 ? SIGSTOP : SIGTSTP;
    char name[256];
    struct spawned s;
    struct run r;
    pid_t stopped = -1, kids[64];

    start_run_with_children(_i / 2, &s, name, sizeof name);
    /* A trial's children live for milliseconds: one may end before the
     * signal reaches it, then the next one is tried. */
    for (int tries = 0; stopped == -1 && tries < 1000; tries++)
        if (children_of(s.pid, kids, 64) > 0 && kill(kids[0], stop) == 0
            && wait_until_stopped(kids[0], 1.0) == 0)
            stopped = kids[0];
    ck_assert_msg(stopped != -1, "%s: no child could be stopped with signal %d", name, stop);
    ck_assert_int_eq(kill(s.pid, SIGTERM), 0);
    spawn_finish(&s, test_seconds(4), &r);
    ck_assert_msg(!r.timed_out, "%s hung on SIGTERM with child %ld stopped", name, (long)stopped);
    ck_assert_msg(run_exit_code(&r) == 143, "%s: status 0x%x, stderr '%s'", name,
                  (unsigned)r.status, r.err);
    ck_assert_msg(r.strays == 0, "%s left %d processes", name, r.strays);
    run_free(&r);
}
END_TEST

/* SIGKILL cannot be handled, so the program cannot stop its children
 * itself: each child must end on its own when the parent dies (the kernel
 * tells it, PR_SET_PDEATHSIG). The test process is a subreaper, so a
 * survivor would be re-parented to it and stay visible. */
START_TEST(children_end_when_the_parent_is_killed_with_sigkill)
{
    char name[256];
    struct spawned s;
    struct run r;
    pid_t family[256];
    int n = 0, alive;

    start_run_with_children(_i, &s, name, sizeof name);
    for (int tries = 0; n == 0 && tries < 1000; tries++)
        n = descendants_of(s.pid, family, 256);     /* 0 between two trials */
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(kill(s.pid, SIGKILL), 0);
    alive = wait_until_dead(family, n, 3.0);
    ck_assert_msg(alive == 0, "%s: %d of its %d descendants outlived it", name, alive, n);
    spawn_finish(&s, RUN_TIMEOUT, &r);    /* reaps the dead, which count as strays here */
    ck_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL);
    run_free(&r);
}
END_TEST

START_TEST(sigint_mid_run_exits_130_and_reaps_the_child)
{
    assert_stops_on(SIGINT, 0, &mid_runs[_i]);
}
END_TEST

START_TEST(sigterm_mid_run_exits_143_and_reaps_the_child)
{
    assert_stops_on(SIGTERM, 0, &mid_runs[_i]);
}
END_TEST

START_TEST(ctrl_c_to_the_whole_group_exits_130)
{
    assert_stops_on(SIGINT, 1, &mid_runs[_i]);
}
END_TEST

/* Without a signal, the same long run finishes and prints every item: the
 * signal tests above stop a run that would otherwise have succeeded. */
START_TEST(the_long_run_finishes_when_left_alone)
{
    struct spawned s;
    struct run r;
    size_t items = 0;

    start_mid_run(&mid_runs[_i], &s);
    finish_checked(&s, RUN_TIMEOUT, &r, 0);
    for (const char *p = strchr(r.out, '['); p != NULL && *p != '\n'; p++)
        items += *p == ',';
    ck_assert_uint_eq(items + 1, LONG_LIST);
    run_free(&r);
}
END_TEST

/* --------------------------------------------------------------- faults */

/* A child killed with SIGKILL at an unplanned moment. Each run below has
 * minutes of work, so it cannot end by itself before the test strikes;
 * which child, and after what pause, come from a seeded generator, so a
 * failure can be repeated with the same seed. The program must then fail by
 * itself, promptly: exit 1, one line saying which process was killed by
 * SIGKILL, and no process left behind. */
static const char *const fault_runs[] = {
    "session4/session4 --producers 2 --consumers 2 --count 25000000 --maxsize 1",
    "session6/session6 --trials 100000",
    "session7/session7 --trials 100000 --lock mutex",
    "session7/session7 --trials 100000 --lock semaphore",
    "session7/session7 --trials 100000 --lock spin",
    "session8/session8 --range 10000000 --quiet --work 100",
};
#define FAULT_SEEDS 3

/* Kills one child of parent, chosen with seed, and returns its PID (or -1
 * after timeout seconds). A child that has just finished is a zombie until
 * it is reaped, and SIGKILL to a zombie does nothing, so the child is
 * stopped first: a stopped process cannot exit by itself, and state 'T'
 * proves the SIGKILL that follows hits a live child. The 1 ms pauses are
 * polling intervals; each time the condition itself is checked. */
static pid_t stop_and_kill_a_child(pid_t parent, unsigned *seed, double timeout)
{
    struct timespec tick = { 0, 1000L * 1000 };
    pid_t kids[64];

    for (long waited = 0; waited < (long)(timeout * 1000); waited++) {
        int n = children_of(parent, kids, 64);

        if (n == -1)
            return -1;          /* the program is gone */
        if (n > 64)
            n = 64;
        if (n > 0) {
            pid_t victim = kids[rand_r(seed) % (unsigned)n];
            char state = '?';

            if (kill(victim, SIGSTOP) == 0)
                for (int i = 0; i < 1000; i++) {
                    state = process_state(victim);
                    if (state == 'T' || state == 'Z' || state == '?')
                        break;
                    nanosleep(&tick, NULL);
                }
            if (state == 'T') {
                kill(victim, SIGKILL);
                return victim;
            }
            continue;           /* it was ending: choose again */
        }
        nanosleep(&tick, NULL);
    }
    return -1;
}

START_TEST(a_child_killed_at_a_random_point_never_hangs_the_run)
{
    const char *cmd = fault_runs[_i / FAULT_SEEDS];
    unsigned seed = (unsigned)(_i % FAULT_SEEDS) + 1;
    char *words[16], *storage;
    struct timespec pause = { 0, 0 };
    struct spawned s;
    struct run r;
    pid_t killed;

    split_cmdline(cmd, words, 16, &storage);
    ck_assert_msg(access(words[0], X_OK) == 0, "%s is not built", words[0]);
    ck_assert_int_eq(spawn_start(&s, words), 0);
    free(storage);
    ck_assert_msg(wait_for_children(s.pid, 1, RUN_TIMEOUT) == 0, "%s started no child", cmd);
    /* The random point: 0 to 49 ms into the run, from the seed. */
    pause.tv_nsec = (long)(rand_r(&seed) % 50) * 1000L * 1000;
    nanosleep(&pause, NULL);
    killed = stop_and_kill_a_child(s.pid, &seed, RUN_TIMEOUT);
    ck_assert_msg(killed > 0, "%s (seed %u): no live child to kill", cmd,
                  (unsigned)(_i % FAULT_SEEDS) + 1);
    spawn_finish(&s, RUN_TIMEOUT, &r);
    ck_assert_msg(!r.timed_out, "%s (seed %u) hung after child %ld was killed", cmd,
                  (unsigned)(_i % FAULT_SEEDS) + 1, (long)killed);
    ck_assert_msg(run_exit_code(&r) == 1 && count_lines(r.err) == 1
                  && strncmp(r.err, "session", 7) == 0
                  && strstr(r.err, "killed by SIGKILL") != NULL,
                  "%s (seed %u): exit %d, stderr '%s'", cmd,
                  (unsigned)(_i % FAULT_SEEDS) + 1, run_exit_code(&r), r.err);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* ----------------------------------------------------------------- load */

/* 4 producers and 4 consumers move a million items through one queue;
 * session4 marks every item it receives, so "none lost or duplicated" is a
 * check of each item, not just of a count. */
START_TEST(queue_moves_a_million_items_with_4_producers_and_4_consumers)
{
    struct run r;

    run_checked(&r, "session4/session4 --producers 4 --consumers 4 --count 250000", 0);
    ck_assert_msg(strstr(r.out, "received 1000000 of 1000000 items, none lost or duplicated\n")
                  != NULL, "got '%s'", r.out);
    run_free(&r);
}
END_TEST

/* ------------------------------------------------------ nothing in /dev/shm */

/* A program can only leave something behind in /dev/shm through a named
 * object; the suite uses anonymous shared memory and unnamed semaphores
 * instead, so no source file may call the functions that create names. This
 * reads the sources rather than watching /dev/shm, which other programs on
 * the machine may be using at the same moment. */
static const char *const named_ipc_calls[] = {
    "shm_open(", "sem_open(", "mq_open(", "shmget(", "semget(", "msgget(",
};

/* Labs that create a named object on purpose, to show how not to leak it:
 * each unlinks the name at once, and its own test kills it with SIGKILL at
 * several points and finds nothing left in /dev/shm. */
static const char *const named_ipc_labs[] = {
    "session2/named.c",     /* --named; tests/test_session2.c */
};

static int is_named_ipc_lab(const char *path)
{
    for (size_t i = 0; i < sizeof named_ipc_labs / sizeof named_ipc_labs[0]; i++)
        if (strcmp(path, named_ipc_labs[i]) == 0)
            return 1;
    return 0;
}

/* A .c or .h file at path (but a named-IPC lab): fails on a named-IPC call
 * and returns 1. Any other file: 0. */
static int scan_file_for_named_ipc(const char *path, void *unused)
{
    size_t n = strlen(path);
    char line[1024];
    FILE *f;
    int lineno = 0;

    (void)unused;
    if (n < 3 || path[n - 2] != '.' || (path[n - 1] != 'c' && path[n - 1] != 'h')
        || is_named_ipc_lab(path))
        return 0;
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    while (fgets(line, sizeof line, f) != NULL) {
        const char *text = line + strspn(line, " \t");

        lineno++;
        if (text[0] == '*' || strncmp(text, "/*", 2) == 0 || strncmp(text, "//", 2) == 0)
            continue;       /* a comment may name what the code avoids */
        for (size_t i = 0; i < sizeof named_ipc_calls / sizeof named_ipc_calls[0]; i++)
            ck_assert_msg(strstr(line, named_ipc_calls[i]) == NULL,
                          "%s:%d calls %s): named IPC can outlive the program",
                          path, lineno, named_ipc_calls[i]);
    }
    fclose(f);
    return 1;
}

/* Returns how many .c/.h files of dir were read; fails on a named-IPC call. */
static int scan_for_named_ipc(const char *dir)
{
    return each_file(dir, scan_file_for_named_ipc, NULL);
}

START_TEST(no_source_creates_named_ipc_objects)
{
    char dir[16];
    int files = scan_for_named_ipc("common");

    ck_assert_int_gt(files, 0);
    for (int n = 1; n <= 8; n++) {
        snprintf(dir, sizeof dir, "session%d", n);
        files += scan_for_named_ipc(dir);
    }
    ck_assert_int_gt(files, program_count);
}
END_TEST

TEST_SUITE(hardening)
{
    TCase *bad = add_case(s, "bad input", 10, NULL);
    TCase *sig = add_case(s, "signals", 10, NULL);
    TCase *ipc = add_case(s, "cleanup, faults, load", 10, no_source_creates_named_ipc_objects,
                          queue_moves_a_million_items_with_4_producers_and_4_consumers);
    TCase *out = add_case(s, "broken output", 10, NULL);
    int rows = (int)(sizeof every_program / sizeof every_program[0]);
    int runs = (int)(sizeof mid_runs / sizeof mid_runs[0]);

    find_programs();
    tcase_add_loop_test(bad, every_program_rejects_bad_options_with_exit_2,
                        0, rows * program_count);
    tcase_add_loop_test(bad, every_help_fits_80_columns_in_one_column, 0, program_count);
    add_loop(bad, each_program_rejects_its_own_bad_values_with_exit_2, per_program);
    add_loop(bad, each_limit_accepts_its_largest_value, accepted_limits);

    tcase_add_loop_test(out, output_that_cannot_be_written_is_one_line_and_a_failure,
                        0, OUTPUT_WAYS * output_run_count());

    tcase_add_loop_test(sig, sigint_mid_run_exits_130_and_reaps_the_child, 0, runs);
    tcase_add_loop_test(sig, sigterm_mid_run_exits_143_and_reaps_the_child, 0, runs);
    tcase_add_loop_test(sig, ctrl_c_to_the_whole_group_exits_130, 0, runs);
    tcase_add_loop_test(sig, the_long_run_finishes_when_left_alone, 0, LIST_RUNS);
    tcase_add_loop_test(sig, long_runs_stop_on_sigint_sigterm_and_ctrl_c, 0,
                        3 * (int)(sizeof long_runs / sizeof long_runs[0]));
    tcase_add_loop_test(sig, sigterm_ends_the_run_even_when_a_child_is_stopped, 0,
                        2 * runs_with_children());
    tcase_add_loop_test(sig, children_end_when_the_parent_is_killed_with_sigkill, 0,
                        runs_with_children());

    tcase_add_loop_test(ipc, a_child_killed_at_a_random_point_never_hangs_the_run, 0,
                        FAULT_SEEDS * (int)(sizeof fault_runs / sizeof fault_runs[0]));
}
