/* bank.h - what session6 (the race) and session7 (the Lock) share and is not
 * their lesson: the options, the start gate, joining the pair, the output of
 * the trials, and the step-by-step schedule of --schedule. Each program
 * holds its own withdraw, deposit and perform_transactions.
 * docs/session6.md and docs/session7.md explain it.
 */
#ifndef SESSION6_BANK_H
#define SESSION6_BANK_H

#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* ---------------------------------------------------------------- options */

/* Every option of both programs; the numbers are the defaults. A field that
 * only one program has says which. */
struct options {
    long trials;            /* 10 */
    long iterations;        /* 10000 updates per process and trial */
    long balance;           /* 100 */
    int summary;            /* print the summary block after the balances */
    int csv;                /* print only the final balances, one per line */
    int verbose;            /* children print a line tagged with their pid */
    const char *schedule;   /* --schedule STEPS (--interleave is "1212") */
    const char *trace;      /* --trace FILE (bank_trace.c); NULL: off */
    int trials_given;       /* --trials was given */
    int iterations_given;   /* --iterations was given */
    int lengthen_when_serial; /* session6 trials: long loops when the two cannot overlap */
    int value_lock;         /* session6 --value-lock */
    int lock_kind;          /* session7 --lock (an enum lock_kind) */
    int kill_holder;        /* session7 --kill-holder */
    long explore;           /* --explore N (explore.h); 0: off */
    int deadlock, ordered;  /* session7 --deadlock [--ordered] */
    /* The extra mode an option chose (a lab in the program's own files), or
     * NULL for the tutorial's ten trials. main calls it after bank_begin, in
     * place of the trials, and returns what it returns (the exit status).
     * An option row's set() may set it; the program's parse function sets
     * it for --schedule and its own labs. */
    int (*lab)(struct options *o);
    /* Filled while the trials run (bank_begin .. bank_end). */
    long *finals, done;
    long short_trials;      /* trials run before the loops were made long (go_serial) */
    long short_iterations;  /* their updates per process */
    struct timespec started;
};

/* The rows both programs have, to put at the start of each program's table
 * (args.h); o is the struct options they fill: --trials, --iterations,
 * --balance, --summary, --csv, --verbose, --schedule, --interleave, --trace. */
#define BANK_OPTION_ROWS(o) \
    { "trials", 0, "N", "how many trials to run (default 10; accepted {min}..{max})", \
      .number = &(o)->trials, 1, BANK_MAX_TRIALS, .seen = &(o)->trials_given }, \
    { "iterations", 0, "N", "updates by each process per trial (default 10000;\n" \
      "accepted {min}..{max})", .number = &(o)->iterations, 1, BANK_MAX_ITERATIONS, \
      .seen = &(o)->iterations_given }, \
    { "balance", 0, "N", "the balance each trial starts with (default 100;\n" \
      "accepted {min}..{max})", .number = &(o)->balance, 0, BANK_MAX_BALANCE }, \
    { "summary", 0, NULL, "after the balances, print how many were wrong, the\n" \
      "smallest and largest, the mean distance from the\n" \
      "expected balance and the time per trial (default off)", .flag = &(o)->summary }, \
    { "csv", 0, NULL, "print only the final balances, one per line (default off)", \
      .flag = &(o)->csv }, \
    { "verbose", 0, NULL, "each process also prints a line with its pid and its\n" \
      "parent's pid (default off)", .flag = &(o)->verbose }, \
    { "schedule", 0, "STEPS", "replay one interleaving step by step and print the\n" \
      "P1 | P2 | BALANCE table: STEPS is a string of 1 and 2,\n" \
      "one step of that process each; a process's steps are\n" \
      "read, write, read, write..., so each digit appears an\n" \
      "even number of times (at most 200 steps; default off)", .set = bank_set_schedule }, \
    { "interleave", 0, NULL, "the tutorial's table: the same as --schedule 1212\n" \
      "(default off)", .set = bank_set_interleave }, \
    { "trace", 0, "FILE", "write every read and write of the balance (and each\n" \
      "process's start and end) to FILE as Trace Event\n" \
      "Format JSON, for Perfetto (default off)", .text = &(o)->trace }

#define BANK_MAX_TRIALS     100000L
#define BANK_MAX_ITERATIONS 10000000L
#define BANK_MAX_BALANCE    1000000000L
#define BANK_MAX_STEPS      200

/* --schedule STEPS and --interleave: set() of their rows (args.h). */
int bank_set_schedule(void *o, const char *arg, char *msg, size_t msglen);
int bank_set_interleave(void *o, const char *arg, char *msg, size_t msglen);

/* The defaults above. */
void bank_options_init(struct options *o);

/* The combinations of the shared options that make no sense: the first
 * rules (args.h) of sessions 6 and 7. */
