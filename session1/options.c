/* options.c - session1's command line: one table (args.h); see options.h. */
#include "options.h"

#include "args.h"
#include "die.h"
#include "output.h"
#include "trace.h"

#include <limits.h>

/* The largest number whose square fits in a long (64 bits). */
#define ROOT_OF_LONG_MAX 3037000499L

void parse_options(int argc, char *argv[], struct options *opt)
{
    const struct arg_option rows[] = {
        { .arg = "NUMBER", .help = "the input list (default: 1 2 3 4); each in\n"
          "{min}..{max}, so its square fits in a long\n"
          "(put -- before a list that starts with a negative number)",
          .min = -ROOT_OF_LONG_MAX, .max = ROOT_OF_LONG_MAX },
        { "verbose", 'v', NULL, "also print who printed each line (its PID, and its\n"
          "parent's for a child) and the address of result", .flag = &opt->verbose },
        { "start", 's', "METHOD", "start p1 with fork (a copy of main) or spawn (fork, then\n"
          "exec this program: a fresh image), and show whether p1\n"
          "sees the global `configured` that main set before\n"
          "starting it (default: fork, without that line: the\n"
          "tutorial's output)", .choice = &opt->start, .choices = ARG_WORDS("fork", "spawn") },
        { "child", 0, NULL, "internal: how --start spawn starts p1 (p1 then runs\n"
          "square_list on NUMBER... and exits)", .flag = &opt->spawned_child },
        { "trace", 0, "FILE", "write the fork and p1's and main's prints of result\n"
          "(where it lives, how long it is) to FILE as Trace Event\n"
          "Format JSON, for Perfetto (default: off)", .text = &opt->trace },
        { 0 },
    };
    const struct arg_table table = {
        "A child process gets a copy of its parent's memory: the child fills its\n"
        "list with squares, the parent's list stays empty.\n\n",
        .rows = rows, .column = 22,
        .rules = (const struct arg_rule[]){ { "child", ARG_NONE_OF, "start",
            "--child is internal (how --start spawn starts p1) and takes no --start" }, { 0 } },
    };
    char msg[ARG_MSG_SIZE];

    *opt = (struct options){ .start = START_TUTORIAL };
    exit_on_usage(arg_parse(argc, argv, &table, opt, msg, sizeof msg), msg);
    if (opt->spawned_child)
        opt->start = START_SPAWN;
    exit_on_usage(arg_list(argc, argv, LONG_MIN, LONG_MAX, 4, &opt->mylist, &opt->len,
                           msg, sizeof msg), msg);
    /* Signed overflow is undefined behaviour: refuse before any process starts. */
    for (size_t i = 0; i < opt->len; i++)
        if (opt->mylist[i] < -ROOT_OF_LONG_MAX || opt->mylist[i] > ROOT_OF_LONG_MAX)
            usage_error("%ld squared does not fit in a long (accepted: -%ld..%ld)",
                        opt->mylist[i], ROOT_OF_LONG_MAX, ROOT_OF_LONG_MAX);
    output_tag_init(opt->verbose, opt->spawned_child);
    trace_run_or_die(opt->trace, 2, 1024, ARG_WORDS("p1"));
}
