/* test_bench.c - bench/bench runs every figure and writes the CSV the issue
 * asks for. Tiny mode only, and no timing assertions: speed is what `make
 * bench` reports, never what a test checks. docs/performance.md explains it.
 */
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSV_PATH "build/tests/bench-smoke.csv"

static const char *const figure_names[] = {
    "spawn_join", "lock_uncontended", "locked_increment_2proc", "queue_throughput",
    "queue_textbook",
    "pipe_roundtrip", "manager_call", "pool_task_overhead", "pool_speedup_2",
    "mpi_task_overhead", "mpi_speedup_2",
};
#define N_FIGURES (int)(sizeof figure_names / sizeof figure_names[0])

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    static char buf[4096];
    size_t n;

    if (f == NULL)
        return NULL;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(tiny_run_writes_one_csv_row_per_figure)
{
    struct run r;
    char *csv, *line, *save;
    int row = 0;

    remove(CSV_PATH);
    run_checked(&r, "bench/bench --tiny --repeat 1 --no-python --csv " CSV_PATH, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_ptr_nonnull(strstr(r.out, "figure"));
    csv = read_file(CSV_PATH);
    ck_assert_ptr_nonnull(csv);
    line = strtok_r(csv, "\n", &save);
    ck_assert_str_eq(line, "figure,unit,suite,baseline,python");
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char name[64], unit[32], rest[128];
        int commas = 0;

        ck_assert_int_lt(row, N_FIGURES);
        for (const char *c = line; *c; c++)
            commas += *c == ',';
        ck_assert_int_eq(commas, 4);
        ck_assert_int_eq(sscanf(line, "%63[^,],%31[^,],%127s", name, unit, rest), 3);
        ck_assert_str_eq(name, figure_names[row]);
        /* With --no-python the last column is empty: the line ends in ','. */
        ck_assert_int_eq(line[strlen(line) - 1], ',');
        row++;
    }
    ck_assert_int_eq(row, N_FIGURES);
    run_free(&r);
}
END_TEST

START_TEST(missing_python_is_skipped_with_a_note)
{
    assert_prints("bench/bench --tiny --repeat 1 --python no-such-python3 --csv " CSV_PATH, 0,
                  "note: 'no-such-python3' not found, CPython figures skipped");
}
END_TEST

START_TEST(help_goes_to_stdout_and_exits_0)
{
    struct run r;

    run_checked(&r, "bench/bench --help", 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Usage: bench"));
    ck_assert_ptr_nonnull(strstr(r.out, "--repeat"));
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

static const struct bad_usage bad_inputs[] = {
    { "bench/bench --repeat 0", "bench: --repeat 0 is out of range (accepted: 1..99)\n" },
    { "bench/bench --nope", "bench: unknown or misused option '--nope'\n" },
    { "bench/bench extra", "bench: unexpected argument 'extra' (bench takes options only)\n" },
};

START_TEST(bad_usage_exits_2_with_one_line)
{
    struct run r;
    char expected[256];

    run_checked(&r, bad_inputs[_i].cmd, 2);
    ck_assert_str_eq(r.out, "");
    snprintf(expected, sizeof expected,
             "%sTry 'bench --help' for more information.\n", bad_inputs[_i].message);
    ck_assert_str_eq(r.err, expected);
    run_free(&r);
}
END_TEST

Suite *suite_bench(void)
{
    Suite *s = suite_create("bench");
    TCase *tc = add_case(s, "bench", 20, tiny_run_writes_one_csv_row_per_figure,
                         missing_python_is_skipped_with_a_note,
                         help_goes_to_stdout_and_exits_0);

    add_loop(tc, bad_usage_exits_2_with_one_line, bad_inputs);
    return s;
}
