/* options.c - session1's command line; see options.h. */
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

/* The largest number whose square fits in a long (64 bits). */
#define ROOT_OF_LONG_MAX 3037000499L

/* The parsed list, kept here until the program ends (the labs return from
 * main too, and every path must leave it reachable, not leaked). */
static long *list;
static int verbose;
static int spawned_child;
static pid_t main_pid;      /* the process that parsed the options */

static void usage(void)
{
    printf("Usage: session1 [OPTION]... [NUMBER]...\n"
           "A child process gets a copy of its parent's memory: the child fills its\n"
           "list with squares, the parent's list stays empty.\n"
           "\n"
           "  NUMBER              the input list (default: 1 2 3 4); each in\n"
           "                      -3037000499..3037000499, so its square fits in a long\n"
           "                      (put -- before a list that starts with a negative number)\n"
           "  -v, --verbose       also print who printed each line (its PID, and its\n"
           "                      parent's for a child) and the address of result\n"
           "      --trace=FILE    write the fork, p1's and main's prints of `result`\n"
           "                      (where it lives, how long it is) and the exit to\n"
           "                      FILE as Trace Event Format JSON, for Perfetto\n"
           "  -s, --start=METHOD  start p1 with fork (a copy of main) or spawn (fork, then\n"
           "                      exec this program: a fresh image), and show whether p1\n"
           "                      sees the global `configured` that main set before\n"
           "                      starting it (default: fork, without that line: the\n"
           "                      tutorial's output)\n"
           "      --child         internal: how --start spawn starts p1 (p1 then runs\n"
           "                      square_list on NUMBER... and exits)\n"
           "  -h, --help          print this help and exit\n"
           "\n"
           "Explained in docs/session1.md.\n");
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
    /* Signed overflow is undefined behaviour: refuse before any process starts. */
    for (size_t i = 0; i < count; i++)
        if (opt->mylist[i] < -ROOT_OF_LONG_MAX || opt->mylist[i] > ROOT_OF_LONG_MAX)
            usage_error("%ld squared does not fit in a long (accepted: -%ld..%ld)",
                        opt->mylist[i], ROOT_OF_LONG_MAX, ROOT_OF_LONG_MAX);
}

void parse_options(int argc, char *argv[], struct options *opt)
{
    static const struct option options[] = {
        { "verbose", no_argument,       NULL, 'v' },
        { "start",   required_argument, NULL, 's' },
        { "child",   no_argument,       NULL, 'C' },
        { "trace",   required_argument, NULL, 'T' },
        { "help",    no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static char *default_list[] = { "1", "2", "3", "4" };
    static const char *const tracks[] = { "p1", NULL };
    char msg[ARG_MSG_SIZE];
    int c, start_given = 0;

    memset(opt, 0, sizeof *opt);
    opterr = 0;     /* we print our own one-line message */
    while ((c = getopt_long(argc, argv, ":vs:h", options, NULL)) != -1) {
        switch (c) {
        case 'v':
            opt->verbose = 1;
            break;
        case 's':
            if (strcmp(optarg, "fork") == 0)
                opt->start = START_FORK;
            else if (strcmp(optarg, "spawn") == 0)
                opt->start = START_SPAWN;
            else
                usage_error("invalid --start '%s' (accepted: fork, spawn)", optarg);
            start_given = 1;
            break;
        case 'C':
            opt->spawned_child = 1;
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
    if (opt->spawned_child) {
        if (start_given)
            usage_error("--child is internal (how --start spawn starts p1) "
                        "and takes no --start");
        opt->start = START_SPAWN;
    }
    if (optind < argc)
        parse_list(argv + optind, (size_t)(argc - optind), opt);
    else
        parse_list(default_list, 4, opt);
    if (opt->trace != NULL && trace_run(opt->trace, "session1", 2, 1024, tracks) == -1)
        die(trace_what(opt->trace));
    verbose = opt->verbose;
    spawned_child = opt->spawned_child;
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
    if (spawned_child || getpid() != main_pid)      /* a line printed by p1 */
        printf("  [pid %ld, parent %ld, %s at %p]", (long)getpid(), (long)getppid(),
               what, addr);
    else
        printf("  [pid %ld, %s at %p]", (long)getpid(), what, addr);
}
