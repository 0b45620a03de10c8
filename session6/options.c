/* options.c - session6's options: one table, the shared rows first. A new
 * option is one row here (and a field in struct bank_options).
 * docs/session6.md shows what each does.
 */
#include "options.h"

#include "args.h"
#include "die.h"
#include "explore.h"

#include <stdio.h>
#include <stdlib.h>

static int set_value_lock(struct bank_options *o, const char *arg, char *msg, size_t msglen)
{
    (void)arg, (void)msg, (void)msglen;
    o->value_lock = 1;
    return 0;
}

static int set_explore(struct bank_options *o, const char *arg, char *msg, size_t msglen)
{
    return arg_long(arg, "--explore", 1, EXPLORE_MAX_N, &o->explore, msg, msglen);
}

static const struct bank_option options[] = {
    BANK_SHARED_OPTIONS,
    { "value-lock", NULL, "take a process-shared lock around each read and around\n"
                          "each write of the balance, as Python's synchronized\n"
                          "Value does (gh-106691): still a race (default off)",
      set_value_lock },
    { "explore", "N", "count every interleaving of N updates per process (a\n"
                      "read step and a write step each) and print how many\n"
                      "end at each final balance; with --csv only the counts\n"
                      "(accepted 1..40; default off)", set_explore },
    { NULL, NULL, NULL, NULL },
};

static void usage(void)
{
    printf("Usage: session6 [OPTION]...\n"
           "Two processes share a bank balance with no lock: one withdraws 1 and one\n"
           "deposits 1, ten thousand times each. The balance should end where it\n"
           "started; it rarely does. When the two cannot run at the same time (one\n"
           "CPU allowed, as under taskset -c 0, or a machine too busy for the start\n"
           "gate), each process runs %ld updates instead, so that the race still\n"
           "shows, and one line on stderr says so.\n"
           "\n", BANK_SERIAL_ITERATIONS);
    bank_print_options(options);
    printf("  -h, --help           print this help and exit\n"
           "\n"
           "Explained in docs/session6.md.\n");
}

void parse_options(int argc, char *argv[], struct bank_options *o)
{
    char msg[ARG_MSG_SIZE];

    bank_options_init(o);
    switch (bank_parse_options(argc, argv, options, o, msg, sizeof msg)) {
    case 1:
        usage();
        exit(0);
    case -1:
        usage_error("%s", msg);
    default:
        break;
    }
    if (o->explore != 0 && (o->schedule != NULL || o->summary || o->verbose ||
                            o->counts_given || o->value_lock))
        usage_error("--explore counts schedules instead of running trials: only --csv and "
                    "--balance go with it");
    if (o->explore != 0) {
        o->lab = lab_explore;
        o->lengthen_when_serial = 0;    /* no processes run */
    } else if (o->schedule != NULL)
        o->lab = lab_schedule;
    else if (o->value_lock)
        o->lab = lab_value_lock;
    /* Only free-running trials need the two processes to overlap. */
    o->lengthen_when_serial = o->lab == NULL || o->lab == lab_value_lock;
}
