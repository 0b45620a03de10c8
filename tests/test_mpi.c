/* test_mpi.c - session8-mpi: session8's Pool.map on MPI.
 *
 * Every program test runs it under `mpirun --oversubscribe` (the machine
 * may have fewer cores than ranks), or alone as an MPI singleton for --help
 * and bad usage. Without mpirun, or when the program was not built (no
 * mpicc), each test says so and passes: there is nothing to run. The runner
 * itself never links MPI. docs/beyond.md explains the program.
 */
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROGRAM "session8/session8-mpi"

/* The path of mpirun on PATH, or NULL. */
static const char *mpirun_path(void)
{
    static char found[4096];

    return find_on_path("mpirun", found, sizeof found) == 0 ? found : NULL;
}

/* 1 when there is something to test; else prints why not. */
static int have_mpi(void)
{
    if (mpirun_path() == NULL) {
        puts("mpi: no mpirun on PATH, the MPI pool is not tested");
        return 0;
    }
    if (access(PROGRAM, X_OK) != 0) {
        puts("mpi: " PROGRAM " is not built (no mpicc), not tested");
        return 0;
    }
    return 1;
}

/* Open MPI refuses to run as root unless both variables say it is meant
 * (a mistake as root can damage the system); the tests run as root in CI.
 * Set in each test's own process (Check forks one per test). */
static void allow_root(void)
{
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
}

/* mpirun --oversubscribe -np NP session8-mpi ARGS, written in cmd. */
static const char *mpi_cmdline(char cmd[8192], int np, const char *args)
{
    snprintf(cmd, 8192, "%s --oversubscribe -np %d " PROGRAM " %s", mpirun_path(), np, args);
    return cmd;
}

static void run_mpi(struct run *r, int np, const char *args)
{
    char cmd[8192];

    run_cmd(r, mpi_cmdline(cmd, np, args));
}

/* run_mpi with run_checked's checks: exit_code, no process left behind. */
static void run_mpi_checked(struct run *r, int np, const char *args, int exit_code)
{
    char cmd[8192];

    run_checked(r, mpi_cmdline(cmd, np, args), exit_code);
}

