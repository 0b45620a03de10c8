/* options.c - session2's command line: one table (args.h); see options.h. */
#include "options.h"

#include "args.h"
#include "die.h"
#include "output.h"
#include "trace.h"
#include "typecode.h"

#include <limits.h>

void parse_options(int argc, char *argv[], struct options *opt)
{
    int type = 0;
    const struct arg_option rows[] = {
        { .arg = "NUMBER", .help = "the input list (default: 1 2 3 4); put -- before a list\n"
          "that starts with a negative number" },
        { "type", 't', "CODE", "the typecode of the shared Array and Value, as in Python:\n"
          "i (C int, default) or d (C double)", .choice = &type, .choices = ARG_WORDS("i", "d"),
          .invalid = "invalid --type '{value}' (accepted: i for int, d for double)" },
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
        "Memory mapped with MAP_SHARED before fork() is shared: the child writes the\n"
        "squares and their sum, and the parent reads them.\n\n",
        .rows = rows, .column = 20,
    };
    char msg[ARG_MSG_SIZE];

    *opt = (struct options){ 0 };
    exit_on_usage(arg_parse(argc, argv, &table, opt, msg, sizeof msg), msg);
    opt->typecode = type == 0 ? 'i' : 'd';
    exit_on_usage(arg_list(argc, argv, LONG_MIN, LONG_MAX, 4, &opt->mylist, &opt->len,
                           msg, sizeof msg), msg);
    if (typecode_fits(opt->typecode, opt->mylist, opt->len, msg, sizeof msg) == -1)
        usage_error("%s", msg);
    output_tag_init(opt->verbose, 0);
    trace_run_or_die(opt->trace, 2, 1024, ARG_WORDS("p1"));
}
