/* runner.c - the one Check runner for the whole suite.
 *
 * Every tests/test_NAME.c defines `Suite *suite_NAME(void)`; the Makefile
 * lists them in suites.inc, so a new test file needs no edit here.
 * Run from the top of the tree (make check does): the program tests start
 * sessionN/sessionN by relative path.
 */
#include <check.h>
#include <stdlib.h>

#define SUITE(name) Suite *suite_##name(void);
#include "suites.inc"
#undef SUITE

int main(void)
{
    SRunner *runner = srunner_create(NULL);
    int failed;

#define SUITE(name) srunner_add_suite(runner, suite_##name());
#include "suites.inc"
#undef SUITE

    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
