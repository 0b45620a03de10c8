/* bank.c - the options, start gate, joining, output and --schedule that
 * session6 (no lock) and session7 (a Lock) share; see bank.h.
 * docs/session6.md explains the race, docs/session7.md the lock.
 */
#define _GNU_SOURCE             /* sched_getaffinity and CPU_COUNT (Linux) */
#include "bank.h"
#include "bank_trace.h"

#include "args.h"
#include "clock.h"
#include "die.h"
#include "output.h"
#include "proc.h"
#include "shm.h"
#include "trace.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- options */

void bank_options_init(struct options *o)
{
    memset(o, 0, sizeof *o);
    o->trials = 10;
    o->iterations = 10000;
    o->balance = 100;
}

int bank_check_schedule(const char *steps, char *msg, size_t msglen)
{
    size_t len = strlen(steps), ones = 0, twos = 0;

    if (len == 0) {
        snprintf(msg, msglen, "--schedule needs at least one step (a string of 1 and 2)");
        return -1;
    }
    if (len > BANK_MAX_STEPS) {
        snprintf(msg, msglen, "--schedule has %zu steps, at most %d are accepted", len,
                 BANK_MAX_STEPS);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (steps[i] != '1' && steps[i] != '2') {
            snprintf(msg, msglen, "--schedule '%s': step %zu is '%c' (accepted: only 1 and 2, "
                     "one character per step of that process)", steps, i + 1, steps[i]);
            return -1;
        }
        ones += steps[i] == '1';
        twos += steps[i] == '2';
    }
    if (ones % 2 != 0 || twos % 2 != 0) {
        snprintf(msg, msglen, "--schedule '%s' gives process %d an odd number of steps (%zu): "
                 "each update is a read and then a write, so each digit must appear an even "
                 "number of times", steps, ones % 2 != 0 ? 1 : 2, ones % 2 != 0 ? ones : twos);
        return -1;
    }
    return 0;
}

int bank_set_schedule(void *opts, const char *arg, char *msg, size_t msglen)
{
    struct options *o = opts;

    if (o->schedule != NULL) {
        snprintf(msg, msglen, "only one --schedule (or --interleave) at a time");
        return -1;
    }
    o->schedule = arg;
    return bank_check_schedule(arg, msg, msglen);
}

int bank_set_interleave(void *opts, const char *arg, char *msg, size_t msglen)
{
    (void)arg;
    return bank_set_schedule(opts, "1212", msg, msglen);
}

/* ------------------------------------------------------ the shared account */

struct account *account_new(const struct options *o)
{
    struct account *acc = shared_alloc(sizeof *acc);

    if (acc != NULL) {
        acc->iterations = o->iterations;
        acc->verbose = o->verbose;
        acc->tagged = o->trace != NULL;
        balance_write(acc, o->balance);
    }
    return acc;
}

void account_free(struct account *acc)
{
    shared_free(acc, sizeof *acc);
}

long balance_read(struct account *acc)
{
    long word = atomic_load_explicit(&acc->balance, memory_order_relaxed);

    return acc->tagged ? bank_trace_read(word) : word;     /* --trace: bank_trace.c */
}

void balance_write(struct account *acc, long value)
{
    if (acc->tagged)
        bank_trace_write(&acc->balance, value);
    else
        atomic_store_explicit(&acc->balance, value, memory_order_relaxed);
}

static const char *process_name(int who)
{
    return who == 1 ? "p1 (withdraw)" : "p2 (deposit)";
}

/* Both processes count a heartbeat while they watch the other's. A
 * heartbeat that changes proves the other process is running *now*, on the
 * other core: a process that is waiting for a CPU cannot count. Having seen
 * that, a process says so and keeps beating until the other has seen it
 * too; then both leave the gate within a few hundred nanoseconds. */
static const struct trace_kind gate_begin = {
    "start gate", "process", 'B', { NULL, NULL, NULL, NULL }, NULL };
static const struct trace_kind gate_end = {
    "start gate", "process", 'E', { "gave up", NULL, NULL, NULL }, NULL };

