/* bench - `make bench`: every primitive of the suite measured next to the raw
 * system calls that do the same job, and next to CPython's multiprocessing.
 *
 * Paired measurement: each figure runs its three sides in turn, round after
 * round (suite, baseline, CPython, suite, baseline, CPython, ...), so that a
 * machine that slows down or speeds up hits all three alike; the table shows
 * the medians of the values and, per round, the ratios' median and range.
 * The machine's state (CPUs, load before and after) is part of the result.
 * The table goes to stdout, the numbers to bench/results.csv;
 * docs/performance.md explains it.
 */
#include "figures.h"

#include "args.h"
#include "clock.h"
#include "die.h"
#include "proc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FIGURES 16
#define MAX_ROUNDS 99
#define TINY_DIVISOR 1000       /* --tiny does 1/1000 of the work, at least 2 */
#define BUSY_LOAD 0.5           /* above it, the run says the machine was busy */

struct options {
    long rounds;
    int tiny;
    int verbose;                /* each measurement on stderr as it is taken */
    const char *csv;
    const char *python;         /* NULL: skip CPython */
    const char *script;
    const char *only;           /* comma-separated figure names, or NULL: all */
};

/* Every round's values of one figure (NAN: not measured). */
struct row {
    double suite[MAX_ROUNDS], baseline[MAX_ROUNDS], python[MAX_ROUNDS];
    double cpu[MAX_ROUNDS];     /* the suite side's CPU seconds per wall second */
};

/* The median, lowest and highest of some numbers (NAN when none). */
struct spread {
    double median, min, max;
};

static int figure_index(const char *name, size_t len)
{
    for (int i = 0; i < n_figures; i++)
        if (strlen(figures[i].name) == len && strncmp(figures[i].name, name, len) == 0)
            return i;
    return -1;
}

