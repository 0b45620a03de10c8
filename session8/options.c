/* options.c - session8's command line: one table (args.h); see options.h.
 * Every check happens here, before any worker is started: bad usage is
 * exit 2 with no child process (CONTRIBUTING.md, "What every program keeps").
 */
#include "options.h"

#include "args.h"
#include "die.h"
#include "labs.h"
#include "output.h"

void parse_options(int argc, char *argv[], struct options *o)
{
    long range = 0, processes = 0;
    const struct arg_option rows[] = {
        ITEMS_ROWS(range),
        { "processes", 'p', "N", "worker processes, {min}..{max} (default: online CPUs)",
          .number = &processes, 1, POOL_MAX_PROCESSES },
        { "chunksize", 'c', "C", "items per task sent to a worker (default:\n"
          "ceil(items / (4 x processes)), as CPython)",
          .number = &o->chunksize, 1, RANGE_MAX },
        { "maxtasksperchild", 'm', "K", "a worker exits after K tasks and a fresh one\n"
          "replaces it (default: never)",
          .number = &o->pool.maxtasksperchild, 1, RANGE_MAX },
        { "initializer", 'i', "ARG", "each worker first prints\n"
          "'Initializing worker PID with ARG' (default: none)",
          .text = &o->initializer },
        { "quiet", 'q', NULL, "no 'Worker process id' line per item", .flag = &o->quiet },
        { "verbose", 'v', NULL, "tag each line a worker prints with\n"
          "'[pid PID, parent PPID]' (default: untagged)", .flag = &o->verbose },
        { "work", 'w', "N", "each task also burns N units of CPU time, N in\n"
          "{min}..{max}; a unit is 1000 rounds of a\n"
          "xorshift, about 2 microseconds on a 2020s x86\n"
          "core (default: 0)", .number = &o->work, 0, WORK_MAX },
        { "summary", 's', NULL, "print wall time, items per worker and the speedup\n"
          "over the serial loop for the same work", .flag = &o->summary },
        { "timeline", 't', "FILE", "draw which worker ran which chunk and task,\n"
          "and when, in FILE (an SVG; needs gnuplot;\n"
          "default: none)", .text = &o->timeline },
        { "trace", 0, "FILE", "write every chunk and task of every worker to\n"
          "FILE as Trace Event Format JSON, for Perfetto\n"
          "(default: none)", .text = &o->trace },
        { "crash-on", 0, "ITEM", "the task for ITEM kills its own worker with SIGKILL\n"
          "(default: none), to show how the pool fails",
          .number = &o->crash_on, -ITEM_MAX, ITEM_MAX, .seen = &o->crash_on_set },
        { "serial", 0, NULL, "the tutorial's first program: a plain loop, no\n"
          "workers (no pool option may be given with it)", .flag = &o->serial },
        { 0 },
    };
    const struct arg_table table = {
        "A Pool of worker processes maps square() over a list; the results come\n"
        "back in input order whichever worker ran them.\n\n",
        .rows = rows, .column = 28,
        .rules = (const struct arg_rule[]){
            { "serial", ARG_NONE_OF, "processes chunksize maxtasksperchild initializer summary "
              "timeline trace crash-on", "--serial runs no pool: it cannot be combined with "
              "--processes, --chunksize, --maxtasksperchild, --initializer, --summary, "
              "--timeline, --trace or --crash-on" },
            { "range", ARG_NONE_OF, "-", "give either --range or a list of numbers, not both" },
            { 0 } },
    };
    char msg[ARG_MSG_SIZE];

    exit_on_usage(arg_parse(argc, argv, &table, o, msg, sizeof msg), msg);
    if (processes != 0)
        o->pool.processes = (int)processes;
    exit_on_usage(items_read(argc, argv, range, o->crash_on_set ? &o->crash_on : NULL,
                             &o->owned, &o->items, &o->n, msg, sizeof msg), msg);
    output_tag_init(o->verbose, 0);
    labs_configure(o);
}
