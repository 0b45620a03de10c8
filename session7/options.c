/* options.c - session7's options: one table, the shared rows first. A new
 * option is one row here (and a field in struct bank_options).
 * docs/session7.md shows what each does.
 */
#include "options.h"

#include "args.h"
#include "die.h"
#include "explore.h"
#include "lock.h"

#include <stdio.h>
#include <stdlib.h>

static int set_lock(struct bank_options *o, const char *arg, char *msg, size_t msglen)
{
    enum lock_kind kind;

    if (lock_parse_kind(arg, &kind) == -1) {
        snprintf(msg, msglen, "invalid --lock '%s' (accepted: semaphore, mutex, spin)", arg);
        return -1;
    }
    o->lock_kind = (int)kind;
    return 0;
}

static int set_kill_holder(struct bank_options *o, const char *arg, char *msg, size_t msglen)
{
    (void)arg, (void)msg, (void)msglen;
    o->kill_holder = 1;
    return 0;
}

static int set_explore(struct bank_options *o, const char *arg, char *msg, size_t msglen)
{
    return arg_long(arg, "--explore", 1, EXPLORE_MAX_N, &o->explore, msg, msglen);
}

static int set_deadlock(struct bank_options *o, const char *arg, char *msg, size_t msglen)
{
    (void)arg, (void)msg, (void)msglen;
    o->deadlock = 1;
    return 0;
}

static int set_ordered(struct bank_options *o, const char *arg, char *msg, size_t msglen)
{
    (void)arg, (void)msg, (void)msglen;
    o->ordered = 1;
    return 0;
}

static const struct bank_option options[] = {
    BANK_SHARED_OPTIONS,
    { "lock", "KIND", "semaphore (a process-shared POSIX semaphore, like\n"
                      "Python's Lock; default), mutex (a process-shared\n"
                      "robust pthread mutex) or spin (a C11 atomic spinlock)", set_lock },
    { "kill-holder", NULL, "kill P1 with SIGKILL while it holds the lock and show\n"
                           "what P2 can do about it (default off)", set_kill_holder },
    { "explore", "N", "count every interleaving of N updates per process that\n"
                      "the lock allows and print how many end at each final\n"
                      "balance; with --csv only the counts (accepted 1..40;\n"
                      "default off)", set_explore },
    { "deadlock", NULL, "two accounts with a lock each, two transfers locking\n"
                        "them in opposite orders: the deadlock, detected and\n"
                        "stopped (exit 1; default off)", set_deadlock },
    { "ordered", NULL, "with --deadlock: both take the lower-numbered account's\n"
                       "lock first, and both transfers complete (default off)", set_ordered },
    { NULL, NULL, NULL, NULL },
};

static void usage(void)
{
    printf("Usage: session7 [OPTION]...\n"
           "Two processes share a bank balance, and every update happens inside a\n"
           "lock: one withdraws 1 and one deposits 1, ten thousand times each, and\n"
           "the balance ends where it started.\n"
           "\n");
    bank_print_options(options);
    printf("  -h, --help           print this help and exit\n"
           "\n"
           "Explained in docs/session7.md.\n");
}

/* --explore and --deadlock are modes of their own: only --csv and
 * --balance go with --explore; --ordered, --balance and --lock with
 * --deadlock. */
static void check_labs(const struct bank_options *o)
{
    int trial_options = o->schedule != NULL || o->summary || o->verbose || o->counts_given ||
                        o->kill_holder;

    if (o->explore != 0 && (trial_options || o->deadlock || o->ordered))
        usage_error("--explore counts schedules instead of running trials: only --csv and "
                    "--balance go with it");
    if (o->deadlock && (trial_options || o->csv))
        usage_error("--deadlock runs its own two transfers: only --ordered, --balance and "
                    "--lock go with it");
    if (o->ordered && !o->deadlock)
        usage_error("--ordered only applies to --deadlock");
}

void parse_options(int argc, char *argv[], struct bank_options *o)
{
    char msg[ARG_MSG_SIZE];

    bank_options_init(o);
    o->lock_kind = LOCK_SEMAPHORE;
    switch (bank_parse_options(argc, argv, options, o, msg, sizeof msg)) {
    case 1:
        usage();
        exit(0);
    case -1:
        usage_error("%s", msg);
    default:
        break;
    }
    if (o->kill_holder && (o->schedule != NULL || o->csv || o->summary))
        usage_error("--kill-holder cannot be combined with --schedule, --interleave, --csv "
                    "or --summary");
    check_labs(o);
    if (o->explore != 0)
        o->lab = lab_explore_locked;
    else if (o->deadlock)
        o->lab = lab_deadlock;
    else if (o->schedule != NULL)
        o->lab = lab_schedule;
    else if (o->kill_holder)
        o->lab = lab_kill_holder;
}