START_TEST(three_ranks_print_the_tutorials_output)
{
    struct run r;
    long pids[6] = { 0 };

    if (!have_mpi())
        return;
    run_mpi_checked(&r, 3, "", 0);
    ck_assert_int_eq(count_lines(r.out), 6);
    ck_assert_int_eq(worker_lines(r.out, pids, 5), 5);
    for (int n = 1; n <= 5; n++)
        ck_assert_msg(pids[n] > 0, "no line for %d in '%s'", n, r.out);
    /* mpirun forwards each rank's output on its own, so rank 0's result line
     * is not always last: it is there, whole, once. */
    ck_assert_ptr_nonnull(strstr(r.out, "[1, 4, 9, 16, 25]\n"));
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

START_TEST(verbose_names_the_rank_and_host)
{
    struct run r;
    int tagged = 0;

    if (!have_mpi())
        return;
    run_mpi(&r, 3, "--verbose");
    ck_assert_int_eq(run_exit_code(&r), 0);
    for (const char *p = r.out; (p = strstr(p, "[rank ")) != NULL; p++) {
        int rank;
        char host[256];
        long n, pid;

        ck_assert_int_eq(sscanf(p, "[rank %d on %255[^]]] Worker process id for %ld: %ld",
                                &rank, host, &n, &pid), 4);
        ck_assert(rank == 1 || rank == 2);
        tagged++;
    }
    ck_assert_int_eq(tagged, 5);
    run_free(&r);
}
END_TEST

/* Results in input order, whichever rank ran them, with small chunks that
 * make the two workers finish out of order. */
START_TEST(results_come_back_in_input_order)
{
    enum { N = 300 };
    static char want[16 * N], words[N][16];
    char *argv[N + 12], *end = want;
    int argc = 0;
    struct run r;

    if (!have_mpi())
        return;
    /* The list N, N-1, ..., 1 in chunks of 7: 43 chunks whose results come
     * back from two workers, interleaved in whatever order they finish. */
    argv[argc++] = (char *)mpirun_path();
    argv[argc++] = "--oversubscribe";
    argv[argc++] = "-np";
    argv[argc++] = "3";
    argv[argc++] = PROGRAM;
    argv[argc++] = "--quiet";
    argv[argc++] = "--chunksize";
    argv[argc++] = "7";
    end += sprintf(end, "[");
    for (int i = 0; i < N; i++) {
        snprintf(words[i], sizeof words[i], "%d", N - i);
        argv[argc++] = words[i];
        end += sprintf(end, "%s%ld", i == 0 ? "" : ", ", (long)(N - i) * (N - i));
    }
    sprintf(end, "]\n");
    argv[argc] = NULL;
    run_argv(&r, argv);
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_msg(strcmp(r.out, want) == 0, "the result is not in input order");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* A chunk runs whole on one rank; the default chunksize is CPython's. */
START_TEST(chunks_run_whole_on_one_rank_and_default_is_cpythons)
{
    struct run r;
    long pids[21] = { 0 }, total = 0;

    if (!have_mpi())
        return;
    run_mpi(&r, 3, "--range 20 --chunksize 5");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_int_eq(worker_lines(r.out, pids, 20), 20);
    for (int c = 0; c < 4; c++)
        for (int i = 2; i <= 5; i++)
            ck_assert_int_eq(pids[c * 5 + i], pids[c * 5 + 1]);
    run_free(&r);

    /* 100 items, 2 workers: divmod(100, 8) = (12, 4), so 13. */
    run_mpi(&r, 3, "--quiet --range 100 --summary");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_msg(strstr(r.out, "pool: 2 workers (ranks 1-2), 100 items, chunksize 13, ") != NULL,
                  "%s", r.out);
    for (const char *p = r.out; (p = strstr(p, "\nrank ")) != NULL; p++) {
        int rank;
        long items;

        ck_assert_int_eq(sscanf(p, "\nrank %d ran %ld items", &rank, &items), 2);
        total += items;
    }
    ck_assert_int_eq(total, 100);
    ck_assert_ptr_nonnull(strstr(r.out, "\nspeedup: "));
    run_free(&r);

    /* 96 items: divmod(96, 8) = (12, 0), so exactly 12. */
    run_mpi(&r, 3, "--quiet --range 96 --summary");
    ck_assert_ptr_nonnull(strstr(r.out, " 96 items, chunksize 12, "));
    run_free(&r);
}
END_TEST

/* --range 100000: the sum of the squares printed is n(n+1)(2n+1)/6. */
START_TEST(range_checksum_is_the_sum_of_squares)
{
    struct run r;
    long long sum = 0, n = 100000, count = 0;
    const char *p;

    if (!have_mpi())
        return;
    run_mpi(&r, 3, "--quiet --range 100000");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_int_eq(r.out[0], '[');
    for (p = r.out + 1; *p != ']' && *p != '\0'; ) {
        char *end;

        sum += strtoll(p, &end, 10);
        count++;
        p = end;
        if (*p == ',')
            p += 2;
    }
    ck_assert_int_eq(count, n);
    ck_assert(sum == n * (n + 1) * (2 * n + 1) / 6);
    run_free(&r);
}
END_TEST

/* A worker rank that dies ends the whole job, promptly (well inside the
 * test's deadline), with a message naming it and a non-zero exit. */
START_TEST(a_crashed_worker_ends_the_job_in_bounded_time)
{
    struct run r;

    if (!have_mpi())
        return;
    run_mpi(&r, 3, "--range 50 --work 100 --crash-on 3");
    ck_assert_int_eq(r.timed_out, 0);
    ck_assert_int_ne(run_exit_code(&r), 0);
    ck_assert_msg(strstr(r.err, "session8-mpi: rank ") != NULL
                  && strstr(r.err, "kills itself with SIGKILL at item 3") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "exited on signal 9") != NULL, "%s", r.err);
    ck_assert_ptr_null(strstr(r.out, "[1, 4"));
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(help_alone_lists_every_option)
{
    static const char *const names[] = {
        "--range", "--chunksize", "--quiet", "--verbose", "--work", "--summary",
        "--crash-on", "--help", "mpirun -np", NULL,
    };

    if (!have_mpi())
        return;
    assert_help(PROGRAM, names);
}
END_TEST

static const struct {
    const char *args;
    const char *message;
} bad_inputs[] = {
    { "--chunksize 0", "session8-mpi: --chunksize 0 is out of range" },
    { "--range 0", "session8-mpi: --range 0 is out of range" },
    { "--work -5", "session8-mpi: --work -5 is out of range" },
    { "1 two", "session8-mpi: invalid number 'two' for list item" },
    { "--range 3 4", "session8-mpi: give either --range or a list" },
    { "--crash-on 9", "session8-mpi: --crash-on 9 is not in the list" },
    { "--frobnicate", "session8-mpi: unknown" },
};

/* Alone (a singleton: one rank), exactly the suite's bad-usage contract. */
START_TEST(bad_input_alone_exits_2_with_one_line)
{
    char cmd[256];

    if (!have_mpi())
        return;
    snprintf(cmd, sizeof cmd, PROGRAM " %s", bad_inputs[_i].args);
    assert_bad_usage(cmd, bad_inputs[_i].message);
}
END_TEST

/* Under mpirun, rank 0 rejects it before any chunk is sent: exit 2, no
 * worker line, our two lines first (mpirun then adds its own box saying a
 * process exited non-zero). */
START_TEST(bad_input_under_mpirun_exits_2_before_any_work)
{
    static const int which[] = { 0, 3, 5 };

    if (!have_mpi())
        return;
    for (size_t k = 0; k < sizeof which / sizeof which[0]; k++) {
        const char *args = bad_inputs[which[k]].args, *message = bad_inputs[which[k]].message;
        struct run r;

        run_mpi_checked(&r, 3, args, 2);
        ck_assert_str_eq(r.out, "");
        ck_assert_msg(strncmp(r.err, message, strlen(message)) == 0, "%s: stderr '%s'", args, r.err);
        ck_assert_ptr_nonnull(strstr(r.err, "\nTry 'session8-mpi --help' for more information.\n"));
        run_free(&r);
    }
}
END_TEST

START_TEST(one_rank_is_refused_with_exit_2)
{
    if (!have_mpi())
        return;
    assert_bad_usage(PROGRAM, "session8-mpi: needs at least 2 ranks");
}
END_TEST

TEST_SUITE(mpi)
{
    TCase *tc = add_case(s, "mpirun", 30, three_ranks_print_the_tutorials_output,
                         verbose_names_the_rank_and_host, results_come_back_in_input_order,
                         chunks_run_whole_on_one_rank_and_default_is_cpythons,
                         range_checksum_is_the_sum_of_squares,
                         a_crashed_worker_ends_the_job_in_bounded_time,
                         help_alone_lists_every_option, one_rank_is_refused_with_exit_2);
    const int n_bad = (int)(sizeof bad_inputs / sizeof bad_inputs[0]);

    tcase_add_checked_fixture(tc, allow_root, NULL);
    tcase_add_loop_test(tc, bad_input_alone_exits_2_with_one_line, 0, n_bad);
    /* Under mpirun, three kinds: a bad value, a bad list, an item not there. */
    tcase_add_test(tc, bad_input_under_mpirun_exits_2_before_any_work);
}
