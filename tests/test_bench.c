/* test_bench.c - bench/bench runs every figure, in paired rounds, states the
 * machine, and writes the CSV. Tiny mode only, and no timing assertions:
 * speed is what `make bench` reports (its PASS/MISS column), never what a
 * test checks. docs/performance.md explains it.
 */
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSV_PATH "build/tests/bench-smoke.csv"
#define CSV_HEADER "figure,unit,suite,baseline,python,s_base,s_base_min,s_base_max," \
                   "py_suite,py_suite_min,py_suite_max,cpu,target,verdict"
#define CSV_FIELDS 14

static const char *const figure_names[] = {
    "spawn_join", "lock_uncontended", "locked_increment_2proc",
    "locked_increment_2proc_mutex", "queue_throughput", "queue_textbook",
    "pipe_roundtrip", "pipe_roundtrip_spin", "manager_call", "pool_task_overhead",
    "pool_speedup_2", "mpi_task_overhead", "mpi_speedup_2",
};
#define N_FIGURES (int)(sizeof figure_names / sizeof figure_names[0])

/* The figures bench_mp.py measures: the others have no CPython column. */
static int python_has(const char *figure)
{
    return strcmp(figure, "locked_increment_2proc_mutex") != 0
           && strncmp(figure, "mpi_", 4) != 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    static char buf[8192];
    size_t n;

    if (f == NULL)
        return NULL;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Splits a CSV line at its commas (no field holds one); returns the count. */
static int split_csv(char *line, char *fields[], int max)
{
    int n = 0;

    for (char *p = line;; n++) {
        char *comma = strchr(p, ',');

        if (n < max)
            fields[n] = p;
        if (comma == NULL)
            return n + 1;
        *comma = '\0';
        p = comma + 1;
    }
}

static double number(const char *field)
{
    char *end;
    double v = strtod(field, &end);

    ck_assert_msg(field[0] != '\0' && *end == '\0', "'%s' is not a number", field);
    return v;
}

/* Checks every row of the CSV: one per figure, in order; the ratios'
 * median within their range; with one round, the ratio is the ratio of
 * the values; python cells empty exactly when there is no CPython. */
static void check_csv(int rounds, int with_python)
{
    char *csv = read_file(CSV_PATH), *line, *save;
    int row = 0;

    ck_assert_ptr_nonnull(csv);
    line = strtok_r(csv, "\n", &save);
    ck_assert_str_eq(line, CSV_HEADER);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[CSV_FIELDS + 1];

        ck_assert_int_lt(row, N_FIGURES);
        ck_assert_int_eq(split_csv(line, f, CSV_FIELDS + 1), CSV_FIELDS);
        ck_assert_str_eq(f[0], figure_names[row]);
        if (f[2][0] != '\0' && f[3][0] != '\0') {
            double ratio = number(f[5]), lo = number(f[6]), hi = number(f[7]);

            ck_assert(lo <= ratio && ratio <= hi);
            if (rounds == 1) {
                ck_assert(lo == ratio && ratio == hi);
                ck_assert_double_eq_tol(ratio, number(f[2]) / number(f[3]), ratio * 2e-3);
            }
        }
        if (with_python && python_has(f[0])) {
            double ratio = number(f[8]), lo = number(f[9]), hi = number(f[10]);

            number(f[4]);
            ck_assert(lo <= ratio && ratio <= hi);
        } else {
            for (int k = 4; k <= 10; k += k == 4 ? 4 : 1)
                ck_assert_msg(f[k][0] == '\0', "%s: column %d is '%s'", f[0], k, f[k]);
        }
        number(f[11]);                  /* the suite's CPU per wall second */
        /* --tiny proves nothing about speed: a target is never judged. */
        ck_assert_str_eq(f[13], f[12][0] != '\0' ? "-" : "");
        row++;
    }
    ck_assert_int_eq(row, N_FIGURES);
}

/* The machine's state: CPUs and model, the load before and after, the CPUs
 * other processes kept busy just before and during the run, and the
 * warning exactly when one of those two is above 0.5. */
static void check_machine_state(const char *out)
{
    const char *before = strstr(out, "other processes before: ");
    const char *during = strstr(out, "\nother processes: ");
    long cpus;

    ck_assert_ptr_nonnull(strstr(out, "machine: "));
    ck_assert_int_eq(sscanf(strstr(out, "machine: "), "machine: %ld CPUs online, ", &cpus), 1);
    ck_assert_int_ge(cpus, 1);
    ck_assert_ptr_nonnull(strstr(out, "load average before: "));
    ck_assert_ptr_nonnull(strstr(out, "load average after: "));
    ck_assert_ptr_nonnull(before);
    ck_assert_ptr_nonnull(during);
    for (int i = 0; i < 2; i++) {
        double busy = strtod(i == 0 ? before + 24 : during + 18, NULL);

        ck_assert_msg(busy >= 0 && busy <= (double)cpus, "%s", i == 0 ? before : during);
    }
    ck_assert_int_eq(strstr(out, "warning: ") != NULL,
                     strtod(before + 24, NULL) > 0.5 || strtod(during + 18, NULL) > 0.5);
}

