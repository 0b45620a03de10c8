/* test_assignments.c - the graders are tested too (assignments/README.md).
 *
 * For every assignment (a folder assignments/NAME with an assignment.mk):
 * the untouched starter fails the tests tests/assignments/NAME/starter.expect
 * lists, with the messages it lists, and passes the others; the reference
 * solution gets full marks; each wrong solution (at least three) loses
 * exactly the tests its expect file lists; and the handout, unpacked in an
 * empty folder, grades the starter (not full marks) and the solution copied
 * in (full marks), and holds no solution file.
 *
 * A wrong solution is the reference solution with one planted mistake, kept
 * as a patch: tests/assignments/NAME/WRONG.patch, its expect file next to it
 * (WRONG.expect). tests/assignments/wrong.mk copies the solution into
 * build/grade/NAME/patched/WRONG/src, applies the patch there and grades that
 * folder; a patch that no longer applies fails its test with one message
 * that names it.
 *
 * An expect file: lines `TEST: text`, each a test that must FAIL with `text`
 * in its message; `#` starts a comment. Every test not listed must be OK.
 * `maybe TEST: text` is a test the wrong solution may pass: its bug shows
 * there only when the scheduler splits two machine instructions (the test
 * that catches it every time is listed too); when it fails, it must fail
 * with `text`.
 */
#define _GNU_SOURCE             /* mkdtemp, strdup, asprintf */
#include "clock.h"
#include "testutil.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CASES 64
#define GRADE_TIMEOUT 150.0     /* seconds: compiling and a whole assignment */
#define GRADE_BUDGET 60.0       /* seconds: a whole assignment, graded (issue: Bounded) */

struct gcase {
    char name[64];              /* the assignment */
    char wrong[100];            /* the wrong solution: WRONG of WRONG.patch */
    char patch[300];            /* tests/assignments/NAME/WRONG.patch */
    char expect[300];           /* tests/assignments/NAME/WRONG.expect */
};

static struct gcase wrongs[MAX_CASES];
static int n_wrongs;
/* What tests/assignments/NAME holds besides the patches, expect files and
 * starter.expect (a folder of the old layout, a stray file): one line each. */
static char strays[MAX_CASES][400];
static int n_strays;
static char assignments[16][64];
static int n_assignments;

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The assignments and their wrong solutions, found once, sorted. */
static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int by_patch(const void *a, const void *b)
{
    return strcmp(((const struct gcase *)a)->patch, ((const struct gcase *)b)->patch);
}

/* Whether name ends in suffix; then *stem_len is the length before it. */
static int ends_in(const char *name, const char *suffix, size_t *stem_len)
{
    size_t n = strlen(name), k = strlen(suffix);

    *stem_len = n >= k ? n - k : 0;
    return n > k && strcmp(name + n - k, suffix) == 0;
}

/* tests/assignments/NAME: each WRONG.patch into wrongs[], anything else but
 * the expect files into strays[]. */
static void discover_wrongs(const char *name)
{
    char path[128];
    DIR *dir;
    struct dirent *e;

    snprintf(path, sizeof path, "tests/assignments/%.63s", name);
    if ((dir = opendir(path)) == NULL)
        return;
    while ((e = readdir(dir)) != NULL) {
        struct gcase *c = &wrongs[n_wrongs];
        size_t stem;

        if (e->d_name[0] == '.' || ends_in(e->d_name, ".expect", &stem))
            continue;
        if (!ends_in(e->d_name, ".patch", &stem) || stem >= sizeof c->wrong
            || n_wrongs == MAX_CASES) {
            if (n_strays < MAX_CASES)
                snprintf(strays[n_strays++], sizeof strays[0], "%s/%.255s", path, e->d_name);
            continue;
        }
        snprintf(c->name, sizeof c->name, "%.63s", name);
        snprintf(c->wrong, sizeof c->wrong, "%.*s", (int)stem, e->d_name);
        snprintf(c->patch, sizeof c->patch, "%s/%.*s.patch", path, (int)stem, e->d_name);
        snprintf(c->expect, sizeof c->expect, "%s/%.*s.expect", path, (int)stem, e->d_name);
        n_wrongs++;
    }
    closedir(dir);
}