/* 1 when the figure is in --only's list (or there is no list). */
static int chosen(const char *only, int figure)
{
    for (const char *p = only; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (figure_index(p, strcspn(p, ",")) == figure)
            return 1;
    return only == NULL;
}

static void check_only(const char *only)
{
    for (const char *p = only;; p += strcspn(p, ",") + 1) {
        size_t len = strcspn(p, ",");

        if (figure_index(p, len) == -1)
            usage_error("--only: no figure '%.*s' (accepted: names from the table, "
                        "e.g. pipe_roundtrip,pipe_roundtrip_spin)", (int)len, p);
        if (p[len] == '\0')
            return;
    }
}

void parse_options(int argc, char *argv[], struct options *o)
{
    int no_python = 0;
    const struct arg_option rows[] = {
        { "repeat", 'r', "N", "rounds per figure, each runs suite, baseline and\n"
          "CPython once (default 5, accepted {min}..{max})",
          .number = &o->rounds, 1, MAX_ROUNDS },
        { "only", 'f', "NAMES", "measure only these figures, comma-separated names\n"
          "from the table (default: every figure)", .text = &o->only },
        { "verbose", 'v', NULL, "print each measurement on stderr as it is taken,\n"
          "in the order taken (default: off)", .flag = &o->verbose },
        { "tiny", 't', NULL, "do a thousandth of the work: checks that every figure\n"
          "runs, the numbers mean nothing (default: off)", .flag = &o->tiny },
        { "csv", 'o', "FILE", "where to write the CSV (default bench/results.csv)",
          .text = &o->csv },
        { "python", 'p', "CMD", "the CPython interpreter (default python3, found on the\n"
          "PATH; skipped with a note when it is not there)", .text = &o->python },
        { "no-python", 'n', NULL, "measure no CPython figures", .flag = &no_python },
        { "script", 's', "FILE", "the CPython side (default bench/bench_mp.py)",
          .text = &o->script },
        { 0 },
    };
    const struct arg_table table = {
        "Measures each primitive of the suite, the raw system calls that do the same\n"
        "job, and CPython's multiprocessing, in turn, round after round; prints the\n"
        "machine's state, a table of medians, ratios with their range and targets,\n"
        "and writes them as CSV.\n\n",
        .rows = rows, .column = 22, .end = "\nExplained in docs/performance.md.\n",
    };
    char msg[ARG_MSG_SIZE];

    *o = (struct options){ .rounds = 5, .csv = "bench/results.csv", .python = "python3",
                           .script = "bench/bench_mp.py" };
    exit_on_usage(arg_parse(argc, argv, &table, o, msg, sizeof msg), msg);
    if (no_python)
        o->python = NULL;
    if (o->only != NULL)
        check_only(o->only);
    if (o->csv[0] == '\0' || o->script[0] == '\0' || (o->python && o->python[0] == '\0'))
        usage_error("an empty file name or command (accepted: a path or a command name)");
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Over the values that are not NAN; the median of an even count is the
 * mean of the middle two. */
static struct spread spread_of(const double *values, long n)
{
    double v[MAX_ROUNDS];
    long k = 0;

    for (long i = 0; i < n; i++)
        if (!isnan(values[i]))
            v[k++] = values[i];
    if (k == 0)
        return (struct spread){ NAN, NAN, NAN };
    qsort(v, (size_t)k, sizeof v[0], compare_doubles);
    return (struct spread){ k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2, v[0], v[k - 1] };
}

/* Round by round a / b: the ratio of two values measured side by side. */
static struct spread ratio_spread(const double *a, const double *b, long n)
{
    double r[MAX_ROUNDS];

    for (long i = 0; i < n; i++)
        r[i] = a[i] / b[i];
    return spread_of(r, n);
}

/* -------------------------------------------------------- the machine */

/* CPU seconds used so far by this process and by its children already
 * waited for. */
static double cpu_seconds(void)
{
    struct rusage self, children;

    if (getrusage(RUSAGE_SELF, &self) == -1 || getrusage(RUSAGE_CHILDREN, &children) == -1)
        die("getrusage");
    return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec
                    + children.ru_stime.tv_sec)
           + (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + children.ru_utime.tv_usec
                      + children.ru_stime.tv_usec) / 1e6;
}

/* The 1-minute load average: how many processes wanted a CPU, on average
 * over the last minute. NAN when /proc is not there. */
static double load_average(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    char text[64], *end;
    double load = NAN;

    if (f != NULL) {
        if (fgets(text, sizeof text, f) != NULL) {
            load = strtod(text, &end);
            if (end == text)
                load = NAN;
        }
        fclose(f);
    }
    return load;
}

/* CPU seconds the whole machine has spent busy since boot (every CPU's
 * user, nice, system, irq, softirq and steal time in the first line of
 * /proc/stat), or NAN without /proc. */
static double machine_busy_seconds(void)
{
    static const int busy[] = { 0, 1, 2, 5, 6, 7 };  /* user nice system irq softirq steal */
    FILE *f = fopen("/proc/stat", "r");
    char line[512], *p, *end;
    unsigned long long t[8];
    double sum = 0;
    int n = 0;

    if (f == NULL)
        return NAN;
    p = fgets(line, sizeof line, f);
    fclose(f);
    if (p == NULL || strncmp(line, "cpu ", 4) != 0)
        return NAN;
    for (p = line + 4; n < 8; p = end, n++) {
        t[n] = strtoull(p, &end, 10);
        if (end == p)
            return NAN;
    }
    for (size_t i = 0; i < sizeof busy / sizeof busy[0]; i++)
        sum += (double)t[busy[i]];
    return sum / (double)sysconf(_SC_CLK_TCK);
}

/* What the machine did besides this benchmark: the busy CPU time of the
 * machine minus this process's and its children's, between two moments. */
struct machine_mark {
    double busy, own, wall;
};

static void machine_mark(struct machine_mark *m)
{
    m->busy = machine_busy_seconds();
    m->own = cpu_seconds();
    m->wall = monotonic_seconds();
}

/* The CPU model from /proc/cpuinfo, or "unknown". */
static void cpu_model(char *buf, size_t len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];

    snprintf(buf, len, "unknown");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');

        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            colon += 1 + (colon[1] == ' ');
            colon[strcspn(colon, "\n")] = '\0';
            snprintf(buf, len, "%s", colon);
            break;
        }
    }
    fclose(f);
}

/* CPUs other processes kept busy on average between two marks. */
static double others_busy(const struct machine_mark *from, const struct machine_mark *to)
{
    double others = ((to->busy - from->busy) - (to->own - from->own)) / (to->wall - from->wall);

    return others < 0 ? 0 : others;     /* clock ticks against rusage's microseconds */
}