void bank_start_gate(struct account *acc, int who)
{
    const int me = who - 1, other = 2 - who, beats_to_see = 3;
    struct timespec started;
    unsigned long last = atomic_load(&acc->heartbeat[other]);
    int seen = 0;

    if (acc->verbose)
        printf("%s: pid %ld, parent pid %ld, %ld updates\n", process_name(who),
               (long)getpid(), (long)getppid(), acc->iterations);
    trace_event(&gate_begin, 0, 0, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &started);
    while (!(atomic_load(&acc->through_gate[me]) && atomic_load(&acc->through_gate[other]))) {
        unsigned long beat;

        if (seconds_since(&started) > BANK_GATE_SECONDS) {
            atomic_store(&acc->gate_gave_up, 1);
            trace_event(&gate_end, 1, 0, 0, 0);
            return;
        }
        atomic_fetch_add(&acc->heartbeat[me], 1);
        beat = atomic_load(&acc->heartbeat[other]);
        if (beat != last && ++seen >= beats_to_see)
            atomic_store(&acc->through_gate[me], 1);
        last = beat;
    }
    trace_event(&gate_end, 0, 0, 0, 0);
}

/* --------------------------------------------------------------- trials */

static int allowed_cpus(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof set, &set) == -1)
        return -1;
    return CPU_COUNT(&set);
}

/* The one line that says the loops are now long, and why. */
static void go_serial(struct options *o, const char *why)
{
    if (o->iterations_given) {
        fprintf(stderr, "%s: %s, so the two processes take turns: with --iterations %ld a "
                "process is rarely interrupted between its read and its write (without "
                "--iterations, session6 runs %ld updates per process so that it is)\n",
                program_name(), why, o->iterations, BANK_SERIAL_ITERATIONS);
    } else {
        o->short_trials = o->done;      /* --summary says how long each trial was */
        o->short_iterations = o->iterations;
        o->iterations = BANK_SERIAL_ITERATIONS;
        fprintf(stderr, "%s: %s, so the two processes take turns: each now runs %ld updates "
                "per trial, long enough for the scheduler to interrupt it between its read "
                "and its write\n", program_name(), why, o->iterations);
    }
    o->lengthen_when_serial = 0;    /* said once */
}

const char *bank_begin(struct options *o)
{
    if (output_line_buffered() == -1)
        return "setvbuf";
    if (proc_cleanup_on_signals() == -1)
        return "sigaction";
    if ((o->finals = malloc((size_t)o->trials * sizeof *o->finals)) == NULL)
        return "malloc";
    o->done = 0;
    o->short_trials = 0;
    if (o->trace != NULL && bank_trace_begin(o) == -1)
        return bank_trace_error(o);
    if (o->lengthen_when_serial && allowed_cpus() == 1)
        go_serial(o, "only one CPU is allowed to this program (sched_getaffinity)");
    clock_gettime(CLOCK_MONOTONIC, &o->started);
    return NULL;
}

void bank_print_final(struct options *o, struct account *balance)
{
    long value = balance_read(balance);

    if (o->csv)
        printf("%ld\n", value);
    else
        printf("Final balance = %ld\n", value);
    if (o->done < o->trials)
        o->finals[o->done++] = value;
    if (o->trace != NULL)
        bank_trace_trial(o, balance);   /* after the join: the trial's events to FILE */
    if (o->lengthen_when_serial && atomic_load(&balance->gate_gave_up)) {
        fflush(stdout);
        go_serial(o, "the start gate never saw both processes running at once");
    }
}

static void print_summary(const struct options *o, double seconds_per_trial)
{
    long wrong = 0, min = o->finals[0], max = o->finals[0];
    double distance = 0;

    for (long t = 0; t < o->done; t++) {
        wrong += o->finals[t] != o->balance;
        min = o->finals[t] < min ? o->finals[t] : min;
        max = o->finals[t] > max ? o->finals[t] : max;
        distance += (double)labs(o->finals[t] - o->balance);
    }
    if (o->short_trials > 0)        /* the start gate gave up after these */
        printf("\nTrials:                    %ld (%ld updates each way in the first %ld, "
               "%ld in the other %ld)\n", o->done, o->short_iterations, o->short_trials,
               o->iterations, o->done - o->short_trials);
    else
        printf("\nTrials:                    %ld (%ld updates each way per trial)\n",
               o->done, o->iterations);
    printf("Expected final balance:    %ld\n"
           "Wrong final balances:      %ld of %ld\n"
           "Smallest final balance:    %ld\n"
           "Largest final balance:     %ld\n"
           "Mean distance from it:     %.1f\n"
           "Time per trial:            %.3f ms\n",
           o->balance, wrong, o->done, min, max,
           distance / (double)o->done, seconds_per_trial * 1e3);
}

