/* options.c - session7's options: one table, the shared rows first. A new
 * option is one row here (and a field in struct bank_options).
 * docs/session7.md shows what each does.
 */
#include "options.h"

#include "args.h"
#include "die.h"
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

static const struct bank_option options[] = {
    BANK_SHARED_OPTIONS,
    { "lock", "KIND", "semaphore (a process-shared POSIX semaphore, like\n"
                      "Python's Lock; default), mutex (a process-shared\n"
                      "robust pthread mutex) or spin (a C11 atomic spinlock)", set_lock },
    { "kill-holder", NULL, "kill P1 with SIGKILL while it holds the lock and show\n"
                           "what P2 can do about it (default off)", set_kill_holder },
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

void s7_parse_options(int argc, char *argv[], struct bank_options *o)
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
    if (o->schedule != NULL)
        o->lab = s7_lab_schedule;
    else if (o->kill_holder)
        o->lab = s7_lab_kill_holder;
}
