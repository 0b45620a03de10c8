/* grade.c - the tests of the shared assignment: `make grade` runs them.
 *
 * Each test calls the student's functions (shared.h) and checks from the
 * outside what the main program can see afterwards. square() is the
 * grader's: it can make the child crash on purpose.
 */
#define _DEFAULT_SOURCE         /* MAP_ANONYMOUS */
#include "grade.h"
#include "shared.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const HINT_SHARE =
    "README.md, \"What to write\"; docs/session2.md, \"The lesson\" (mmap MAP_SHARED before fork)";
static const char *const HINT_WAIT =
    "README.md, \"What to write\" step 3; man 2 waitpid (WIFEXITED, WEXITSTATUS)";
static const char *const HINT_FREE =
    "README.md, \"What to write\" step 2; man 2 munmap";

static int crash;               /* 1: square(crash_on) kills the child */
static long crash_on;

long square(long x)
{
    if (crash && x == crash_on)
        kill(getpid(), SIGKILL);
    return x * x;
}

/* "[1, 4, 9, 16]" (the first 6 values, then "..."). */
static const char *show(const long *v, size_t n)
{
    static char text[4][128];
    static int which;
    char *out = text[which++ % 4];
    size_t used = 0;

    used += (size_t)snprintf(out, 128, "[");
    for (size_t i = 0; i < n && i < 6; i++)
        used += (size_t)snprintf(out + used, 128 - used, "%s%ld", i ? ", " : "", v[i]);
    snprintf(out + used, 128 - used, "%s]", n > 6 ? ", ..." : "");
    return out;
}

static void new_or_fail(struct squares *s, size_t len)
{
    memset(s, 0, sizeof *s);
    if (squares_new(s, len) == -1)
        grade_fail("squares_new(%zu) returned -1 (%s)", len, strerror(errno));
}

static void run_or_fail(const long *mylist, struct squares *s)
{
    if (square_list_in_child(mylist, s) == -1)
        grade_fail("square_list_in_child failed (returned -1) with %zu numbers "
                   "that square without trouble", s->len);
}

static void test_parent_sees_squares(void)
{
    const long mylist[] = { 1, 2, 3, 4 }, want[] = { 1, 4, 9, 16 };
    struct squares s;

    new_or_fail(&s, 4);
    run_or_fail(mylist, &s);
    if (memcmp(s.values, want, sizeof want) != 0)
        grade_fail("the main program read %s where the child wrote %s: does the child "
                   "write into memory the parent shares (MAP_SHARED, mapped before fork)?",
                   show(s.values, 4), show(want, 4));
}

static void test_parent_sees_sum(void)
{
    const long mylist[] = { 1, 2, 3, 4 };
    struct squares s;

    new_or_fail(&s, 4);
    run_or_fail(mylist, &s);
    if (*s.sum != 30)
        grade_fail("the main program read a sum of %ld where the child wrote 30: "
                   "is the sum shared too, not only the values?", *s.sum);
}

static void test_large_array(void)
{
    enum { N = 100000 };
    long *mylist = malloc(N * sizeof *mylist);
    struct squares s;

    if (mylist == NULL)
        grade_fail("the grader ran out of memory");
    for (long i = 0; i < N; i++)
        mylist[i] = i - N / 2;
    new_or_fail(&s, N);
    run_or_fail(mylist, &s);
    for (long i = 0; i < N; i++)
        if (s.values[i] != mylist[i] * mylist[i])
            grade_fail("with %d numbers the main program read values[%ld] = %ld, not %ld: "
                       "is the whole array shared (len * sizeof(long) bytes)?",
                       N, i, s.values[i], mylist[i] * mylist[i]);
    if (*s.sum != 83333333350000L)
        grade_fail("with %d numbers the main program read a sum of %ld, not 83333333350000",
                   N, *s.sum);
}

static void test_child_failure_reported(void)
{
    const long mylist[] = { 1, 2, 13, 4 };
    struct squares s;
    int rc;

    crash = 1;
    crash_on = 13;
    new_or_fail(&s, 4);
    rc = square_list_in_child(mylist, &s);
    if (rc != -1)
        grade_fail("square_list_in_child returned %d though the child was killed "
                   "(SIGKILL) in the middle of the list: does it look at the status "
                   "waitpid() gives?", rc);
}

static void test_no_zombie(void)
{
    const long mylist[] = { 5, 6 };
    struct squares s;
    int status;
    pid_t left;

    new_or_fail(&s, 2);
    run_or_fail(mylist, &s);
    left = waitpid(-1, &status, WNOHANG);
    if (left > 0)
        grade_fail("square_list_in_child returned before its child was reaped "
                   "(the grader found the child %d ended, unwaited for): does it waitpid()?",
                   (int)left);
    if (left == 0)
        grade_fail("square_list_in_child returned while its child still runs: "
                   "does it wait for the child before returning?");
}

/* Lines of /proc/self/maps: one per mapping. */
static int mappings(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    int n = 0, c;

    if (f == NULL)
        grade_fail("the grader cannot read /proc/self/maps: %s", strerror(errno));
    while ((c = getc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static void test_memory_released(void)
{
    enum { ROUNDS = 200 };
    struct squares s;
    int before, after;

    new_or_fail(&s, 1000);
    squares_free(&s);
    before = mappings();
    for (int r = 0; r < ROUNDS; r++) {
        new_or_fail(&s, 1000);
        squares_free(&s);
    }
    after = mappings();
    if (after > before + 2)
        grade_fail("after %d rounds of squares_new and squares_free the process has %d "
                   "more memory mappings: does squares_free unmap what squares_new mapped?",
                   ROUNDS, after - before);
}

static const struct grade_test tests[] = {
    { "parent_sees_squares", 30, 10, test_parent_sees_squares, HINT_SHARE, 0 },
    { "parent_sees_sum", 20, 10, test_parent_sees_sum, HINT_SHARE, 0 },
    { "large_array", 10, 20, test_large_array, HINT_SHARE, 0 },
    { "child_failure_reported", 20, 10, test_child_failure_reported, HINT_WAIT, 0 },
    { "no_zombie", 10, 10, test_no_zombie, HINT_WAIT, 0 },
    { "memory_released", 10, 10, test_memory_released, HINT_FREE, 0 },
};

int main(int argc, char *argv[])
{
    return grade_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
