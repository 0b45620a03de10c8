/* options.c - session6's options: one table (args.h), the shared rows of
 * bank.h first, and o->lab for an option that runs a lab instead of the
 * trials. A new option is one row here. docs/session6.md shows what each
 * does.
 */
#include "args.h"
#include "bank.h"
#include "explore.h"
#include "labs.h"
#include "output.h"

_Static_assert(BANK_SERIAL_ITERATIONS == 3000000, "--help says 3000000 updates");

void parse_options(int argc, char *argv[], struct options *o)
{
    const struct arg_option rows[] = {
        BANK_OPTION_ROWS(o),
        { "value-lock", 0, NULL, "take a process-shared lock around each read and around\n"
          "each write of the balance, as Python's synchronized\n"
          "Value does (gh-106691): still a race (default off)", .flag = &o->value_lock },
        { "explore", 0, "N", "count every interleaving of N updates per process (a\n"
          "read step and a write step each) and print how many\n"
          "end at each final balance; with --csv only the counts\n"
          "(accepted {min}..{max}; default off)", .number = &o->explore, 1, EXPLORE_MAX_N },
        { 0 },
    };
    const struct arg_table table = {
        "Two processes share a bank balance with no lock: one withdraws 1 and one\n"
        "deposits 1, ten thousand times each. The balance should end where it\n"
        "started; it rarely does. When the two cannot run at the same time (one\n"
        "CPU allowed, as under taskset -c 0, or a machine too busy for the start\n"
        "gate), each process runs 3000000 updates instead, so that the race still\n"
        "shows, and one line on stderr says so.\n\n",
        .rows = rows, .column = 23,
        .rules = (const struct arg_rule[]){ BANK_RULES, { "explore", ARG_ONLY, "csv balance trace",
            "--explore counts schedules instead of running trials: only --csv and --balance "
            "go with it" }, { 0 } },
    };

    bank_options_init(o);
    arg_read(argc, argv, &table, o);
    output_tag_init(o->verbose, 0);
    if (o->explore != 0)
        o->lab = lab_explore;
    else if (o->schedule != NULL)
        o->lab = lab_schedule;
    else if (o->value_lock)
        o->lab = lab_value_lock;
    /* Only free-running trials need the two processes to overlap. */
    o->lengthen_when_serial = o->lab == NULL || o->lab == lab_value_lock;
}