static void discover(void)
{
    DIR *dir = opendir("assignments");
    struct dirent *e;

    if (dir == NULL)
        return;
    while ((e = readdir(dir)) != NULL && n_assignments < 16) {
        char mk[300];

        snprintf(mk, sizeof mk, "assignments/%s/assignment.mk", e->d_name);
        if (e->d_name[0] != '.' && strlen(e->d_name) < 64 && access(mk, R_OK) == 0)
            snprintf(assignments[n_assignments++], 64, "%.63s", e->d_name);
    }
    closedir(dir);
    qsort(assignments, (size_t)n_assignments, 64, by_name);
    for (int a = 0; a < n_assignments; a++)
        discover_wrongs(assignments[a]);
    qsort(wrongs, (size_t)n_wrongs, sizeof wrongs[0], by_patch);
}

/* One graded line: "name: OK (10 pts)" or "name: FAIL (0/10 pts): ...". */
struct line {
    char test[64];
    int ok;
    const char *text;           /* the whole line, in the output */
};

/* The graded lines of out (the test lines, not the student's output or the
 * score); returns how many, and sets *score and *total from "Score: N/M". */
static int parse(char *out, struct line *lines, int max, int *score, int *total)
{
    int n = 0;

    *score = *total = -1;
    for (char *save, *l = strtok_r(out, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
        const char *colon = strstr(l, ": ");

        if (sscanf(l, "Score: %d/%d", score, total) == 2)
            continue;
        if (colon == NULL || l[0] == ' ' || n == max || (size_t)(colon - l) >= 64)
            continue;
        if (strncmp(colon, ": OK (", 6) != 0 && strncmp(colon, ": FAIL (", 8) != 0)
            continue;
        snprintf(lines[n].test, sizeof lines[n].test, "%.*s", (int)(colon - l), l);
        lines[n].ok = strncmp(colon, ": OK (", 6) == 0;
        lines[n].text = l;
        n++;
    }
    return n;
}

/* The expect file's lines "TEST: TEXT" (or "maybe TEST: TEXT": that test
 * may also pass) into want[i] = { TEST, TEXT } and maybe[i]; their count. */
static int read_expect(const char *expect_path, char want[32][2][256], int maybe[32])
{
    int n_want = 0;
    FILE *f = fopen(expect_path, "r");
    char buf[512];

    ck_assert_msg(f != NULL, "%s: missing", expect_path);
    while (fgets(buf, sizeof buf, f) != NULL && n_want < 32) {
        char *colon = strstr(buf, ": ");
        const char *name = buf;

        buf[strcspn(buf, "\n")] = '\0';
        if (buf[0] == '#' || colon == NULL)
            continue;
        maybe[n_want] = strncmp(buf, "maybe ", 6) == 0;
        if (maybe[n_want])
            name += 6;
        snprintf(want[n_want][0], 256, "%.*s", (int)(colon - name), name);
        snprintf(want[n_want][1], 256, "%s", colon + 2);
        n_want++;
    }
    fclose(f);
    ck_assert_msg(n_want > 0, "%s: no test listed", expect_path);
    return n_want;
}

/* Grades with `cmd` (run in `dir`, or the top of the tree when NULL) and
 * checks the result against the expect file (NULL: full marks). patched: 1
 * when wrong.mk grades (it applies a wrong solution's patch first). The
 * whole run, compiling included when cmd compiles, takes under GRADE_BUDGET
 * seconds times the multiplier: the grader's budget, which a solution that
 * hangs test after test meets. */
static void grade_and_check(const char *cmd, const char *expect_path, int patched)
{
    struct line lines[32];
    struct run r;
    char *out, want[32][2][256];
    int n, n_want = 0, score, total, maybe[32] = { 0 };
    double started, elapsed;
    const char *factor = getenv("GRADE_TIMEOUT_MULTIPLIER");

    /* The graders are plain programs: stretched like the tests, unless the
     * run says otherwise (check-sanitize and check-valgrind instrument the
     * tests, not the graders, and set 1). */
    if (factor == NULL)
        factor = getenv("CK_TIMEOUT_MULTIPLIER");
    setenv("GRADE_TIMEOUT_MULTIPLIER", factor != NULL ? factor : "1", 1);
    if (expect_path != NULL)
        n_want = read_expect(expect_path, want, maybe);
    started = monotonic_seconds();
    run_cmd_timeout(&r, cmd, GRADE_TIMEOUT);
    elapsed = monotonic_seconds() - started;
    ck_assert_msg(!r.timed_out, "%s: did not end", cmd);
    ck_assert_msg(elapsed < test_seconds(GRADE_BUDGET), "%s: graded in %.1f s, over the "
                  "%.0f s a whole assignment may take:\n%s", cmd, elapsed,
                  test_seconds(GRADE_BUDGET), r.out);
    ck_assert_msg(r.strays == 0, "%s: left %d processes", cmd, r.strays);
    /* wrong.mk's line names the patch; patch's own lines say which hunk failed. */
    ck_assert_msg(!patched || strstr(r.err, " does not apply to ") == NULL, "%s", r.err);
    out = strdup(r.out);
    ck_assert_ptr_nonnull(out);
    n = parse(out, lines, 32, &score, &total);
    ck_assert_msg(n > 0 && total > 0, "%s: no graded lines:\n%s\n%s", cmd, r.out, r.err);
    for (int i = 0; i < n; i++) {
        int listed = -1;

        for (int w = 0; w < n_want; w++)
            if (strcmp(want[w][0], lines[i].test) == 0)
                listed = w;
        if (listed < 0)
            ck_assert_msg(lines[i].ok, "%s: expected OK, got:\n%s", cmd, lines[i].text);
        else if (maybe[listed] && lines[i].ok)
            continue;
        else
            ck_assert_msg(!lines[i].ok && strstr(lines[i].text, want[listed][1]) != NULL,
                          "%s: expected FAIL with \"%s\", got:\n%s", cmd, want[listed][1],
                          lines[i].text);
    }
    for (int w = 0; w < n_want; w++) {
        int seen = 0;

        for (int i = 0; i < n; i++)
            seen |= strcmp(want[w][0], lines[i].test) == 0;
        ck_assert_msg(seen, "%s: %s lists test %s, which the grader did not run",
                      cmd, expect_path, want[w][0]);
    }
    if (expect_path == NULL) {
        ck_assert_msg(score == total && run_exit_code(&r) == 0,
                      "%s: not full marks (exit %d):\n%s", cmd, run_exit_code(&r), r.out);
    } else {
        ck_assert_msg(score < total && run_exit_code(&r) != 0,
                      "%s: full marks (or exit 0) for a wrong solution:\n%s", cmd, r.out);
    }
    free(out);
    run_free(&r);
}

START_TEST(test_solution_gets_full_marks)
{
    char cmd[256];

    snprintf(cmd, sizeof cmd, "/bin/sh -c 'make -s --no-print-directory grade-%s WORK=assignments/%s/solution'",
             assignments[_i], assignments[_i]);
    grade_and_check(cmd, NULL, 0);
}
END_TEST

START_TEST(test_starter_fails_its_main_tests)
{
    char cmd[256], expect[256];

    snprintf(cmd, sizeof cmd, "/bin/sh -c 'make -s --no-print-directory grade-%s'", assignments[_i]);
    snprintf(expect, sizeof expect, "tests/assignments/%s/starter.expect", assignments[_i]);
    grade_and_check(cmd, expect, 0);
}
END_TEST

START_TEST(test_wrong_solution_loses_its_points)
{
    const struct gcase *c = &wrongs[_i];
    char make[1024], cmd[1100];
    struct run r;

    /* wrong.mk patches the solution (a patch that no longer applies fails
     * here, named) and calls rules.mk itself, as make grade-NAME WRONG=...
     * does, without the suite's set-up check: a second less for each of
     * these many runs. */
    snprintf(make, sizeof make, "make -s --no-print-directory -f tests/assignments/wrong.mk "
             "NAME=%s WRONG=%s", c->name, c->wrong);
    /* Compiled first, so that the grading is timed alone (a wrong solution
     * may hang in test after test: the grader's budget is what ends it). A
     * patch that does not apply fails here and again below, where it is
     * reported. */
    snprintf(cmd, sizeof cmd, "/bin/sh -c '%s build/grade/%s/patched/%s/grade'", make,
             c->name, c->wrong);
    run_cmd_timeout(&r, cmd, GRADE_TIMEOUT);
    run_free(&r);
    snprintf(cmd, sizeof cmd, "/bin/sh -c '%s'", make);
    grade_and_check(cmd, c->expect, 1);
}
END_TEST

START_TEST(test_three_wrong_solutions_each)
{
    for (int a = 0; a < n_assignments; a++) {
        int n = 0;

        for (int w = 0; w < n_wrongs; w++)
            n += strcmp(wrongs[w].name, assignments[a]) == 0;
        ck_assert_msg(n >= 3, "%s: %d wrong solutions (tests/assignments/%s/*.patch), want 3 or more",
                      assignments[a], n, assignments[a]);
    }
    ck_assert_int_ge(n_assignments, 3);
}
END_TEST

/* tests/assignments/NAME holds WRONG.patch and WRONG.expect in pairs, and
 * starter.expect; nothing else (a folder there would be a wrong solution in
 * the old layout, never graded). */
START_TEST(test_every_patch_has_its_expect)
{
    for (int w = 0; w < n_wrongs; w++)
        ck_assert_msg(access(wrongs[w].expect, R_OK) == 0, "%s has no %s", wrongs[w].patch,
                      wrongs[w].expect);
    for (int a = 0; a < n_assignments; a++) {
        char path[128];
        DIR *dir;
        struct dirent *e;

        snprintf(path, sizeof path, "tests/assignments/%.63s", assignments[a]);
        if ((dir = opendir(path)) == NULL)
            continue;
        while ((e = readdir(dir)) != NULL) {
            char patch[400];
            size_t stem;

            if (!ends_in(e->d_name, ".expect", &stem) || strcmp(e->d_name, "starter.expect") == 0)
                continue;
            snprintf(patch, sizeof patch, "%s/%.*s.patch", path, (int)stem, e->d_name);
            ck_assert_msg(access(patch, R_OK) == 0, "%s/%s has no %s", path, e->d_name, patch);
        }
        closedir(dir);
    }
    ck_assert_msg(n_strays == 0, "%s: not a WRONG.patch or a WRONG.expect (a wrong solution "
                  "is a patch against the solution: CONTRIBUTING.md)", strays[0]);
}
END_TEST

/* A patch the solution has moved away from stops with one line that names
 * the patch, and nothing is graded: the first patch, applied to a copy of
 * its solution with a space after every line (no line of context matches). */
START_TEST(test_patch_that_does_not_apply_names_itself)
{
    const struct gcase *c = &wrongs[0];
    char tmpl[] = "/tmp/wrong-XXXXXX", cmd[1024], want[400], stamp[600];
    char *dir = mkdtemp(tmpl);
    struct run r;

    ck_assert_int_gt(n_wrongs, 0);
    ck_assert_ptr_nonnull(dir);
    snprintf(cmd, sizeof cmd, "/bin/sh -c 'mkdir %s/solution && cp assignments/%s/solution/* "
             "%s/solution/ && sed -i \"s/.*/& /\" %s/solution/*'", dir, c->name, dir, dir);
    run_checked(&r, cmd, 0);
    run_free(&r);
    snprintf(cmd, sizeof cmd, "/bin/sh -c 'make -s --no-print-directory -f tests/assignments/wrong.mk "
             "NAME=%s WRONG=%s BUILD=%s/build SOLUTION=%s/solution patched'", c->name, c->wrong, dir,
             dir);
    run_cmd_timeout(&r, cmd, 30);
    snprintf(want, sizeof want, "%s does not apply to %s/solution/", c->patch, dir);
    ck_assert_msg(run_exit_code(&r) != 0 && strstr(r.err, want) != NULL
                  && strstr(r.err, "FAILED") != NULL,
                  "%s: exit %d, want a failure that says \"%s\" and which hunk FAILED:\n%s",
                  cmd, run_exit_code(&r), want, r.err);
    run_free(&r);
    snprintf(stamp, sizeof stamp, "%s/build/grade/%s/patched/%s/src/.patched", dir, c->name, c->wrong);
    ck_assert_msg(access(stamp, F_OK) != 0, "%s: a patch that failed left %s", cmd, stamp);
    snprintf(cmd, sizeof cmd, "/bin/rm -rf %s", dir);
    run_cmd(&r, cmd);
    run_free(&r);
}
END_TEST

/* The contents of a file (with a NUL after them), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;

    *len = 0;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);

        rewind(f);
        text = malloc((size_t)size + 1);
        if (text != NULL) {
            *len = fread(text, 1, (size_t)size, f);
            text[*len] = '\0';     /* a string too, for strstr */
        }
    }
    fclose(f);
    return text;
}

