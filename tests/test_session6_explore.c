/* test_session6_explore.c - session6/explore_count.c (the --explore count
 * of sessions 6 and 7) against a brute force written here independently:
 * every step string of 1s and 2s is enumerated and played, one step at a
 * time. */
#include "explore_count.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BRUTE_MAX_N 5

/* Plays one schedule: bit k of steps set = step k is process 2's. Each
 * process alternates read and write. Returns 0 when, with the lock, a read
 * would have to wait for the other's write (not a possible schedule), else
 * 1 with the final balance offset. */
static int play(unsigned long steps, int total_steps, int locked, long *final)
{
    long balance = 0, seen[2] = { 0, 0 };
    int done[2] = { 0, 0 };

    for (int k = 0; k < total_steps; k++) {
        int p = (int)((steps >> k) & 1);

        if (done[p] % 2 == 0) {
            if (locked && done[1 - p] % 2 == 1)
                return 0;
            seen[p] = balance;
        } else {
            balance = p == 0 ? seen[p] - 1 : seen[p] + 1;
        }
        done[p]++;
    }
    *final = balance;
    return 1;
}

/* counts[k]: schedules ending at offset k - n. */
static void brute_force(int n, int locked, unsigned long counts[2 * BRUTE_MAX_N + 1])
{
    int total_steps = 4 * n;

    memset(counts, 0, (2 * BRUTE_MAX_N + 1) * sizeof counts[0]);
    for (unsigned long steps = 0; steps < 1UL << total_steps; steps++) {
        long final;

        if (__builtin_popcountl(steps) != 2 * n)
            continue;
        if (play(steps, total_steps, locked, &final)) {
            ck_assert(final >= -n && final <= n);
            counts[final + n]++;
        }
    }
}

static void assert_matches_brute_force(int n, int locked)
{
    unsigned long expected[2 * BRUTE_MAX_N + 1];
    struct explore_result r;

    brute_force(n, locked, expected);
    ck_assert_int_eq(explore_count(n, locked, &r), 0);
    for (int k = 0; k <= 2 * n; k++)
        ck_assert_msg(mpz_cmp_ui(r.counts[k], expected[k]) == 0,
                      "n = %d, balance offset %d: explore says %s, brute force %lu",
                      n, k - n, mpz_get_str(NULL, 10, r.counts[k]), expected[k]);
    explore_free(&r);
}

START_TEST(racy_counts_match_brute_force)
{
    assert_matches_brute_force(_i, 0);
}
END_TEST

START_TEST(locked_counts_match_brute_force)
{
    assert_matches_brute_force(_i, 1);
}
END_TEST

/* With no constraint a schedule is any choice of which 2n of the 4n steps
 * are process 1's: (4n)! / ((2n)!)^2 of them. */
START_TEST(racy_total_is_every_arrangement_of_the_steps)
{
    struct explore_result r;
    mpz_t expected, sum;

    mpz_inits(expected, sum, NULL);
    ck_assert_int_eq(explore_count(_i, 0, &r), 0);
    mpz_bin_uiui(expected, 4 * (unsigned long)_i, 2 * (unsigned long)_i);
    ck_assert(mpz_cmp(r.total, expected) == 0);
    for (int k = 0; k <= 2 * _i; k++)
        mpz_add(sum, sum, r.counts[k]);
    ck_assert(mpz_cmp(sum, r.total) == 0);
    explore_free(&r);
    mpz_clears(expected, sum, NULL);
}
END_TEST

/* With the lock the updates stay whole: C(2n, n) orders, all correct. */
START_TEST(locked_schedules_all_end_correct)
{
    struct explore_result r;
    mpz_t expected;

    mpz_init(expected);
    ck_assert_int_eq(explore_count(_i, 1, &r), 0);
    mpz_bin_uiui(expected, 2 * (unsigned long)_i, (unsigned long)_i);
    ck_assert(mpz_cmp(r.counts[_i], expected) == 0);
    ck_assert(mpz_cmp(r.total, expected) == 0);
    explore_free(&r);
    mpz_clear(expected);
}
END_TEST

/* The distribution is symmetric: swap the roles of the two processes and
 * a schedule ending at +d becomes one ending at -d. */
START_TEST(twenty_updates_give_a_symmetric_count_past_64_bits)
{
    struct explore_result r;

    ck_assert_int_eq(explore_count(20, 0, &r), 0);
    ck_assert_int_gt((int)mpz_sizeinbase(r.total, 2), 64);
    for (int k = 0; k <= 40; k++) {
        ck_assert_int_gt(mpz_sgn(r.counts[k]), 0);
        ck_assert(mpz_cmp(r.counts[k], r.counts[40 - k]) == 0);
    }
    explore_free(&r);
}
END_TEST

