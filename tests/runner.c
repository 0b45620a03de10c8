/* runner.c - the main of every test program.
 *
 * build/tests/G-tests runs the suites of tests/test_G.c and tests/test_G_*.c:
 * each file defines `TEST_SUITE(NAME)` (NAME: the file's name after test_,
 * also the suite's name), which fills the suite this runner creates, and the
 * Makefile lists them in build/tests/G/suites.inc, so a new test file needs
 * no edit here. Check's variables work as usual
 * (CK_RUN_SUITE, CK_RUN_CASE, CK_FORK, CK_VERBOSITY...).
 *
 *   G-tests               Check's own output: the summary line and each failure
 *   G-tests RESULT_FILE   only the failures (after a line naming the program),
 *                         and "CHECKS FAILURES ERRORS" written to RESULT_FILE
 *
 * make check runs every program the second way, and tools/run-tests adds
 * the result files up into the one summary line. Run from the top of the
 * tree (make check does): the program tests start sessionN/sessionN by
 * relative path.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#define SUITE(name) void fill_suite_##name(Suite *s);
#include "suites.inc"
#undef SUITE

/* The suite named name, filled by its file's TEST_SUITE. */
static Suite *new_suite(const char *name, void (*fill)(Suite *s))
{
    Suite *s = suite_create(name);

    fill(s);
    return s;
}

/* Writes the three numbers to path. Returns 0, or -1. */
static int write_result(SRunner *runner, const char *path)
{
    TestResult **failures = srunner_failures(runner);
    int nfailed = srunner_ntests_failed(runner), errors = 0;
    FILE *f;
    int rc;

    for (int i = 0; i < nfailed; i++)
        if (tr_rtype(failures[i]) == CK_ERROR)
            errors++;
    free(failures);
    if ((f = fopen(path, "w")) == NULL) {
        perror(path);
        return -1;
    }
    fprintf(f, "%d %d %d\n", srunner_ntests_run(runner), nfailed - errors, errors);
    rc = ferror(f);
    if (fclose(f) != 0 || rc) {
        perror(path);
        return -1;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    SRunner *runner = srunner_create(NULL);
    const char *result = argc > 1 ? argv[1] : NULL;
    int failed, rc = 0;

#define SUITE(name) srunner_add_suite(runner, new_suite(#name, fill_suite_##name));
#include "suites.inc"
#undef SUITE

    /* Under make check, quiet unless the user asked for Check's output. */
    srunner_run_all(runner, result != NULL && getenv("CK_VERBOSITY") == NULL ? CK_SILENT : CK_ENV);
    failed = srunner_ntests_failed(runner);
    if (result != NULL) {
        if (failed != 0 && getenv("CK_VERBOSITY") == NULL) {
            printf("== %s:\n", argv[0]);
            srunner_print(runner, CK_NORMAL);
        }
        rc = write_result(runner, result);
    }
    srunner_free(runner);
    return failed == 0 && rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
