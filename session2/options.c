/* options.c - session2's command line: one table (args.h); see options.h. */
#include "options.h"

#include "args.h"
#include "die.h"
#include "trace.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The parsed list, kept here until the program ends (the labs return from
 * main too, and every path must leave it reachable, not leaked). */
static long *list;
static int verbose;
static pid_t main_pid;      /* the process that parsed the options */

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

static int set_type(void *opts, const char *arg, char *msg, size_t msglen)
{
    if ((arg[0] != 'i' && arg[0] != 'd') || arg[1] != '\0') {
        snprintf(msg, msglen, "invalid --type '%s' (accepted: i for int, d for double)", arg);
        return -1;
    }
    ((struct options *)opts)->typecode = arg[0];
    return 0;
}

/* --trace: the tracks of the processes, named as the tutorial names them. */
static const char *const trace_tracks[] = { "p1", NULL };

void parse_options(int argc, char *argv[], struct options *opt)
{
    const struct arg_option rows[] = {
        { .arg = "NUMBER", .help = "the input list (default: 1 2 3 4); put -- before a list\n"
          "that starts with a negative number" },
        { "type", 't', "CODE", "the typecode of the shared Array and Value, as in Python:\n"
          "i (C int, default) or d (C double)", .set = set_type },
        { "verbose", 'v', NULL, "also print who printed each line (its PID, and its\n"
          "parent's for a child) and the address of the shared data", .flag = &opt->verbose },
        { "named", 'n', NULL, "use named POSIX shared memory (shm_open) instead of an\n"
          "anonymous mapping, print its name, and unlink it at once,\n"
          "so that nothing is left in /dev/shm even after a SIGKILL\n"
          "(default: anonymous mmap, no name at all)", .flag = &opt->named },
        { "trace", 0, "FILE", "write the fork, every write into the shared Array and\n"
          "Value and every print of them (with their addresses) to\n"
          "FILE as Trace Event Format JSON, for Perfetto (default: off)", .text = &opt->trace },
        { 0 },
    };
    const struct arg_table table = {
        "Usage: session2 [OPTION]... [NUMBER]...\n"
        "Memory mapped with MAP_SHARED before fork() is shared: the child writes the\n"
        "squares and their sum, and the parent reads them.\n\n",
        .rows = rows, .column = 20, .operands = 1, .end = "\nExplained in docs/session2.md.\n",
    };
    char msg[ARG_MSG_SIZE];

    *opt = (struct options){ .typecode = 'i' };
    exit_on_usage(arg_parse(argc, argv, &table, opt, msg, sizeof msg), msg);
    exit_on_usage(arg_numbers(argc, argv, LONG_MIN, LONG_MAX, 4, &list, &opt->len,
                              msg, sizeof msg), msg);
    opt->mylist = list;
    if (opt->typecode == 'i')
        check_fits_int(opt->mylist, opt->len);
    verbose = opt->verbose;
    main_pid = getpid();
    if (opt->trace != NULL
        && trace_run(opt->trace, "session2", 2, 1024,
                     trace_tracks) == -1)
        die(trace_what(opt->trace));
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