/* The machine, and what else it did in the half second before the run
 * (bench itself only waits then). The load average before is printed too,
 * but it counts the last minute: right after another benchmark it is high
 * on an idle machine. Returns the CPUs others kept busy; *start is marked. */
static double print_machine(double load_before, struct machine_mark *start)
{
    char model[256], date[64];
    time_t t = time(NULL);
    struct machine_mark quiet;
    struct timespec half = { 0, 500000000L };

    cpu_model(model, sizeof model);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&t));
    printf("machine: %ld CPUs online, %s\n", sysconf(_SC_NPROCESSORS_ONLN), model);
    machine_mark(&quiet);
    nanosleep(&half, NULL);
    machine_mark(start);
    printf("date: %s; load average before: %.2f; other processes before: %.2f CPUs busy "
           "(0.5 s)\n", date, load_before, others_busy(&quiet, start));
    return others_busy(&quiet, start);
}

/* The load average after the run counts the benchmark's own processes of
 * the last minute, so it cannot say whether others ran: the CPU time the
 * machine spent on other processes during the run can (NAN without /proc). */
static void print_load_after(double others_before, const struct machine_mark *start,
                             long rounds)
{
    struct machine_mark end;
    double others;

    machine_mark(&end);
    others = others_busy(start, &end);
    printf("load average after: %.2f (1 minute, this run's own processes included); "
           "%ld round%s per figure\n", load_average(), rounds, rounds == 1 ? "" : "s");
    printf("other processes: %.2f CPUs busy on average during the run's %.0f s\n", others,
           end.wall - start->wall);
    if (others_before > BUSY_LOAD || others > BUSY_LOAD)
        printf("warning: other processes kept more than %.1f CPUs busy %s the run, so the "
               "absolute values are slower and noisier than on an idle machine; the ratios, "
               "measured side by side, are the figures to compare\n", BUSY_LOAD,
               others_before > BUSY_LOAD ? "before" : "during");
}

/* ---------------------------------------------------------------- CPython */

/* The script runs for the whole benchmark and measures one figure each time
 * it reads the figure's name (bench_mp.py says how). Its stdin and stdout
 * are one end of a socketpair: a write to a script that died is then the
 * error EPIPE (send with MSG_NOSIGNAL), not a SIGPIPE that kills bench. */
struct python {
    const struct options *o;
    int fd;                     /* our end; -1 once the script is gone */
    int child_fd;
    FILE *in;
    pid_t pid;
};

static int exec_python(void *arg)
{
    const struct python *py = arg;
    char *argv[] = { (char *)py->o->python, (char *)py->o->script,
                     py->o->tiny ? "--tiny" : NULL, NULL };

    close(py->fd);
    if (dup2(py->child_fd, STDIN_FILENO) == -1 || dup2(py->child_fd, STDOUT_FILENO) == -1)
        die_child("dup2");
    execvp(argv[0], argv);
    return errno == ENOENT ? 127 : 126;     /* as a shell reports it */
}

/* Reads one line from the script; 0 at its end (or when it is gone). */
static int python_line(struct python *py, char *line, size_t len)
{
    if (py->fd == -1 || fgets(line, (int)len, py->in) == NULL)
        return 0;
    line[strcspn(line, "\n")] = '\0';
    return 1;
}

/* Closes our end (the script sees end of file and ends), joins it, and
 * says why when it did not end well. */
static void python_stop(struct python *py)
{
    int status;

    if (py->fd == -1)
        return;
    fclose(py->in);             /* closes py->fd too */
    py->fd = -1;
    if (proc_join(py->pid, &status) == -1)
        die("waitpid");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        printf("note: '%s' not found, CPython figures skipped\n", py->o->python);
    else if (!proc_succeeded(status)) {
        char how[64];

        printf("note: '%s %s' %s, CPython figures it did not measure are empty\n",
               py->o->python, py->o->script, proc_describe_status(status, how, sizeof how));
    }
}

/* Starts the script and waits for its "ready". Returns 0, or -1 (with the
 * note printed) when it did not start. */
static int python_start(struct python *py, const struct options *o)
{
    char line[256];

    *py = (struct python){ o, -1, -1, NULL, -1 };
    py->pid = start_on_socketpair(exec_python, py, &py->fd, &py->child_fd);
    if ((py->in = fdopen(py->fd, "r")) == NULL)
        die("fdopen");
    if (python_line(py, line, sizeof line) && strcmp(line, "ready") == 0)
        return 0;
    python_stop(py);
    return -1;
}