/* No file under dir has the contents of solution file sol. */
static void assert_not_inside(const char *dir, const char *sol)
{
    size_t slen, flen;
    char *want = slurp(sol, &slen), cmd[600];
    struct run r;

    ck_assert_ptr_nonnull(want);
    snprintf(cmd, sizeof cmd, "/usr/bin/find %s -type f", dir);
    run_cmd(&r, cmd);
    for (char *save, *f = strtok_r(r.out, "\n", &save); f != NULL; f = strtok_r(NULL, "\n", &save)) {
        char *got = slurp(f, &flen);

        ck_assert_msg(got == NULL || flen != slen || memcmp(got, want, slen) != 0,
                      "the handout's %s is the solution %s", f, sol);
        ck_assert_msg(strstr(f, "solution") == NULL, "the handout holds %s", f);
        free(got);
    }
    run_free(&r);
    free(want);
}

/* Every link of the handout's README.md ([text](target), not a web address
 * or an anchor of the page itself) names a file inside the handout: the
 * docs pages it cites come with it. */
static void assert_links_resolve(const char *folder)
{
    char readme[600];
    size_t len;
    char *text;

    snprintf(readme, sizeof readme, "%s/README.md", folder);
    text = slurp(readme, &len);
    ck_assert_ptr_nonnull(text);
    for (char *p = strstr(text, "]("); p != NULL; p = strstr(p + 2, "](")) {
        char target[300], path[1000];
        size_t n = strcspn(p + 2, ")#");

        if (n == 0 || n >= sizeof target || strncmp(p + 2, "http", 4) == 0)
            continue;
        memcpy(target, p + 2, n);
        target[n] = '\0';
        snprintf(path, sizeof path, "%s/%s", folder, target);
        ck_assert_msg(access(path, R_OK) == 0, "%s links %s, which the handout does not hold",
                      readme, target);
    }
    free(text);
}

