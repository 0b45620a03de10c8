/* session6 - a race condition on a bank balance.
 *
 * WARNING: this program is wrong on purpose. Two processes update one shared
 * balance without a lock; an update is a read and then a write, and the other
 * process can slip in between. docs/session6.md explains it.
 */
#include "args.h"
#include "bank.h"
#include "die.h"
#include "output.h"
#include "proc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

/* balance.value = balance.value - 1, ten thousand times. The read and the
 * write are two separate steps: this is the critical section with no lock. */
static int withdraw(void *arg)
{
    struct account *acc = arg;

    account_start_gate(acc, 0);
    for (long i = 0; i < acc->iterations; i++) {
        long current = balance_read(acc);
        balance_write(acc, current - 1);
    }
    return 0;
}

/* balance.value = balance.value + 1, ten thousand times. */
static int deposit(void *arg)
{
    struct account *acc = arg;

    account_start_gate(acc, 1);
    for (long i = 0; i < acc->iterations; i++) {
        long current = balance_read(acc);
        balance_write(acc, current + 1);
    }
    return 0;
}

static void usage(void)
{
    printf("Usage: session6 [OPTION]...\n"
           "Two processes share a bank balance with no lock: one withdraws 1 and one\n"
           "deposits 1, ten thousand times each. The balance should end where it\n"
           "started; it rarely does.\n"
           "\n");
    bank_usage_options();
    printf("  -h, --help           print this help and exit\n"
           "\n"
           "Explained in docs/session6.md.\n");
}

static void parse_args(int argc, char *argv[], struct bank_options *o)
{
    static const struct option options[] = {
        BANK_LONG_OPTIONS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    char msg[ARG_MSG_SIZE];
    int opt;

    bank_options_init(o);
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (opt == 'h') {
            usage();
            exit(0);
        }
        switch (bank_parse_option(opt, optarg, o, msg, sizeof msg)) {
        case 1:
            continue;
        case 0:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            /* fall through */
        default:
            usage_error("%s", msg);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s' (session6 takes only options)", argv[optind]);
    if (bank_check_options(o, msg, sizeof msg) == -1)
        usage_error("%s", msg);
}

/* A failed system call is reported with its error (die); a child that was
 * killed or failed is reported as what happened to it (fail). Both exit 1. */
static void stop_if_failed(int rc, const char *op)
{
    if (rc == BANK_CHILD_FAILED)
        fail("%s", op);
    if (rc != 0)
        die(op);
}

int main(int argc, char *argv[])
{
    struct bank_options o;
    struct account *balance;
    long *finals, final_balance;
    double seconds_per_trial;
    const char *op;
    int rc;

    die_init("session6");
    parse_args(argc, argv, &o);
    if (output_line_buffered() == -1)
        die("setvbuf");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");

    /* balance = Value('i', 100), with no lock. */
    if ((balance = account_new(NULL)) == NULL)
        die("mmap");
    if (o.interleave) {
        rc = bank_interleave(balance, o.balance, &final_balance, &op);
        stop_if_failed(rc, op);
        printf("Final balance = %ld (expected %ld)\n", final_balance, o.balance);
    } else {
        if ((finals = malloc((size_t)o.trials * sizeof *finals)) == NULL)
            die("malloc");
        /* for _ in range(10): p1 = Process(target=withdraw, ...);
         * p2 = Process(target=deposit, ...); start; join; print. */
        rc = bank_run_trials(&o, balance, withdraw, deposit, finals,
                             &seconds_per_trial, &op);
        stop_if_failed(rc, op);
        bank_print_results(&o, finals, seconds_per_trial);
        free(finals);
    }
    account_free(balance);
    return fflush(stdout) == 0 ? 0 : 1;
}