START_TEST(out_of_range_n_is_einval)
{
    struct explore_result r;

    errno = 0;
    ck_assert_int_eq(explore_count(0, 0, &r), -1);
    ck_assert_int_eq(errno, EINVAL);
    errno = 0;
    ck_assert_int_eq(explore_count(EXPLORE_MAX_N + 1, 1, &r), -1);
    ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static char *printed(const struct explore_result *r, long start, int csv)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(out);
    explore_print(out, r, start, csv);
    ck_assert_int_eq(fclose(out), 0);
    return text;
}

START_TEST(csv_is_one_row_per_reached_balance_ascending)
{
    struct explore_result r;
    char *text;

    ck_assert_int_eq(explore_count(1, 0, &r), 0);
    text = printed(&r, 100, 1);
    ck_assert_str_eq(text, "final_balance,schedules\n99,2\n100,2\n101,2\n");
    free(text);
    explore_free(&r);
    ck_assert_int_eq(explore_count(2, 1, &r), 0);
    text = printed(&r, 7, 1);
    ck_assert_str_eq(text, "final_balance,schedules\n7,6\n");
    free(text);
    explore_free(&r);
}
END_TEST

START_TEST(table_names_the_total_and_the_correct_share)
{
    struct explore_result r;
    char *text;

    ck_assert_int_eq(explore_count(2, 0, &r), 0);
    text = printed(&r, 100, 0);
    ck_assert_ptr_nonnull(strstr(text, "          100         14  <- correct\n"));
    ck_assert_ptr_nonnull(strstr(text, "Total: 70 schedules\n"));
    ck_assert_ptr_nonnull(strstr(text, "Correct (100): 14 of them, 20%\n"));
    free(text);
    explore_free(&r);
}
END_TEST

/* ------------------------------------------------ the programs' --explore */

START_TEST(session6_csv_counts_two_updates_each)
{
    assert_run("session6/session6 --explore 2 --csv", 0,
               "final_balance,schedules\n98,12\n99,16\n100,14\n101,16\n102,12\n", "");
}
END_TEST

START_TEST(session7_csv_has_only_the_start_balance)
{
    assert_run("session7/session7 --explore 2 --csv", 0, "final_balance,schedules\n100,6\n", "");
}
END_TEST

START_TEST(balances_start_where_balance_says)
{
    assert_run("session6/session6 --explore 1 --csv --balance 7", 0,
               "final_balance,schedules\n6,2\n7,2\n8,2\n", "");
}
END_TEST

/* (80 choose 40) and (40 choose 20): the totals for N = 20. */
START_TEST(twenty_updates_are_counted_by_both_programs)
{
    struct run r;

    run_checked(&r, "session6/session6 --explore 20", 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Total: 107507208733336176461620 schedules\n"));
    ck_assert_int_eq(count_lines(r.out), 2 + 41 + 2);
    run_free(&r);
    assert_prints("session7/session7 --explore 20", 0, "Total: 137846528820 schedules\n",
                  "Correct (100): 137846528820 of them, 100%\n");
}
END_TEST

START_TEST(help_mentions_explore)
{
    static const char *const mentions[] = { "--explore=N", NULL };

    assert_help("session6/session6", mentions);
    assert_help("session7/session7", mentions);
}
END_TEST

TEST_SUITE(session6_explore)
{
    TCase *counts = add_case(s, "counts", 0, twenty_updates_give_a_symmetric_count_past_64_bits,
                             out_of_range_n_is_einval);
    add_case(s, "output", 0, csv_is_one_row_per_reached_balance_ascending,
             table_names_the_total_and_the_correct_share);
    add_case(s, "program", 0, session6_csv_counts_two_updates_each,
             session7_csv_has_only_the_start_balance, balances_start_where_balance_says,
             twenty_updates_are_counted_by_both_programs, help_mentions_explore);

    tcase_add_loop_test(counts, racy_counts_match_brute_force, 1, BRUTE_MAX_N + 1);
    tcase_add_loop_test(counts, locked_counts_match_brute_force, 1, BRUTE_MAX_N + 1);
    tcase_add_loop_test(counts, racy_total_is_every_arrangement_of_the_steps, 1, 21);
    tcase_add_loop_test(counts, locked_schedules_all_end_correct, 1, 21);
}