/* One measurement of the figure by the script: NAN when it has none ("-")
 * or has gone. */
static double python_measure(struct python *py, const char *figure)
{
    char line[256], *end;
    size_t len = strlen(figure);
    double value;

    if (py->fd == -1)
        return NAN;
    if (send(py->fd, figure, len, MSG_NOSIGNAL) != (ssize_t)len
        || send(py->fd, "\n", 1, MSG_NOSIGNAL) != 1 || !python_line(py, line, sizeof line)) {
        python_stop(py);        /* it died: the note says how */
        return NAN;
    }
    errno = 0;
    value = strtod(line, &end);
    return errno != 0 || end == line || *end != '\0' ? NAN : value;
}

/* ------------------------------------------------------------ measuring */

/* One run of one side: its figure, and for the suite side the CPU it used
 * (this process and its children) per second of wall time. */
static double measure(measure_fn fn, long n, double *cpu)
{
    double wall, used, value;

    if (fn == NULL)
        return NAN;
    wall = monotonic_seconds();
    used = cpu_seconds();
    value = fn(n);
    if (cpu != NULL)
        *cpu = (cpu_seconds() - used) / (monotonic_seconds() - wall);
    return value;
}

/* With --verbose: "spawn_join round 2/5 baseline 170.2" on stderr. */
static void tell(int verbose, const struct figure *f, long i, long rounds, const char *side,
                 double v)
{
    if (verbose)
        fprintf(stderr, "%s round %ld/%ld %s %.4g\n", f->name, i + 1, rounds, side, v);
}

/* suite, baseline, CPython; suite, baseline, CPython; ... */
static void measure_figure(const struct figure *f, long n, long rounds, struct python *py,
                           int verbose, struct row *r)
{
    for (long i = 0; i < rounds; i++) {
        r->cpu[i] = NAN;
        r->suite[i] = measure(f->suite, n, &r->cpu[i]);
        tell(verbose, f, i, rounds, "suite", r->suite[i]);
        r->baseline[i] = measure(f->baseline, n, NULL);
        tell(verbose, f, i, rounds, "baseline", r->baseline[i]);
        r->python[i] = py != NULL ? python_measure(py, f->name) : NAN;
        if (py != NULL)
            tell(verbose, f, i, rounds, "python", r->python[i]);
    }
}

/* ------------------------------------------------------------------ output */

/* What the table and the CSV show of one figure. */
struct summary {
    int chosen;                 /* measured in this run (--only) */
    struct spread suite, baseline, python, ratio, python_ratio, cpu;
    const char *verdict;        /* PASS, MISS, n/a (a value is missing), "" (no
                                 * target), "-" (--tiny: not judged) */
    char target[64];
};

static double target_value(const struct summary *s, enum target_kind kind)
{
    switch (kind) {
    case TARGET_SUITE_AT_MOST:
    case TARGET_SUITE_AT_LEAST:
        return s->suite.median;
    case TARGET_RATIO_AT_MOST:
    case TARGET_RATIO_AT_LEAST:
        return s->ratio.median;
    default:
        return s->python_ratio.median;
    }
}

static void judge(const struct figure *f, struct summary *s)
{
    static const char *const what[] = { "", "suite<=", "suite>=", "s/base<=", "s/base>=",
                                        "py/suite>=" };
    size_t used = 0;

    s->verdict = "";
    s->target[0] = '\0';
    for (int t = 0; t < MAX_TARGETS && f->target[t].kind != TARGET_NONE; t++) {
        enum target_kind kind = f->target[t].kind;
        double v = target_value(s, kind), limit = f->target[t].limit;
        int met = kind == TARGET_SUITE_AT_MOST || kind == TARGET_RATIO_AT_MOST ? v <= limit
                                                                              : v >= limit;

        used += (size_t)snprintf(s->target + used, sizeof s->target - used, "%s%s%g",
                                 t > 0 ? " " : "", what[kind], limit);
        if (isnan(v))
            s->verdict = "n/a";
        else if (!met && strcmp(s->verdict, "n/a") != 0)
            s->verdict = "MISS";
        else if (s->verdict[0] == '\0')
            s->verdict = "PASS";
    }
}

