/* test_syscalls.c - tools/syscalls counts what strace saw, and every claim
 * the docs make about the calls underneath Python (and C) holds in a real
 * strace of the program it names (docs/syscalls.md explains the tables; each
 * session's is on its docs/sessionN-further.md).
 *
 * A claim is a marker on the line before the sentence that makes it:
 *
 *     <!-- syscall-claim: SIDE WHAT KIND OP N -->
 *
 * SIDE is py or c, WHAT a session number (or, for py, a Python script),
 * KIND one of tools/syscalls' kinds, OP one of == >= <=. The test records
 * each (SIDE, WHAT) once and checks every claim about it. Without strace or
 * python3 the claims are not checked and the test says so.
 */
#define _GNU_SOURCE             /* getline, strdup in POSIX 2008 */
#include "testutil.h"

#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CLAIMS 128
#define MARKER "<!-- syscall-claim:"

struct claim {
    char side[4], what[64], kind[32], op[4];
    long n;
    char where[64];         /* page:line */
};

/* The count of kind in "kind count\n..." (tools/syscalls' counts), or -1. */
static long count_of(const char *counts, const char *kind)
{
    size_t k = strlen(kind);

    for (const char *p = counts; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (strncmp(p, kind, k) == 0 && p[k] == ' ')
            return strtol(p + k + 1, NULL, 10);
    return -1;
}

static int holds(long have_n, const char *op, long n)
{
    if (strcmp(op, "==") == 0)
        return have_n == n;
    if (strcmp(op, ">=") == 0)
        return have_n >= n;
    if (strcmp(op, "<=") == 0)
        return have_n <= n;
    return -1;
}

/* Adds the claims of one page to c[*n..max-1]. */
static void read_page_claims(const char *page, struct claim *c, int *n, int max)
{
    FILE *f = fopen(page, "r");
    char *line = NULL;
    size_t cap = 0;
    int no = 0;

    ck_assert_msg(f != NULL, "cannot open %s", page);
    while (getline(&line, &cap, f) != -1) {
        char *m = strstr(line, MARKER);

        no++;
        if (m == NULL)
            continue;
        ck_assert_msg(*n < max, "more than %d claims", max);
        snprintf(c[*n].where, sizeof c[*n].where, "%s:%d", page, no);
        ck_assert_msg(sscanf(m + strlen(MARKER), " %3s %63s %31s %3s %ld -->", c[*n].side,
                             c[*n].what, c[*n].kind, c[*n].op, &c[*n].n) == 5,
                      "%s: a claim is 'SIDE WHAT KIND OP N'", c[*n].where);
        ck_assert_msg(holds(0, c[*n].op, 0) != -1, "%s: OP is ==, >= or <=", c[*n].where);
        (*n)++;
    }
    free(line);
    fclose(f);
}

/* Every claim of every page in docs/. */
static int read_claims(struct claim *c, int max)
{
    glob_t pages;
    int n = 0;

    ck_assert_int_eq(glob("docs/*.md", 0, NULL, &pages), 0);
    for (size_t i = 0; i < pages.gl_pathc; i++)
        read_page_claims(pages.gl_pathv[i], c, &n, max);
    globfree(&pages);
    return n;
}

/* The counts of one (side, what), recorded once per test run. */
static char *counts_for(const char *side, const char *what)
{
    static struct { char key[128]; char *counts; } memo[32];
    static int n_memo;
    char key[128], cmd[192];
    struct run r;

    snprintf(key, sizeof key, "%.3s %.63s", side, what);
    for (int i = 0; i < n_memo; i++)
        if (strcmp(memo[i].key, key) == 0)
            return memo[i].counts;
    snprintf(cmd, sizeof cmd, "tools/syscalls --counts %s", key);
    run_cmd_timeout(&r, cmd, 60);
    ck_assert_msg(run_exit_code(&r) == 0, "%s failed: %s", cmd, r.err);
    ck_assert_int_lt(n_memo, 32);
    snprintf(memo[n_memo].key, sizeof memo[n_memo].key, "%s", key);
    memo[n_memo].counts = strdup(r.out);
    run_free(&r);
    return memo[n_memo++].counts;
}

START_TEST(test_docs_claims_hold_in_a_real_strace)
{
    struct claim c[MAX_CLAIMS];
    int n = read_claims(c, MAX_CLAIMS);

    ck_assert_msg(n > 0, "docs/ makes no syscall-claim");
    if (!tool_on_path("strace") || !tool_on_path("python3")) {
        fprintf(stderr, "syscalls: strace or python3 missing, %d claims not checked\n", n);
        return;
    }
    for (int i = 0; i < n; i++) {
        long got = count_of(counts_for(c[i].side, c[i].what), c[i].kind);

        ck_assert_msg(got >= 0, "%s: no kind '%s'", c[i].where, c[i].kind);
        ck_assert_msg(holds(got, c[i].op, c[i].n) == 1,
                      "%s: claims %s %s %s %s %ld, strace counted %ld",
                      c[i].where, c[i].side, c[i].what, c[i].kind, c[i].op, c[i].n, got);
    }
}
END_TEST

/* Every session's section claims something about Python and about C. */
START_TEST(test_every_session_has_claims_on_both_sides)
{
    struct claim c[MAX_CLAIMS];
    int n = read_claims(c, MAX_CLAIMS);

    for (int s = 1; s <= 8; s++) {
        char what[4];
        int py = 0, cc = 0;

        snprintf(what, sizeof what, "%d", s);
        for (int i = 0; i < n; i++)
            if (strcmp(c[i].what, what) == 0) {
                py += strcmp(c[i].side, "py") == 0;
                cc += strcmp(c[i].side, "c") == 0;
            }
        ck_assert_msg(py > 0 && cc > 0, "session%d: %d Python and %d C claims", s, py, cc);
    }
}
END_TEST

/* strace pads short PIDs ("2855  execve"), splits calls that block
 * ("<unfinished ...>" / "<... wait4 resumed>"), and logs much that is not
 * the lesson: a read-only shared mapping, a private futex, a read of a
 * file, a failed openat. */
static const char crafted_log[] =
    "2855  execve(\"./s\", [\"./s\"], 0x7ffe /* 41 vars */) = 0\n"
    "2855  mmap(NULL, 27028, PROT_READ, MAP_SHARED, 3</usr/lib/gconv.cache>, 0) = 0x7fe4\n"
    "2855  mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0) = 0x7f64\n"
    "2855  socketpair(AF_UNIX, SOCK_STREAM, 0, [3<UNIX:[1]>, 4<UNIX:[2]>]) = 0\n"
    "2855  clone(child_stack=NULL, flags=CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>\n"
    "2856  write(3<UNIX:[1]>, \"\\0\\0\\0\\5hello\", 9) = 9\n"
    "2855  <... clone resumed>, child_tidptr=0x7f) = 2856\n"
    "2857  futex(0x7f0, FUTEX_WAKE_PRIVATE, 1) = 0\n"
    "2855  clone3({flags=CLONE_VM|CLONE_THREAD|CLONE_SYSVSEM, child_tid=0x7f}, 88) = 2857\n"
    "12001 futex(0x7fde, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY) = 0\n"
    "2856  read(1</tmp/out>, \"x\", 1) = 1\n"
    "2856  exit_group(0)                     = ?\n"
    "2856  +++ exited with 0 +++\n"
    "2855  wait4(-1, 0x7ffc, WNOHANG, NULL) = 0\n"
    "2855  wait4(2856,  <unfinished ...>\n"
    "2855  <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 2856\n"
    "2855  openat(AT_FDCWD</w>, \"/dev/shm/sem.x\", O_RDWR|O_CREAT|O_EXCL, 0600) = 5</dev/shm/sem.x>\n"
    "2855  openat(AT_FDCWD</w>, \"/dev/shm/sem.y\", O_RDWR) = -1 ENOENT (No such file or directory)\n"
    "2855  pipe2([5<pipe:[28918]>, 6<pipe:[28918]>], O_CLOEXEC) = 0\n"
    "2855  exit_group(0)                     = ?\n";

START_TEST(test_classify_counts_only_the_lesson_calls)
{
    char path[] = "/tmp/test_syscalls.XXXXXX", cmd[128];
    int fd = mkstemp(path);
    struct run r;
    static const struct { const char *kind; long n; } want[] = {
        { "fork", 1 }, { "thread", 1 }, { "exec", 0 }, { "exit", 2 }, { "join", 1 },
        { "mmap-shared", 1 }, { "shm-file", 1 }, { "futex-shared", 1 }, { "pipe", 1 },
        { "socketpair", 1 }, { "socket", 0 }, { "io", 1 },
    };

    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(write(fd, crafted_log, sizeof crafted_log - 1), (ssize_t)(sizeof crafted_log - 1));
    ck_assert_int_eq(close(fd), 0);
    snprintf(cmd, sizeof cmd, "tools/syscalls --classify %s", path);
    run_cmd(&r, cmd);
    unlink(path);
    ck_assert_msg(run_exit_code(&r) == 0, "%s", r.err);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(count_of(r.out, want[i].kind) == want[i].n, "%s: counted %ld, want %ld\n%s",
                      want[i].kind, count_of(r.out, want[i].kind), want[i].n, r.out);
    run_free(&r);
}
END_TEST

START_TEST(test_table_has_both_sides)
{
    struct run r;

    if (!tool_on_path("strace") || !tool_on_path("python3")) {
        fprintf(stderr, "syscalls: strace or python3 missing, the table is not checked\n");
        return;
    }
    run_cmd_timeout(&r, "tools/syscalls 1", 60);
    ck_assert_msg(run_exit_code(&r) == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "session1.py") != NULL && strstr(r.out, "session1 (C)") != NULL,
                  "%s", r.out);
    /* One p1 on each side: started once, joined once. */
    ck_assert_msg(strstr(r.out, "processes started (clone, fork)                           1"
                                "              1") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "main    clone() = p1") != NULL, "%s", r.out);
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

