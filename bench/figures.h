/* figures.h - the measurements behind `make bench`, one pair per figure.
 *
 * Each figure has the suite's own primitive and the rawest way to do the
 * same job with plain system calls (the baseline). A measurement does the job
 * `n` times and returns the figure in its unit. docs/performance.md explains
 * every figure and what was measured.
 */
#ifndef BENCH_FIGURES_H
#define BENCH_FIGURES_H

#include "proc.h"

#include <sys/types.h>

/* Does the job n times; returns the figure in its unit. Dies on failure. */
typedef double (*measure_fn)(long n);

/* What a figure must reach, checked on the medians of a run: the suite's
 * value (suite), suite/baseline (ratio) or python/suite (python ratio). */
enum target_kind {
    TARGET_NONE,
    TARGET_SUITE_AT_MOST, TARGET_SUITE_AT_LEAST,
    TARGET_RATIO_AT_MOST, TARGET_RATIO_AT_LEAST,
    TARGET_PYTHON_RATIO_AT_LEAST,
};

struct target {
    enum target_kind kind;
    double limit;
};

#define MAX_TARGETS 2

struct figure {
    const char *name;           /* as in bench/results.csv */
    const char *unit;
    long n;                     /* how many times one repetition does the job */
    measure_fn suite;           /* NULL while the primitive has not landed */
    measure_fn baseline;
    struct target target[MAX_TARGETS];  /* TARGET_NONE (zero) where unused */
};

extern const struct figure figures[];
extern const int n_figures;

/* A socket pair, and a child running fn(arg) (proc_start) on one end: *here
 * is the caller's end, *there the child's, which the child finds through
 * arg (here and there point into it) and the caller's copy of which is
 * closed. Returns the child's pid; dies on failure. */
pid_t start_on_socketpair(proc_fn fn, void *arg, int *here, int *there);

#endif
