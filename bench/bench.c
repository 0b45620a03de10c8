/* bench - `make bench`: every primitive of the suite measured next to the raw
 * system calls that do the same job, and next to CPython's multiprocessing.
 *
 * Each figure is the median of several repetitions; the table goes to stdout
 * and the numbers to bench/results.csv. docs/performance.md explains it.
 */
#include "figures.h"

#include "args.h"
#include "die.h"
#include "proc.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FIGURES 16
#define TINY_DIVISOR 1000       /* --tiny does 1/1000 of the work, at least 2 */

struct options {
    long repeat;
    int tiny;
    const char *csv;
    const char *python;         /* NULL: skip CPython */
    const char *script;
};

/* One row of the table: NAN where a column has no value. */
struct row {
    double suite, baseline, python;
};

static void usage(void)
{
    printf("Usage: bench [OPTION]...\n"
           "Measures each primitive of the suite, the raw system calls that do the same\n"
           "job, and CPython's multiprocessing; prints a table of medians and writes\n"
           "them as CSV.\n"
           "\n"
           "  -r, --repeat=N      repetitions per figure, the median is kept (default 5,\n"
           "                      accepted 1..99)\n"
           "  -t, --tiny          do a thousandth of the work: checks that every figure\n"
           "                      runs, the numbers mean nothing (default: off)\n"
           "  -o, --csv=FILE      where to write the CSV (default bench/results.csv)\n"
           "  -p, --python=CMD    the CPython interpreter (default python3, found on the\n"
           "                      PATH; skipped with a note when it is not there)\n"
           "  -n, --no-python     measure no CPython figures\n"
           "  -s, --script=FILE   the CPython side (default bench/bench_mp.py)\n"
           "  -h, --help          print this help and exit\n"
           "\n"
           "Explained in docs/performance.md.\n");
}

