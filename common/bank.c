/* bank.c - the trials, the start gate and the forced schedule shared by
 * session6 (no lock) and session7 (a Lock). docs/session6.md explains the
 * race, docs/session7.md the lock.
 */
#include "bank.h"

#include "args.h"
#include "shm.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void bank_options_init(struct bank_options *o)
{
    o->trials = 10;
    o->iterations = 10000;
    o->balance = 100;
    o->summary = o->csv = o->interleave = o->counts_given = 0;
}

int bank_parse_option(int opt, const char *arg, struct bank_options *o,
                      char *msg, size_t msglen)
{
    switch (opt) {
    case BANK_OPT_TRIALS:
        o->counts_given = 1;
        return arg_long(arg, "--trials", 1, BANK_MAX_TRIALS, &o->trials, msg, msglen) == -1 ? -1 : 1;
    case BANK_OPT_ITERATIONS:
        o->counts_given = 1;
        return arg_long(arg, "--iterations", 1, BANK_MAX_ITERATIONS, &o->iterations,
                        msg, msglen) == -1 ? -1 : 1;
    case BANK_OPT_BALANCE:
        return arg_long(arg, "--balance", 0, BANK_MAX_BALANCE, &o->balance, msg, msglen) == -1 ? -1 : 1;
    case BANK_OPT_SUMMARY:
        o->summary = 1;
        return 1;
    case BANK_OPT_CSV:
        o->csv = 1;
        return 1;
    case BANK_OPT_INTERLEAVE:
        o->interleave = 1;
        return 1;
    default:
        return 0;
    }
}

int bank_check_options(const struct bank_options *o, char *msg, size_t msglen)
{
    if (o->csv && o->summary) {
        snprintf(msg, msglen, "--csv and --summary cannot be combined (--csv prints only numbers)");
        return -1;
    }
    if (o->interleave && (o->csv || o->summary)) {
        snprintf(msg, msglen, "--interleave prints its own table and cannot be combined with "
                 "--csv or --summary");
        return -1;
    }
    if (o->interleave && o->counts_given) {
        snprintf(msg, msglen, "--interleave plays one forced trial of one update each, so "
                 "--trials and --iterations do not apply (--balance does)");
        return -1;
    }
    return 0;
}

void bank_usage_options(void)
{
    printf("      --trials=N       how many trials to run (default 10; accepted 1..%ld)\n"
           "      --iterations=N   updates by each process per trial (default 10000;\n"
           "                       accepted 1..%ld)\n"
           "      --balance=N      the balance each trial starts with (default 100;\n"
           "                       accepted 0..%ld)\n"
           "      --summary        after the balances, print how many were wrong, the\n"
           "                       smallest and largest, the mean distance from the\n"
           "                       expected balance and the time per trial (default off)\n"
           "      --csv            print only the final balances, one per line (default off)\n"
           "      --interleave     force the tutorial's schedule step by step and print\n"
           "                       the P1 | P2 | BALANCE table (default off)\n",
           BANK_MAX_TRIALS, BANK_MAX_ITERATIONS, BANK_MAX_BALANCE);
}

struct account *account_new(const struct bank_lock *guard)
{
    struct account *acc = shared_alloc(sizeof *acc);

    if (acc != NULL)
        acc->guard = guard;
    return acc;
}

void account_free(struct account *acc)
{
    shared_free(acc, sizeof *acc);
}

long balance_read(struct account *acc)
{
    return atomic_load_explicit(&acc->balance, memory_order_relaxed);
}

