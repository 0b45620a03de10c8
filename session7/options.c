/* options.c - session7's options: one table (args.h), the shared rows of
 * bank.h first, and o->lab for an option that runs a lab instead of the
 * trials. A new option is one row here. docs/session7.md shows what each
 * does.
 */
#include "args.h"
#include "bank.h"
#include "explore.h"
#include "labs.h"
#include "lock.h"
#include "output.h"

/* --explore and --deadlock are modes of their own: only --csv and
 * --balance go with --explore; --ordered, --balance and --lock with
 * --deadlock. */
static const struct arg_rule rules[] = {
    BANK_RULES,
    { "kill-holder", ARG_NONE_OF, "schedule interleave csv summary", "--kill-holder cannot be "
      "combined with --schedule, --interleave, --csv or --summary" },
    { "explore", ARG_ONLY, "csv balance trace lock", "--explore counts schedules instead of "
      "running trials: only --csv and --balance go with it" },
    { "deadlock", ARG_ONLY, "ordered balance lock trace", "--deadlock runs its own two "
      "transfers: only --ordered, --balance and --lock go with it" },
    { "ordered", ARG_ONE_OF, "deadlock", "--ordered only applies to --deadlock" },
    { 0 },
};

void parse_options(int argc, char *argv[], struct options *o)
{
    const struct arg_option rows[] = {
        BANK_OPTION_ROWS(o),
        { "lock", 0, "KIND", "semaphore (a process-shared POSIX semaphore, like\n"
          "Python's Lock; default), mutex (a process-shared\n"
          "robust pthread mutex) or spin (a C11 atomic spinlock)",
          .choice = &o->lock_kind, .choices = lock_kind_names },
        { "kill-holder", 0, NULL, "kill P1 with SIGKILL while it holds the lock and show\n"
          "what P2 can do about it (default off)", .flag = &o->kill_holder },
        { "explore", 0, "N", "count every interleaving of N updates per process that\n"
          "the lock allows and print how many end at each final\n"
          "balance; with --csv only the counts (accepted {min}..{max};\n"
          "default off)", .number = &o->explore, 1, EXPLORE_MAX_N },
        { "deadlock", 0, NULL, "two accounts with a lock each, two transfers locking\n"
          "them in opposite orders: the deadlock, detected and\n"
          "stopped (exit 1; default off)", .flag = &o->deadlock },
        { "ordered", 0, NULL, "with --deadlock: both take the lower-numbered account's\n"
          "lock first, and both transfers complete (default off)", .flag = &o->ordered },
        { 0 },
    };
    const struct arg_table table = {
        "Two processes share a bank balance, and every update happens inside a\n"
        "lock: one withdraws 1 and one deposits 1, ten thousand times each, and\n"
        "the balance ends where it started.\n\n",
        .rows = rows, .column = 23, .rules = rules,
    };

    bank_options_init(o);
    o->lock_kind = LOCK_SEMAPHORE;
    arg_read(argc, argv, &table, o);
    output_tag_init(o->verbose, 0);
    if (o->explore != 0)
        o->lab = lab_explore_locked;
    else if (o->deadlock)
        o->lab = lab_deadlock;
    else if (o->schedule != NULL)
        o->lab = lab_schedule;
    else if (o->kill_holder)
        o->lab = lab_kill_holder;
}
