/* options.c - session8's command line: one table (args.h); see options.h.
 * Every check happens here, before any worker is started: bad usage is
 * exit 2 with no child process (CONTRIBUTING.md, "What every program keeps").
 */
#include "options.h"

#include "args.h"
#include "die.h"
#include "labs.h"

#include <stdio.h>
#include <unistd.h>

static int in_list(const long *list, size_t n, long item)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == item)
            return 1;
    return 0;
}

void parse_options(int argc, char *argv[], struct options *o)
{
    long range = 0, processes = 0;
    int pool_option = 0;
    const struct arg_option rows[] = {
        { .arg = "NUMBER", .help = "the input list (default: 1 2 3 4 5), each in\n"
          "{min}..{max}; put -- before a\nnegative number",
          .min = -ITEM_MAX, .max = ITEM_MAX },
        { "range", 'r', "N", "the list 1..N instead (N in {min}..{max})",
          .number = &range, 1, RANGE_MAX },
        { "processes", 'p', "N", "worker processes, {min}..{max} (default: online CPUs)",
          .number = &processes, 1, POOL_MAX_PROCESSES, .seen = &pool_option },
        { "chunksize", 'c', "C", "items per task sent to a worker (default:\n"
          "ceil(items / (4 x processes)), as CPython)",
          .number = &o->chunksize, 1, RANGE_MAX, .seen = &pool_option },
        { "maxtasksperchild", 'm', "K", "a worker exits after K tasks and a fresh one\n"
          "replaces it (default: never)",
          .number = &o->pool.maxtasksperchild, 1, RANGE_MAX, .seen = &pool_option },
        { "initializer", 'i', "ARG", "each worker first prints\n"
          "'Initializing worker PID with ARG' (default: none)",
          .text = &o->initializer, .seen = &pool_option },
        { "quiet", 'q', NULL, "no 'Worker process id' line per item", .flag = &o->quiet },
        { "verbose", 'v', NULL, "tag each line a worker prints with\n"
          "'[pid PID, parent PPID]' (default: untagged)", .flag = &o->verbose },
        { "work", 'w', "N", "each task also burns N units of CPU, {min}..{max}\n"
          "(default: 0)", .number = &o->work, 0, WORK_MAX },
        { "summary", 's', NULL, "print wall time, items per worker and the speedup\n"
          "over the serial loop for the same work", .flag = &o->summary, .seen = &pool_option },
        { "timeline", 't', "FILE", "draw which worker ran which chunk and task, and when,\n"
          "in FILE (an SVG; needs gnuplot; default: none)",
          .text = &o->timeline, .seen = &pool_option },
        { "trace", 0, "FILE", "write every chunk and task of every worker to FILE as\n"
          "Trace Event Format JSON, for Perfetto (default: none)",
          .text = &o->trace, .seen = &pool_option },
        { "crash-on", 0, "ITEM", "the task for ITEM kills its own worker with SIGKILL\n"
          "(default: none), to show how the pool fails",
          .number = &o->crash_on, -ITEM_MAX, ITEM_MAX, .seen = &o->crash_on_set },
        { "serial", 0, NULL, "the tutorial's first program: a plain loop, no\n"
          "workers (no pool option may be given with it)", .flag = &o->serial },
        { 0 },
    };
    const struct arg_table table = {
        "Usage: session8 [OPTION]... [NUMBER]...\n"
        "A Pool of worker processes maps square() over a list; the results come\n"
        "back in input order whichever worker ran them.\n\n",
        .rows = rows, .column = 26, .operands = 1, .end = "\nExplained in docs/session8.md.\n",
    };
    char msg[ARG_MSG_SIZE];

    exit_on_usage(arg_parse(argc, argv, &table, o, msg, sizeof msg), msg);
    if (processes != 0)
        o->pool.processes = (int)processes;
    if (o->serial && (pool_option || o->crash_on_set))
        usage_error("--serial runs no pool: it cannot be combined with --processes, "
                    "--chunksize, --maxtasksperchild, --initializer, --summary, "
                    "--timeline or --crash-on");
    if (range > 0 && optind < argc)
        usage_error("give either --range or a list of numbers, not both");
    exit_on_usage(arg_numbers(argc, argv, -ITEM_MAX, ITEM_MAX, range, &o->owned, &o->n,
                              msg, sizeof msg), msg);
    if (o->owned != NULL)
        o->items = o->owned;
    if (o->crash_on_set && !in_list(o->items, o->n, o->crash_on))
        usage_error("--crash-on %ld is not in the list, so no worker would crash", o->crash_on);
    labs_configure(o);
}