static void parse_options(int argc, char *argv[], struct options *o)
{
    static const struct option long_options[] = {
        { "repeat",    required_argument, NULL, 'r' },
        { "tiny",      no_argument,       NULL, 't' },
        { "csv",       required_argument, NULL, 'o' },
        { "python",    required_argument, NULL, 'p' },
        { "no-python", no_argument,       NULL, 'n' },
        { "script",    required_argument, NULL, 's' },
        { "help",      no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char msg[ARG_MSG_SIZE];
    int opt;

    *o = (struct options){ 5, 0, "bench/results.csv", "python3", "bench/bench_mp.py" };
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":r:to:p:ns:h", long_options, NULL)) != -1) {
        switch (opt) {
        case 'r':
            if (arg_long(optarg, "--repeat", 1, 99, &o->repeat, msg, sizeof msg) == -1)
                usage_error("%s", msg);
            break;
        case 't': o->tiny = 1; break;
        case 'o': o->csv = optarg; break;
        case 'p': o->python = optarg; break;
        case 'n': o->python = NULL; break;
        case 's': o->script = optarg; break;
        case 'h':
            usage();
            exit(0);
        default:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            usage_error("%s", msg);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s' (bench takes options only)", argv[optind]);
    if (o->csv[0] == '\0' || o->script[0] == '\0' || (o->python && o->python[0] == '\0'))
        usage_error("an empty file name or command (accepted: a path or a command name)");
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Runs fn `repeat` times and keeps the median: one slow repetition (another
 * process got the CPU) does not move it. */
static double median_of(measure_fn fn, long n, long repeat)
{
    double values[99];

    if (fn == NULL)
        return NAN;
    for (long i = 0; i < repeat; i++)
        values[i] = fn(n);
    qsort(values, (size_t)repeat, sizeof values[0], compare_doubles);
    return repeat % 2 ? values[repeat / 2]
                      : (values[repeat / 2 - 1] + values[repeat / 2]) / 2;
}

/* ---------------------------------------------------------------- CPython */

struct python_run {
    const struct options *o;
    int out_fd;
};

/* The child: stdout into the pipe, then become the interpreter. */
static int exec_python(void *arg)
{
    const struct python_run *p = arg;
    char repeat[24];
    char *argv[] = { (char *)p->o->python, (char *)p->o->script,
                     "--repeat", repeat, p->o->tiny ? "--tiny" : NULL, NULL };

    snprintf(repeat, sizeof repeat, "%ld", p->o->repeat < 3 ? p->o->repeat : 3);
    if (dup2(p->out_fd, STDOUT_FILENO) == -1)
        die_child("dup2");
    execvp(argv[0], argv);
    return errno == ENOENT ? 127 : 126;     /* as a shell reports it */
}

/* Reads "NAME VALUE" lines from the script into rows[].python. */
static void read_python_figures(FILE *in, struct row rows[])
{
    char line[256], *name, *number, *end;
    double value;

    while (fgets(line, sizeof line, in) != NULL) {
        name = strtok(line, " \n");
        number = strtok(NULL, " \n");
        if (name == NULL || number == NULL)
            continue;
        errno = 0;
        value = strtod(number, &end);
        if (errno != 0 || *end != '\0')
            continue;               /* not a number: the figure stays empty */
        for (int i = 0; i < n_figures; i++)
            if (strcmp(figures[i].name, name) == 0)
                rows[i].python = value;
    }
}

static void measure_python(const struct options *o, struct row rows[])
{
    struct python_run run = { o, -1 };
    int fds[2], status;
    FILE *in;
    pid_t pid;

    if (pipe(fds) == -1)
        die("pipe");
    run.out_fd = fds[1];
    if ((pid = proc_start(exec_python, &run)) == -1)
        die("fork");
    close(fds[1]);
    if ((in = fdopen(fds[0], "r")) == NULL)
        die("fdopen");
    read_python_figures(in, rows);
    fclose(in);
    if (proc_join(pid, &status) == -1)
        die("waitpid");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        printf("note: '%s' not found, CPython figures skipped\n", o->python);
    else if (!proc_succeeded(status)) {
        char how[64];

        printf("note: '%s %s' %s, CPython figures it did not print are empty\n",
               o->python, o->script, proc_describe_status(status, how, sizeof how));
    }
}

/* ------------------------------------------------------------------ output */

/* A value with 4 significant digits, or "-" / "" when there is none. */
static const char *cell(char *buf, size_t len, double v, const char *none)
{
    if (isnan(v))
        snprintf(buf, len, "%s", none);
    else
        snprintf(buf, len, "%.4g", v);
    return buf;
}

static void print_table(const struct row rows[])
{
    char a[32], b[32], c[32], d[32], e[32];

    printf("%-24s %-14s %10s %10s %8s %10s %8s\n", "figure", "unit", "suite",
           "baseline", "s/base", "python", "py/suite");
    for (int i = 0; i < n_figures; i++) {
        const struct row *r = &rows[i];

        printf("%-24s %-14s %10s %10s %8s %10s %8s\n", figures[i].name, figures[i].unit,
               cell(a, sizeof a, r->suite, "-"), cell(b, sizeof b, r->baseline, "-"),
               cell(c, sizeof c, r->suite / r->baseline, "-"),
               cell(d, sizeof d, r->python, "-"),
               cell(e, sizeof e, r->python / r->suite, "-"));
    }
}

static void write_csv(const char *path, const struct row rows[])
{
    FILE *f = fopen(path, "w");
    char a[32], b[32], c[32];

    if (f == NULL)
        die(path);
    fprintf(f, "figure,unit,suite,baseline,python\n");
    for (int i = 0; i < n_figures; i++)
        fprintf(f, "%s,%s,%s,%s,%s\n", figures[i].name, figures[i].unit,
                cell(a, sizeof a, rows[i].suite, ""),
                cell(b, sizeof b, rows[i].baseline, ""),
                cell(c, sizeof c, rows[i].python, ""));
    if (fclose(f) == EOF)
        die(path);
}

int main(int argc, char *argv[])
{
    struct options o;
    struct row rows[MAX_FIGURES];

    die_init("bench");
    parse_options(argc, argv, &o);
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");

    for (int i = 0; i < n_figures; i++) {
        const struct figure *f = &figures[i];
        long n = o.tiny ? f->n / TINY_DIVISOR : f->n;

        if (n < 2)
            n = 2;
        rows[i].suite = median_of(f->suite, n, o.repeat);
        rows[i].baseline = median_of(f->baseline, n, o.repeat);
        rows[i].python = NAN;
    }
    if (o.python != NULL)
        measure_python(&o, rows);
    print_table(rows);
    write_csv(o.csv, rows);
    return 0;
}