START_TEST(test_bad_usage)
{
    static const struct { const char *cmd, *msg; } bad[] = {
        { "tools/syscalls", "syscalls: which session?" },
        { "tools/syscalls 9", "syscalls: '9' is not a session number (accepted: 1..8)" },
        { "tools/syscalls --counts x 1", "syscalls: 'x' is not a side (accepted: py, c)" },
        { "tools/syscalls --counts py nope.py", "syscalls: no such Python script 'nope.py'" },
        { "tools/syscalls --nope", "syscalls: unknown option '--nope'" },
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct run r;

        run_cmd(&r, bad[i].cmd);
        ck_assert_msg(run_exit_code(&r) == 2, "%s: exit %d", bad[i].cmd, run_exit_code(&r));
        ck_assert_str_eq(r.out, "");
        ck_assert_msg(strncmp(r.err, bad[i].msg, strlen(bad[i].msg)) == 0, "%s: %s", bad[i].cmd, r.err);
        ck_assert_int_eq(count_lines(r.err), 2);
        run_free(&r);
    }
}
END_TEST

TEST_SUITE(syscalls)
{
    add_case(s, "syscalls", 300, test_classify_counts_only_the_lesson_calls, test_bad_usage,
             test_every_session_has_claims_on_both_sides, test_table_has_both_sides,
             test_docs_claims_hold_in_a_real_strace);
}
