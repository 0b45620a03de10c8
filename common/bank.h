/* bank.h - the bank account of session6 (race) and session7 (Lock).
 *
 * Both programs run the same trials: a balance in shared memory, one process
 * withdrawing and one depositing, released together through a start gate.
 * They differ only in how one update is guarded. docs/session6.md explains it.
 */
#ifndef COMMON_BANK_H
#define COMMON_BANK_H

#include "proc.h"

#include <getopt.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>

/* Options both programs accept; the numbers are the defaults. */
struct bank_options {
    long trials;        /* 10 */
    long iterations;    /* 10000 updates per process */
    long balance;       /* 100 */
    int summary;        /* print the summary block */
    int csv;            /* print only the final balances, one per line */
    int interleave;     /* force the tutorial's schedule and print its table */
    int counts_given;   /* --trials or --iterations was given */
};

/* The getopt_long entries for those options (put them in front of the
 * program's own ones) and the option codes they return. */
enum { BANK_OPT_TRIALS = 0x100, BANK_OPT_ITERATIONS, BANK_OPT_BALANCE,
       BANK_OPT_SUMMARY, BANK_OPT_CSV, BANK_OPT_INTERLEAVE };
#define BANK_LONG_OPTIONS \
    { "trials",     required_argument, NULL, BANK_OPT_TRIALS }, \
    { "iterations", required_argument, NULL, BANK_OPT_ITERATIONS }, \
    { "balance",    required_argument, NULL, BANK_OPT_BALANCE }, \
    { "summary",    no_argument,       NULL, BANK_OPT_SUMMARY }, \
    { "csv",        no_argument,       NULL, BANK_OPT_CSV }, \
    { "interleave", no_argument,       NULL, BANK_OPT_INTERLEAVE }

#define BANK_MAX_TRIALS     100000L
#define BANK_MAX_ITERATIONS 10000000L
#define BANK_MAX_BALANCE    1000000000L

void bank_options_init(struct bank_options *o);

/* Handles one option returned by getopt_long. Returns 1 when it was one of
 * ours, 0 when it was not, -1 with a message in msg when its value is bad. */
int bank_parse_option(int opt, const char *arg, struct bank_options *o,
                      char *msg, size_t msglen);

/* Checks the options together (after parsing). Returns 0, or -1 and msg. */
int bank_check_options(const struct bank_options *o, char *msg, size_t msglen);

/* Prints the usage lines of the shared options. */
void bank_usage_options(void);

/* How a program guards one update. session6 has none (NULL). Each function
 * returns 0 or an error number; try_acquire returns EBUSY when the lock is
 * held by someone else. */
struct bank_lock {
    void *lock;                 /* lives in shared memory */
    int (*acquire)(void *lock);
    int (*try_acquire)(void *lock);
    int (*release)(void *lock);
};

/* The shared bank account: multiprocessing.Value('i', 100). */
struct account {
    _Atomic long balance;
    long iterations;
    _Atomic unsigned long heartbeat[2]; /* the start gate: see account_start_gate */
    _Atomic int through_gate[2];
    const struct bank_lock *guard;
};

/* Maps a new account in shared memory (before any fork). NULL with errno. */
struct account *account_new(const struct bank_lock *guard);
void account_free(struct account *acc);

/* balance.value, read and written as two separate steps. Each step is a
 * relaxed atomic operation: no C data race (which would be undefined
 * behaviour), but nothing stops the other process from changing the
 * balance between this process's read and its write. */
long balance_read(struct account *acc);
void balance_write(struct account *acc, long value);

/* The start gate: process `who` (0 withdraws, 1 deposits) waits here until
 * it has seen the other one running at the same moment, so the two loops
 * really overlap. Without it, one process usually finishes its 10000 updates
 * (20 microseconds) before the other has even been scheduled. Gives up after
 * BANK_GATE_SECONDS, so a machine with one free core does not hang. */
#define BANK_GATE_SECONDS 0.05
void account_start_gate(struct account *acc, int who);

/* Runs o->trials trials, each with the balance set to o->balance and two
 * processes withdraw and deposit (each gets acc) started and joined. Stores
 * the final balances in finals[] (o->trials of them) and the mean time per
 * trial in seconds. Returns 0; -1 with errno and *op naming the call that
 * failed; or BANK_CHILD_FAILED when a child was killed or did not exit 0,
 * with *op saying which and how ("process p2 (deposit) was killed by
 * SIGKILL"); the other child is then stopped, never waited for forever. */
#define BANK_CHILD_FAILED (-2)
int bank_run_trials(const struct bank_options *o, struct account *acc,
                    proc_fn withdraw, proc_fn deposit, long *finals,
                    double *seconds_per_trial, const char **op);

/* Prints the results as the options ask: "Final balance = N" lines (or the
 * bare numbers with --csv), then with --summary the summary block. */
void bank_print_results(const struct bank_options *o, const long *finals,
                        double seconds_per_trial);

/* Forces the tutorial's schedule, step by step, with one process-shared
 * semaphore per step (no sleeps), and prints the P1 | P2 | BALANCE table.
 * Without a guard: both read, P1 writes, P2 writes (a lost update). With a
 * guard: P2 finds the lock held and waits until P1 has written. Returns the
 * final balance; errors as bank_run_trials. */
int bank_interleave(struct account *acc, long start_balance, long *final_balance,
                    const char **op);

#endif