void balance_write(struct account *acc, long value)
{
    atomic_store_explicit(&acc->balance, value, memory_order_relaxed);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Both processes count a heartbeat while they watch the other's. A
 * heartbeat that changes proves the other process is running *now*, on the
 * other core: a process that is waiting for a CPU cannot count. Having seen
 * that, a process says so and keeps beating until the other has seen it
 * too; then both leave the gate within a few hundred nanoseconds. */
void account_start_gate(struct account *acc, int who)
{
    const int other = 1 - who, beats_to_see = 3;
    double deadline = now() + BANK_GATE_SECONDS;
    unsigned long last = atomic_load(&acc->heartbeat[other]);
    int seen = 0;

    while (!(atomic_load(&acc->through_gate[who]) && atomic_load(&acc->through_gate[other]))
           && now() < deadline) {
        unsigned long beat;

        atomic_fetch_add(&acc->heartbeat[who], 1);
        beat = atomic_load(&acc->heartbeat[other]);
        if (beat != last && ++seen >= beats_to_see)
            atomic_store(&acc->through_gate[who], 1);
        last = beat;
    }
}

/* Joins p1 and p2 in the order they end, like Python joining both, but a
 * child that fails (killed by a signal, or a non-zero exit) stops the other
 * at once: the other may be waiting for a lock the failed one held, or at a
 * step of the forced schedule that will never come, and joining it first
 * would wait forever. Returns 0; -1 with errno and *op = "waitpid"; or
 * BANK_CHILD_FAILED with *op describing the child ("process p1 (withdraw)
 * was killed by SIGKILL"), in a static buffer: the programs are one thread. */
static int join_pair(pid_t p1, pid_t p2, const char **op)
{
    static char what[96];

    for (int left = 2; left > 0; left--) {
        char how[48];
        int status;
        pid_t pid = proc_join_any(&status);

        if (pid == -1) {
            *op = "waitpid";
            proc_terminate_all(SIGTERM);
            return -1;
        }
        if (!proc_succeeded(status)) {
            proc_terminate_all(SIGTERM);
            snprintf(what, sizeof what, "process %s %s",
                     pid == p1 ? "p1 (withdraw)" : pid == p2 ? "p2 (deposit)" : "?",
                     proc_describe_status(status, how, sizeof how));
            *op = what;
            return BANK_CHILD_FAILED;
        }
    }
    return 0;
}

/* One trial: p1 = Process(target=withdraw), p2 = Process(target=deposit),
 * start both, join both. */
static int run_trial(struct account *acc, proc_fn withdraw, proc_fn deposit, const char **op)
{
    pid_t p1, p2;

    if ((p1 = proc_start(withdraw, acc)) == -1) {
        *op = "fork";
        return -1;
    }
    if ((p2 = proc_start(deposit, acc)) == -1) {
        *op = "fork";
        proc_terminate_all(SIGTERM);
        return -1;
    }
    return join_pair(p1, p2, op);
}

int bank_run_trials(const struct bank_options *o, struct account *acc,
                    proc_fn withdraw, proc_fn deposit, long *finals,
                    double *seconds_per_trial, const char **op)
{
    double started = now();

    acc->iterations = o->iterations;
    for (long t = 0; t < o->trials; t++) {
        balance_write(acc, o->balance);
        atomic_store(&acc->through_gate[0], 0);
        atomic_store(&acc->through_gate[1], 0);
        int rc = run_trial(acc, withdraw, deposit, op);

        if (rc != 0)
            return rc;
        finals[t] = balance_read(acc);
    }
    *seconds_per_trial = (now() - started) / (double)o->trials;
    return 0;
}

static void print_summary(const struct bank_options *o, const long *finals,
                          double seconds_per_trial)
{
    long wrong = 0, min = finals[0], max = finals[0];
    double distance = 0;

    for (long t = 0; t < o->trials; t++) {
        wrong += finals[t] != o->balance;
        min = finals[t] < min ? finals[t] : min;
        max = finals[t] > max ? finals[t] : max;
        distance += (double)labs(finals[t] - o->balance);
    }
    printf("\nTrials:                    %ld (%ld updates each way per trial)\n"
           "Expected final balance:    %ld\n"
           "Wrong final balances:      %ld of %ld\n"
           "Smallest final balance:    %ld\n"
           "Largest final balance:     %ld\n"
           "Mean distance from it:     %.1f\n"
           "Time per trial:            %.3f ms\n",
           o->trials, o->iterations, o->balance, wrong, o->trials, min, max,
           distance / (double)o->trials, seconds_per_trial * 1e3);
}

void bank_print_results(const struct bank_options *o, const long *finals,
                        double seconds_per_trial)
{
    for (long t = 0; t < o->trials; t++) {
        if (o->csv)
            printf("%ld\n", finals[t]);
        else
            printf("Final balance = %ld\n", finals[t]);
    }
    if (o->summary)
        print_summary(o, finals, seconds_per_trial);
}

/* ------------------------------------------------------------ interleave */

enum action { READ, WRITE, LOCK, LOCKED, UNLOCK };
struct step { int who; enum action action; };

/* The tutorial's table: both read 100, P1 writes 99, P2 writes 101. */
static const struct step race_schedule[] = {
    { 1, READ }, { 2, READ }, { 1, WRITE }, { 2, WRITE },
};
/* The same order of attempts with a Lock: P2 finds it held and waits. */
static const struct step lock_schedule[] = {
    { 1, LOCK }, { 1, READ }, { 2, LOCK }, { 1, WRITE }, { 1, UNLOCK },
    { 2, LOCKED }, { 2, READ }, { 2, WRITE }, { 2, UNLOCK },
};
#define MAX_STEPS 9

/* Shared between the two processes: one semaphore per step; step k may
 * start when turn[k] has been posted. */
struct schedule {
    struct account *acc;
    const struct step *steps;
    int nsteps;
    sem_t turn[MAX_STEPS + 1];
};

#define COLUMN 28

static void print_row(int who, const char *what, long balance)
{
    printf("%-*s| %-*s| %ld\n", COLUMN, who == 1 ? what : "",
           COLUMN, who == 2 ? what : "", balance);
}

/* Runs the steps of process `who` (1 withdraws, 2 deposits), each in its
 * turn. Returns 0, or 1 when a semaphore or lock call failed. */
static int play(struct schedule *s, int who)
{
    const struct bank_lock *guard = s->acc->guard;
    long amount = who == 1 ? -1 : 1, current = 0;
    char what[64];

    for (int k = 0; k < s->nsteps; k++) {
        enum action a = s->steps[k].action;

        if (s->steps[k].who != who)
            continue;
        while (sem_wait(&s->turn[k]) == -1)
            if (errno != EINTR)
                return 1;
        if (a == READ) {
            current = balance_read(s->acc);
            snprintf(what, sizeof what, "read balance: %ld", current);
        } else if (a == WRITE) {
            balance_write(s->acc, current + amount);
            snprintf(what, sizeof what, "write %ld %c 1 = %ld", current,
                     amount < 0 ? '-' : '+', current + amount);
        } else if (a == LOCK) {
            int tried = guard->try_acquire(guard->lock), held = tried == EBUSY;

            if (tried != 0 && !held)
                return 1;
            snprintf(what, sizeof what, "%s", held ? "lock.acquire(): blocked"
                                                   : "lock.acquire(): got it");
            print_row(who, what, balance_read(s->acc));
            /* Pass the turn first, then block: the other process must run
             * to release the lock. */
            if (sem_post(&s->turn[k + 1]) == -1 || (held && guard->acquire(guard->lock) != 0))
                return 1;
            continue;
        } else if (a == LOCKED) {
            snprintf(what, sizeof what, "lock.acquire() returns");
        } else {
            if (guard->release(guard->lock) != 0)
                return 1;
            snprintf(what, sizeof what, "lock.release()");
        }
        print_row(who, what, balance_read(s->acc));
        if (sem_post(&s->turn[k + 1]) == -1)
            return 1;
    }
    return 0;
}

static int play_p1(void *arg) { return play(arg, 1); }
static int play_p2(void *arg) { return play(arg, 2); }

static int run_schedule(struct schedule *s, const char **op)
{
    pid_t p1, p2;

    for (int k = 0; k <= s->nsteps; k++)
        if (sem_init(&s->turn[k], 1, 0) == -1) {
            *op = "sem_init";
            return -1;
        }
    *op = "fork";
    if ((p1 = proc_start(play_p1, s)) == -1)
        return -1;
    if ((p2 = proc_start(play_p2, s)) == -1) {
        proc_terminate_all(SIGTERM);
        return -1;
    }
    *op = "sem_post";
    if (sem_post(&s->turn[0]) == -1) {
        proc_terminate_all(SIGTERM);
        return -1;
    }
    return join_pair(p1, p2, op);
}

int bank_interleave(struct account *acc, long start_balance, long *final_balance,
                    const char **op)
{
    struct schedule *s = shared_alloc(sizeof *s);
    int rc;

    if (s == NULL) {
        *op = "mmap";
        return -1;
    }
    s->acc = acc;
    s->steps = acc->guard == NULL ? race_schedule : lock_schedule;
    s->nsteps = acc->guard == NULL ? 4 : 9;
    balance_write(acc, start_balance);
    printf("%-*s| %-*s| BALANCE\n", COLUMN, "P1 (withdraw)", COLUMN, "P2 (deposit)");
    print_row(0, "", start_balance);
    rc = run_schedule(s, op);
    *final_balance = balance_read(acc);
    for (int k = 0; k <= s->nsteps; k++)
        sem_destroy(&s->turn[k]);
    shared_free(s, sizeof *s);
    return rc;
}
