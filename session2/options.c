/* options.c - session2's command line; see options.h. */
#include "options.h"

#include "args.h"
#include "die.h"
#include "trace.h"

#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The parsed list, kept here until the program ends (the labs return from
 * main too, and every path must leave it reachable, not leaked). */
static long *list;
static int verbose;
static pid_t main_pid;      /* the process that parsed the options */

static void usage(void)
{
    printf("Usage: session2 [OPTION]... [NUMBER]...\n"
           "Memory mapped with MAP_SHARED before fork() is shared: the child writes the\n"
           "squares and their sum, and the parent reads them.\n"
           "\n"
           "  NUMBER            the input list (default: 1 2 3 4); put -- before a list\n"
           "                    that starts with a negative number\n"
           "  -t, --type=CODE   the typecode of the shared Array and Value, as in Python:\n"
           "                    i (C int, default) or d (C double)\n"
           "  -v, --verbose     also print who printed each line (its PID, and its\n"
           "                    parent's for a child) and the address of the shared data\n"
           "      --trace=FILE  write the fork, every write into the shared Array and\n"
           "                    Value and every print of them (with their addresses)\n"
           "                    to FILE as Trace Event Format JSON, for Perfetto\n"
           "  -n, --named       use named POSIX shared memory (shm_open) instead of an\n"
           "                    anonymous mapping, print its name, and unlink it at once,\n"
           "                    so that nothing is left in /dev/shm even after a SIGKILL\n"
           "                    (default: anonymous mmap, no name at all)\n"
           "  -h, --help        print this help and exit\n"
           "\n"
           "Explained in docs/session2.md.\n");
}

/* With typecode 'i', every square and their sum must fit in a C int:
 * overflowing a signed int is undefined behaviour in C, so we refuse
 * before starting anything. */
static void check_fits_int(const long *mylist, size_t len)
{
    const long root = 46340;    /* 46340^2 <= INT_MAX < 46341^2 */
    long long sum = 0;

    for (size_t i = 0; i < len; i++) {
        if (mylist[i] < -root || mylist[i] > root)
            usage_error("%ld squared does not fit in type 'i' (a C int, at most %d); "
                        "try --type d", mylist[i], INT_MAX);
        sum += (long long)mylist[i] * mylist[i];
    }
    if (sum > INT_MAX)
        usage_error("the sum of squares, %lld, does not fit in type 'i' "
                    "(a C int, at most %d); try --type d", sum, INT_MAX);
}

static void parse_list(char *texts[], size_t count, struct options *opt)
{
    char msg[ARG_MSG_SIZE];

    opt->len = count;
    list = malloc(count * sizeof *list);
    if (list == NULL)
        die("malloc");
    if (arg_long_list(texts, count, "list item", LONG_MIN, LONG_MAX,
                      list, msg, sizeof msg) == -1)
        usage_error("%s", msg);
    opt->mylist = list;
}

void parse_options(int argc, char *argv[], struct options *opt)
{
    static const struct option options[] = {
        { "type",    required_argument, NULL, 't' },
        { "verbose", no_argument,       NULL, 'v' },
        { "named",   no_argument,       NULL, 'n' },
        { "trace",   required_argument, NULL, 'T' },
        { "help",    no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static char *default_list[] = { "1", "2", "3", "4" };
    static const char *const tracks[] = { "p1", NULL };
    char msg[ARG_MSG_SIZE];
    int c;

    memset(opt, 0, sizeof *opt);
    opt->typecode = 'i';
    opterr = 0;     /* we print our own one-line message */
    while ((c = getopt_long(argc, argv, ":t:vnh", options, NULL)) != -1) {
        switch (c) {
        case 't':
            if ((optarg[0] != 'i' && optarg[0] != 'd') || optarg[1] != '\0')
                usage_error("invalid --type '%s' (accepted: i for int, d for double)",
                            optarg);
            opt->typecode = optarg[0];
            break;
        case 'v':
            opt->verbose = 1;
            break;
        case 'n':
            opt->named = 1;
            break;
        case 'T':
            opt->trace = optarg;
            break;
        case 'h':
            usage();
            exit(0);
        default:
            arg_getopt_problem(c, argv, msg, sizeof msg);
            usage_error("%s", msg);
        }
    }
    if (optind < argc)
        parse_list(argv + optind, (size_t)(argc - optind), opt);
    else
        parse_list(default_list, 4, opt);
    if (opt->typecode == 'i')
        check_fits_int(opt->mylist, opt->len);
    if (opt->trace != NULL && trace_run(opt->trace, "session2", 2, 1024, tracks) == -1)
        die(trace_what(opt->trace));
    verbose = opt->verbose;
    main_pid = getpid();
}

/* --trace: every print of the shared data names it and says where it is. */
static const struct trace_kind kind_print = {
    "print", "memory", 'i', { "address", NULL, NULL, NULL }, "what" };

void verbose_tag(const char *what, const void *addr)
{
    trace_text(&kind_print, (long)(uintptr_t)addr, 0, what, strlen(what));
    if (!verbose)
        return;
    if (getpid() != main_pid)       /* a line printed by p1 */
        printf("  [pid %ld, parent %ld, %s at %p]", (long)getpid(), (long)getppid(),
               what, addr);
    else
        printf("  [pid %ld, %s at %p]", (long)getpid(), what, addr);
}