#define BANK_RULES \
    { "csv", ARG_NONE_OF, "summary verbose", "--csv and --{with} cannot be combined (--csv " \
      "prints only numbers)" }, \
    { "schedule interleave", ARG_NONE_OF, "csv summary", "--schedule and --interleave print " \
      "their own table and cannot be combined with --csv or --summary" }, \
    { "schedule interleave", ARG_NONE_OF, "trials iterations", "--schedule and --interleave " \
      "play one trial whose steps they give, so --trials and --iterations do not apply " \
      "(--balance does)" }

/* Checks a --schedule string. 0, or -1 with what is wrong in msg. */
int bank_check_schedule(const char *steps, char *msg, size_t msglen);

/* ------------------------------------------------------ the shared account */

/* multiprocessing.Value('i', 100): one balance in shared memory, and the
 * start gate both processes meet at. */
struct account {
    _Atomic long balance;   /* with --trace: the value and its writer's tag (bank_trace.h) */
    int tagged;             /* --trace is on */
    long iterations;        /* updates per process */
    int verbose;
    _Atomic unsigned long heartbeat[2]; /* the start gate: see bank_start_gate */
    _Atomic int through_gate[2];
    _Atomic int gate_gave_up;
};

/* Maps a new account in shared memory (mmap MAP_SHARED, before any fork),
 * with o->balance in it. NULL with errno. */
struct account *account_new(const struct options *o);
void account_free(struct account *acc);

/* balance.value, read and written as two separate steps. Each step is a
 * relaxed atomic operation: no C data race (which would be undefined
 * behaviour), but nothing stops the other process from changing the
 * balance between this process's read and its write. */
long balance_read(struct account *acc);
void balance_write(struct account *acc, long value);

/* The start gate: process p1 (who = 1, withdraws) or p2 (who = 2, deposits)
 * waits here until it has seen the other one running at the same moment, so
 * the two loops really overlap. Without it, one process usually finishes
 * its 10000 updates (20 microseconds) before the other has even been
 * scheduled. Gives up after BANK_GATE_SECONDS, so a machine with one free
 * core does not hang, and notes that it did (bank_print_final reacts).
 * With --verbose, prints the process's line. */
#define BANK_GATE_SECONDS 0.05
void bank_start_gate(struct account *acc, int who);

/* --------------------------------------------------------------- trials */

/* When the two processes cannot run at the same time (one CPU, or the gate
 * gave up), session6 runs this many updates per process and trial: enough
 * for the scheduler to preempt a process between its read and its write. */
#define BANK_SERIAL_ITERATIONS 3000000L

/* Before the first trial: stdout line-buffered (children print too), the
 * children stopped on SIGINT/SIGTERM, room for the balances; and with
 * o->lengthen_when_serial, when sched_getaffinity allows one CPU, the long
 * loops and one line on stderr saying so. Returns NULL, or the name of the
 * call that failed (errno set). */
const char *bank_begin(struct options *o);

/* print("Final balance = {}".format(balance.value)) (the bare number with
 * --csv), remembered for the summary. When the start gate gave up in this
 * trial, later trials get the long loops and one line on stderr says so. */
void bank_print_final(struct options *o, struct account *balance);

/* After the last trial: the summary block with --summary; frees what
 * bank_begin allocated. A lab that runs no trials calls it too, last. */
void bank_end(struct options *o);

/* A child that did not exit 0: its name for fail_child and its wait status. */
struct bank_failure {
    const char *name;
    int status;
};

/* p1.join(); p2.join(), in the order they end: a child that fails (killed,
 * or a non-zero exit) must be noticed at once, because the other may wait
 * for a lock the failed one held and joining it first would wait forever.
 * Returns 0 when both exited 0; 1 with *failed filled (the other child is
 * still running: fail_child stops it); -1 with errno when waitpid failed. */
int bank_join_both(pid_t p1, pid_t p2, struct bank_failure *failed);

/* ------------------------------------------------------------ --schedule */

/* How session7's lock (or session6's --value-lock) is reached from the
 * schedule. Each function returns 0 or an error number; try_acquire returns
 * EBUSY when the lock is held. whole_update = 1: held from the read to the
 * write (session7); 0: taken around the read and around the write
 * separately (Python's synchronized Value, session6 --value-lock). */
struct bank_lock {
    void *lock;             /* lives in shared memory */
    int (*acquire)(void *lock);
    int (*try_acquire)(void *lock);
    int (*release)(void *lock);
    int whole_update;
};

/* Plays o->schedule on two real processes, one step at a time (each step
 * waits for its turn on a process-shared semaphore, no sleeps), and prints
 * the P1 | P2 | BALANCE table and "Final balance = N (expected M)". lock is
 * NULL for none. Returns as bank_join_both, and -1 with *op naming the
 * failed call. */
int bank_play_schedule(const struct options *o, const struct bank_lock *lock,
                       struct bank_failure *failed, const char **op);

#endif