void bank_end(struct options *o)
{
    if (o->summary && o->done > 0)
        print_summary(o, seconds_since(&o->started) / (double)o->done);
    free(o->finals);
    o->finals = NULL;
    if (o->trace != NULL)
        bank_trace_end(o);
}

int bank_join_both(pid_t p1, pid_t p2, struct bank_failure *failed)
{
    for (int left = 2; left > 0; left--) {
        int status;
        pid_t pid = proc_join_any(&status);

        if (pid == -1)
            return -1;
        if (!proc_succeeded(status)) {
            failed->name = pid == p1 ? process_name(1) : pid == p2 ? process_name(2) : "?";
            failed->status = status;
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ --schedule */

/* What one row of the table does. Without a lock a step is READ or WRITE.
 * With session7's lock a read is LOCK_READ (the lock was free), or BLOCKED
 * (the other holds it: this process waits) and later RETURNS_READ; a write
 * is WRITE_RELEASE. */
enum action { READ, WRITE, LOCK_READ, BLOCKED, RETURNS_READ, WRITE_RELEASE };
struct step { int who; enum action action; };

#define MAX_ACTIONS (2 * BANK_MAX_STEPS)

/* Shared between the two processes: action k may start once turn[k] has
 * been posted, and posts turn[k + 1] when it is done. */
struct schedule {
    struct account *acc;
    const struct bank_lock *lock;
    int verbose;
    int n;
    struct step steps[MAX_ACTIONS];
    sem_t turn[MAX_ACTIONS + 1];
};

/* The plan: what each character of STEPS does, given the lock. A step of a
 * process that waits for the lock is postponed until the other releases it;
 * then the waiter's postponed steps come first, in their order. */
struct plan {
    struct schedule *s;
    int whole_update;
    int holder, blocked[3], postponed[3], done[3];
};

static void add(struct plan *p, int who, enum action a)
{
    p->s->steps[p->s->n++] = (struct step){ who, a };
}

static void plan_step(struct plan *p, int who)
{
    int other = 3 - who, reading = p->done[who] % 2 == 0;

    if (!p->whole_update) {
        add(p, who, reading ? READ : WRITE);
    } else if (reading && p->holder == other) {
        add(p, who, BLOCKED);
        p->blocked[who] = 1;
        return;
    } else if (reading) {
        add(p, who, LOCK_READ);
        p->holder = who;
    } else {
        add(p, who, WRITE_RELEASE);
        p->holder = 0;
    }
    p->done[who]++;
    if (!reading && p->blocked[other]) {
        p->blocked[other] = 0;
        add(p, other, RETURNS_READ);
        p->holder = other;
        p->done[other]++;
        for (; p->postponed[other] > 0; p->postponed[other]--)
            plan_step(p, other);
    }
}

static void make_plan(struct schedule *s, const char *steps, int whole_update)
{
    struct plan p = { s, whole_update, 0, { 0 }, { 0 }, { 0 } };

    for (const char *c = steps; *c != '\0'; c++) {
        int who = *c - '0';

        if (p.blocked[who])
            p.postponed[who]++;
        else
            plan_step(&p, who);
    }
}

#define COLUMN 28

static void print_row(const struct schedule *s, int who, const char *what)
{
    printf("%-*s| %-*s| %ld", COLUMN, who == 1 ? what : "", COLUMN, who == 2 ? what : "",
           bank_trace_peek(s->acc));     /* not one of the process's reads */
    if (s->verbose && who != 0)
        fputs(output_tag(), stdout);
    printf("\n");
}

static int wait_turn(sem_t *turn)
{
    while (sem_wait(turn) == -1)
        if (errno != EINTR)
            return errno;
    return 0;
}

/* Runs one action of process `who`. Returns 0 or an error number. */
static int act(struct schedule *s, int k, int who, long *current)
{
    const struct bank_lock *lock = s->lock;
    long amount = who == 1 ? -1 : 1;
    char what[64];
    int err;

    switch (s->steps[k].action) {
    case READ:
    case LOCK_READ:
    case RETURNS_READ:
        if (s->steps[k].action == LOCK_READ) {
            if ((err = lock->try_acquire(lock->lock)) != 0)
                return err;     /* the plan said it was free */
            print_row(s, who, "lock.acquire(): got it");
        } else if (s->steps[k].action == RETURNS_READ) {
            print_row(s, who, "lock.acquire() returns");
        } else if (lock != NULL && (err = lock->acquire(lock->lock)) != 0) {
            return err;
        }
        *current = balance_read(s->acc);
        if (s->steps[k].action == READ && lock != NULL && (err = lock->release(lock->lock)) != 0)
            return err;
        snprintf(what, sizeof what, "%s: %ld", s->steps[k].action == READ && lock != NULL ?
                 "locked read" : "read balance", *current);
        print_row(s, who, what);
        return 0;
    case BLOCKED:
        if ((err = lock->try_acquire(lock->lock)) != EBUSY)
            return err == 0 ? EBUSY : err;  /* the plan said it was held */
        print_row(s, who, "lock.acquire(): blocked");
        /* Pass the turn first, then block: the other process must run to
         * release the lock. */
        if (sem_post(&s->turn[k + 1]) == -1)
            return errno;
        return lock->acquire(lock->lock);
    default:    /* WRITE, WRITE_RELEASE */
        if (lock != NULL && !lock->whole_update && (err = lock->acquire(lock->lock)) != 0)
            return err;
        balance_write(s->acc, *current + amount);
        if (lock != NULL && (err = lock->release(lock->lock)) != 0)
            return err;
        snprintf(what, sizeof what, "%swrite %ld %c 1 = %ld",
                 lock != NULL && !lock->whole_update ? "locked " : "", *current,
                 amount < 0 ? '-' : '+', *current + amount);
        print_row(s, who, what);
        if (s->steps[k].action == WRITE_RELEASE)
            print_row(s, who, "lock.release()");
        return 0;
    }
}

/* The steps of process `who` (1 withdraws, 2 deposits), each in its turn.
 * Exit status 0, or 1 after one line naming the call that failed. */
static int play(struct schedule *s, int who)
{
    long current = 0;

    for (int k = 0; k < s->n; k++) {
        int err;

        if (s->steps[k].who != who)
            continue;
        if ((err = wait_turn(&s->turn[k])) != 0 || (err = act(s, k, who, &current)) != 0) {
            fprintf(stderr, "%s: %s: step %d: %s\n", program_name(), process_name(who),
                    k + 1, strerror(err));
            return 1;
        }
        if (s->steps[k].action != BLOCKED && sem_post(&s->turn[k + 1]) == -1) {
            fprintf(stderr, "%s: sem_post: %s\n", program_name(), strerror(errno));
            return 1;
        }
    }
    return 0;
}

static int play_p1(void *arg) { return play(arg, 1); }
static int play_p2(void *arg) { return play(arg, 2); }

static int run_schedule(struct schedule *s, struct bank_failure *failed, const char **op)
{
    pid_t p1, p2;

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
    *op = "waitpid";
    return bank_join_both(p1, p2, failed);
}

/* P2's updates minus P1's: where the balance should end, counted from the
 * start. */
static long expected_change(const char *steps)
{
    long change = 0;

    for (const char *c = steps; *c != '\0'; c++)
        change += *c == '2' ? 1 : -1;
    return change / 2;
}

int bank_play_schedule(const struct options *o, const struct bank_lock *lock,
                       struct bank_failure *failed, const char **op)
{
    struct schedule *s = shared_alloc(sizeof *s);
    int initialised = 0, rc = -1;

    *op = "mmap";
    if (s == NULL)
        return -1;
    if ((s->acc = account_new(o)) == NULL)
        goto out;
    s->lock = lock;
    s->verbose = o->verbose;
    make_plan(s, o->schedule, lock != NULL && lock->whole_update);
    *op = "sem_init";
    for (; initialised <= s->n; initialised++)
        if (sem_init(&s->turn[initialised], 1, 0) == -1)
            goto out;
    printf("%-*s| %-*s| BALANCE\n", COLUMN, "P1 (withdraw)", COLUMN, "P2 (deposit)");
    print_row(s, 0, "");
    if ((rc = run_schedule(s, failed, op)) == 0) {
        printf("Final balance = %ld (expected %ld)\n", balance_read(s->acc),
               o->balance + expected_change(o->schedule));
        if (o->trace != NULL)
            bank_trace_trial(o, s->acc);
    }
out:
    for (int k = 0; k < initialised; k++)
        sem_destroy(&s->turn[k]);
    if (s->acc != NULL)
        account_free(s->acc);
    shared_free(s, sizeof *s);
    return rc;
}