START_TEST(tiny_run_writes_one_csv_row_per_figure)
{
    struct run r;

    remove(CSV_PATH);
    run_checked_timeout(&r, "bench/bench --tiny --repeat 1 --no-python --csv " CSV_PATH,
                        test_seconds(30), 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_ptr_nonnull(strstr(r.out, "figure"));
    check_machine_state(r.out);
    check_csv(1, 0);
    run_free(&r);
}
END_TEST

START_TEST(tiny_run_with_rounds_keeps_every_median_in_its_range)
{
    struct run r;

    remove(CSV_PATH);
    run_checked_timeout(&r, "bench/bench --tiny --repeat 3 --no-python --csv " CSV_PATH,
                        test_seconds(40), 0);
    check_csv(3, 0);
    run_free(&r);
}
END_TEST

/* --verbose shows the order: in every round of a figure the suite, then
 * the baseline, then CPython, before the next round begins. */
START_TEST(rounds_interleave_suite_baseline_and_python)
{
    static const char *const sides[] = { "suite", "baseline", "python" };
    char cmd[512], *save, *line;
    struct run r;
    int k = 0;

    if (python3_path() == NULL)
        return;                         /* the next test checks the note */
    remove(CSV_PATH);
    snprintf(cmd, sizeof cmd, "bench/bench --tiny --repeat 2 --verbose --python %s --csv "
             CSV_PATH, python3_path());
    run_checked_timeout(&r, cmd, test_seconds(40), 0);
    for (line = strtok_r(r.err, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save), k++) {
        char name[64], side[16];
        long round, rounds;

        ck_assert_int_eq(sscanf(line, "%63s round %ld/%ld %15s", name, &round, &rounds, side), 4);
        ck_assert_str_eq(name, figure_names[k / 6]);
        ck_assert_int_eq(round, k % 6 / 3 + 1);
        ck_assert_int_eq(rounds, 2);
        ck_assert_str_eq(side, sides[k % 3]);
    }
    ck_assert_int_eq(k, (intmax_t)6 * N_FIGURES);
    check_csv(2, 1);
    run_free(&r);
}
END_TEST

START_TEST(only_measures_the_figures_named)
{
    struct run r;
    char *csv;

    remove(CSV_PATH);
    run_checked_timeout(&r, "bench/bench --tiny --repeat 1 --no-python --only "
                        "pipe_roundtrip_spin,spawn_join --csv " CSV_PATH, test_seconds(30), 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\nspawn_join "));
    ck_assert_ptr_nonnull(strstr(r.out, "\npipe_roundtrip_spin "));
    ck_assert_ptr_null(strstr(r.out, "\nlock_uncontended "));
    csv = read_file(CSV_PATH);
    ck_assert_ptr_nonnull(csv);
    ck_assert_int_eq(count_lines(csv), 3);  /* the header, then the table's order */
    ck_assert_ptr_nonnull(strstr(csv, "\nspawn_join,us/process,"));
    ck_assert(strstr(csv, "\nspawn_join,") < strstr(csv, "\npipe_roundtrip_spin,"));
    run_free(&r);
}
END_TEST

START_TEST(missing_python_is_skipped_with_a_note)
{
    struct run r;

    run_checked_timeout(&r, "bench/bench --tiny --repeat 1 --python no-such-python3 --csv "
                        CSV_PATH, test_seconds(30), 0);
    ck_assert_ptr_nonnull(strstr(r.out, "note: 'no-such-python3' not found, CPython figures skipped"));
    run_free(&r);
}
END_TEST

HELP_TEST(help_goes_to_stdout_and_exits_0, "bench/bench", "--repeat")

/* Each message is the whole first line of stderr. */
static const struct bad_usage bad_inputs[] = {
    { "bench/bench --repeat 0", "bench: --repeat 0 is out of range (accepted: 1..99)\n" },
    { "bench/bench --nope", "bench: unknown or misused option '--nope'\n" },
    { "bench/bench extra", "bench: unexpected argument 'extra' (bench takes options only)\n" },
    { "bench/bench --only pipe_roundtrip,nope", "bench: --only: no figure 'nope' (accepted: "
      "names from the table, e.g. pipe_roundtrip,pipe_roundtrip_spin)\n" },
};

BAD_USAGE_TEST(bad_usage_exits_2_with_one_line, bad_inputs)

TEST_SUITE(bench)
{
    TCase *tc = add_case(s, "bench", 120, tiny_run_writes_one_csv_row_per_figure,
                         tiny_run_with_rounds_keeps_every_median_in_its_range,
                         rounds_interleave_suite_baseline_and_python,
                         only_measures_the_figures_named, missing_python_is_skipped_with_a_note,
                         help_goes_to_stdout_and_exits_0);

    add_loop(tc, bad_usage_exits_2_with_one_line, bad_inputs);
}
