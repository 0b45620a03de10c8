/* options.c - session2's command line: one table (args.h); see options.h. */
#include "options.h"

#include "args.h"
#include "die.h"
#include "output.h"
#include "typecode.h"

#include <limits.h>
#include <stdio.h>

/* The parsed list, kept here until the program ends (the labs return from
 * main too, and every path must leave it reachable, not leaked). */
static long *list;

static int set_type(void *opts, const char *arg, char *msg, size_t msglen)
{
    if ((arg[0] != 'i' && arg[0] != 'd') || arg[1] != '\0') {
        snprintf(msg, msglen, "invalid --type '%s' (accepted: i for int, d for double)", arg);
        return -1;
    }
    ((struct options *)opts)->typecode = arg[0];
    return 0;
}

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
    if (typecode_fits(opt->typecode, opt->mylist, opt->len, msg, sizeof msg) == -1)
        usage_error("%s", msg);
    output_tag_init(opt->verbose, 0);
}