static void summarise(const struct figure *f, const struct row *r, long rounds, int tiny,
                      struct summary *s)
{
    s->suite = spread_of(r->suite, rounds);
    s->baseline = spread_of(r->baseline, rounds);
    s->python = spread_of(r->python, rounds);
    s->ratio = ratio_spread(r->suite, r->baseline, rounds);
    s->python_ratio = ratio_spread(r->python, r->suite, rounds);
    s->cpu = spread_of(r->cpu, rounds);
    judge(f, s);
    if (tiny && s->verdict[0] != '\0')
        s->verdict = "-";       /* a thousandth of the work proves nothing */
}

/* A value with 4 significant digits, or none ("-" / "") when it is NAN. */
static const char *cell(char *buf, size_t len, double v, const char *none)
{
    if (isnan(v))
        snprintf(buf, len, "%s", none);
    else
        snprintf(buf, len, "%.4g", v);
    return buf;
}

/* "1.03 (0.98-1.11)": the median of the rounds' ratios and their range. */
static const char *ratio_cell(char *buf, size_t len, struct spread r)
{
    if (isnan(r.median))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.3g (%.3g-%.3g)", r.median, r.min, r.max);
    return buf;
}

static void print_table(const struct summary sums[])
{
    char a[32], b[32], c[32], d[48], e[48], g[32];

    printf("%-28s %-13s %9s %9s %9s %-22s %-22s %4s  %s\n", "figure", "unit", "suite",
           "baseline", "python", "s/base (range)", "py/suite (range)", "cpu", "target");
    for (int i = 0; i < n_figures; i++) {
        const struct summary *s = &sums[i];

        if (!s->chosen)
            continue;
        printf("%-28s %-13s %9s %9s %9s %-22s %-22s %4s  %s%s%s\n", figures[i].name,
               figures[i].unit, cell(a, sizeof a, s->suite.median, "-"),
               cell(b, sizeof b, s->baseline.median, "-"),
               cell(c, sizeof c, s->python.median, "-"),
               ratio_cell(d, sizeof d, s->ratio), ratio_cell(e, sizeof e, s->python_ratio),
               isnan(s->cpu.median) ? "-" : (snprintf(g, sizeof g, "%.2f", s->cpu.median), g),
               s->target, s->target[0] ? " " : "", s->verdict);
    }
}

static void write_csv(const char *path, const struct summary sums[])
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        die(path);
    fprintf(f, "figure,unit,suite,baseline,python,s_base,s_base_min,s_base_max,"
               "py_suite,py_suite_min,py_suite_max,cpu,target,verdict\n");
    for (int i = 0; i < n_figures; i++) {
        const struct summary *s = &sums[i];
        const double v[] = { s->suite.median, s->baseline.median, s->python.median,
                             s->ratio.median, s->ratio.min, s->ratio.max,
                             s->python_ratio.median, s->python_ratio.min,
                             s->python_ratio.max, s->cpu.median };
        char buf[32];

        if (!s->chosen)
            continue;
        fprintf(f, "%s,%s", figures[i].name, figures[i].unit);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            fprintf(f, ",%s", cell(buf, sizeof buf, v[k], ""));
        fprintf(f, ",%s,%s\n", s->target, s->verdict);
    }
    if (fclose(f) == EOF)
        die(path);
}

int main(int argc, char *argv[])
{
    static struct row rows[MAX_FIGURES];
    struct summary sums[MAX_FIGURES];
    struct options o;
    struct python py;
    int have_python = 0;
    double others_before;
    struct machine_mark start;

    die_init("bench");
    parse_options(argc, argv, &o);
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");

    others_before = print_machine(load_average(), &start);
    if (o.python != NULL)
        have_python = python_start(&py, &o) == 0;
    for (int i = 0; i < n_figures; i++) {
        const struct figure *f = &figures[i];
        long n = o.tiny ? f->n / TINY_DIVISOR : f->n;

        sums[i].chosen = chosen(o.only, i);
        if (!sums[i].chosen)
            continue;
        measure_figure(f, n < 2 ? 2 : n, o.rounds, have_python ? &py : NULL, o.verbose, &rows[i]);
        summarise(f, &rows[i], o.rounds, o.tiny, &sums[i]);
    }
    if (have_python)
        python_stop(&py);
    print_load_after(others_before, &start, o.rounds);
    print_table(sums);
    write_csv(o.csv, sums);
    return 0;
}