START_TEST(test_handout_grades_without_the_solution)
{
    const char *a = assignments[_i];
    char tmpl[] = "/tmp/handout-XXXXXX", cmd[1024], sol[300], folder[400];
    char *dir = mkdtemp(tmpl);
    struct run r;
    DIR *d;
    struct dirent *e;

    ck_assert_ptr_nonnull(dir);
    snprintf(cmd, sizeof cmd, "/bin/sh -c 'make -s --no-print-directory handout-%s'", a);
    run_cmd_timeout(&r, cmd, 60);
    ck_assert_msg(run_exit_code(&r) == 0, "%s: %s", cmd, r.err);
    run_free(&r);
    snprintf(cmd, sizeof cmd, "/bin/tar -xzf build/handout/%s.tar.gz -C %s", a, dir);
    run_cmd(&r, cmd);
    ck_assert_msg(run_exit_code(&r) == 0, "%s: %s", cmd, r.err);
    run_free(&r);
    snprintf(folder, sizeof folder, "%s/%s", dir, a);
    snprintf(sol, sizeof sol, "assignments/%s/solution", a);
    ck_assert_ptr_nonnull(d = opendir(sol));
    while ((e = readdir(d)) != NULL) {
        char path[600];

        snprintf(path, sizeof path, "%s/%s", sol, e->d_name);
        if (e->d_name[0] != '.' && !is_dir(path))
            assert_not_inside(dir, path);
    }
    closedir(d);
    assert_links_resolve(folder);
    /* The starter, graded in the handout: the starter's expectations. */
    snprintf(cmd, sizeof cmd, "/bin/sh -c 'make -s --no-print-directory -C %s grade'", folder);
    snprintf(sol, sizeof sol, "tests/assignments/%s/starter.expect", a);
    grade_and_check(cmd, sol, 0);
    /* The solution copied in: full marks. */
    snprintf(cmd, sizeof cmd, "/bin/sh -c 'cp assignments/%s/solution/* %s/'", a, folder);
    run_cmd(&r, cmd);
    ck_assert_msg(run_exit_code(&r) == 0, "%s: %s", cmd, r.err);
    run_free(&r);
    snprintf(cmd, sizeof cmd, "/bin/sh -c 'make -s --no-print-directory -C %s grade'", folder);
    grade_and_check(cmd, NULL, 0);
    snprintf(cmd, sizeof cmd, "/bin/rm -rf %s", dir);
    run_cmd(&r, cmd);
    run_free(&r);
}
END_TEST

TEST_SUITE(assignments)
{
    TCase *tc = add_case(s, "graders", 300, test_three_wrong_solutions_each,
                         test_every_patch_has_its_expect,
                         test_patch_that_does_not_apply_names_itself);

    discover();
    tcase_add_loop_test(tc, test_solution_gets_full_marks, 0, n_assignments);
    tcase_add_loop_test(tc, test_starter_fails_its_main_tests, 0, n_assignments);
    tcase_add_loop_test(tc, test_wrong_solution_loses_its_points, 0, n_wrongs);
    tcase_add_loop_test(tc, test_handout_grades_without_the_solution, 0, n_assignments);
}
