/* grade.h - the grader library every assignment's grade.c uses.
 *
 * An assignment's grader is a table of tests and a main that hands it to
 * grade_main(). Each test body runs in a child process of its own, in its own
 * process group, with a time limit; whatever it starts is stopped and reaped
 * when it ends, however it ends. The grader prints one line per test, as
 * MIT's xv6 labs do, then the score:
 *
 *     spin_mutual_exclusion: OK (20 pts)
 *     bank_updates: FAIL (0/20 pts): lost 999 of 2000 updates under a forced
 *         interleaving: is every read and write of the balance inside the
 *         lock?  Hint: README.md, "Part A" ...
 *     Score: 80/100
 *
 * and exits 0 only at full marks. assignments/README.md explains the rest.
 */
#ifndef GRADE_H
#define GRADE_H

#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>

struct grade_test {
    const char *name;       /* one word: the line's name and `./grade NAME` */
    int points;
    double seconds;         /* time limit of the whole test, all its processes
                               (less when the run's 60 s are nearly used up) */
    void (*run)(void);      /* returns: OK; grade_fail(): FAIL with its message */
    const char *hint;       /* where to look: a README section, a docs page */
    int one_cpu;            /* 1: the test and all it starts run on one CPU */
};

/* Runs the tests named on the command line (all of them when none is),
 * prints a line per test and the score, all in under 60 s (times
 * GRADE_TIMEOUT_MULTIPLIER): a test that would run past that gets less time,
 * or none ("not run"). Returns the exit status: 0 at full marks, 1 below, 2
 * for a bad command line. */
int grade_main(int argc, char *argv[], const struct grade_test *tests, size_t count);

/* ------------------------------------------------- inside a test body */

/* Ends the test as a FAIL with this message (printf-style; no final period,
 * the hint follows). Callable from any process of the test: the first
 * message wins, and every process of the test is stopped. */
void grade_fail(const char *format, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/* fork() for the grader's own processes (the student's fork() is counted
 * and limited, these are not). The child is in the test's process group. */
pid_t grade_fork(void);

/* Waits for process pid at most seconds (times GRADE_TIMEOUT_MULTIPLIER).
 * Returns its wait status, or -1 when it is still running then (it is left
 * running: the test decides what that means). */
int grade_wait(pid_t pid, double seconds);

/* How many times the student's code called fork() in this test. A test
 * whose code calls it more than GRADE_MAX_FORKS times gets -1/EAGAIN from
 * the extra calls and fails with "forked more than ... processes". */
#define GRADE_MAX_FORKS 64
long grade_forks(void);

/* CPU time (user + system) process pid has used so far, in seconds, or -1
 * when it is gone. Works for any process of the test, running or not. */
double grade_cpu_seconds(pid_t pid);

/* Waits until process pid is asleep (state S in /proc/PID/stat: blocked in
 * a system call such as a futex wait or a read), at most seconds (times
 * GRADE_TIMEOUT_MULTIPLIER). Returns 1 once it is, 0 at the deadline (it
 * runs, or is runnable: a loop that polls is never asleep), -1 when it has
 * ended. How a test sees that a call blocks, and times a signal so that it
 * lands while the call waits. */
int grade_wait_asleep(pid_t pid, double seconds);

/* Waits until *counter (in grade_shared memory, set by another process of
 * the test) reaches at least value, at most seconds (times
 * GRADE_TIMEOUT_MULTIPLIER). Returns 1 once it has, 0 at the deadline. */
int grade_wait_until(atomic_int *counter, int value, double seconds);

/* Runs the calling process (and what it starts from now on) on one CPU: the
 * first one it is allowed. grade_main does it for tests with one_cpu. */
void grade_pin_one_cpu(void);

/* A name prefix for the test's named objects, like "/grade-4242-3":
 * shm_open(prefix + "-x") and sem_open(...) names that start with it are
 * removed from /dev/shm when the test ends, whatever happened. */
const char *grade_shm_prefix(void);

/* Zero-filled memory every process the test forks afterwards shares (the
 * grader's bookkeeping). Never freed: it goes with the test's processes. */
void *grade_shared(size_t size);

/* seconds times GRADE_TIMEOUT_MULTIPLIER (at least 1). */
double grade_seconds(double seconds);

/* -------------------------------------- forced interleavings: turns
 *
 * A turn scheduler makes N processes take turns at the points where each
 * calls grade_step(): exactly one of them runs between two steps, and at each
 * step the turn passes to the next party. The interleaving is then the same
 * on every run, on one CPU or many, idle or loaded: "P1 reads, P2 reads, P1
 * writes, P2 writes" happens because the grader makes it happen.
 *
 * A party that is about to block in the kernel for something outside the
 * scheduler (a futex, a semaphore) calls grade_turns_block() first and
 * grade_turns_rejoin() after: the others go on without it, but only once it
 * is really asleep (its /proc state is S) or back, so whether it sleeps
 * never depends on timing. A process that never joined (and the grader's
 * own parent process) steps freely. */
struct grade_turns;

/* For parties 0..n-1; call before forking them. */
struct grade_turns *grade_turns_new(int parties);

/* In party `me`'s process: join, then wait until all n parties have joined,
 * so that the first steps of everyone are scheduled. */
void grade_turns_join(struct grade_turns *t, int me);

/* The step: pass the turn on, wait until it comes back. No-op outside a
 * scheduled process. */
void grade_step(void);

/* Leaves the scheduler (a party that is done). */
void grade_turns_leave(void);

/* Around a call that may sleep in the kernel (see above). */
void grade_turns_block(void);
void grade_turns_rejoin(void);

/* 1 when no party can move any more: none is active, and those that have
 * not finished are asleep in the kernel (after grade_turns_block). Nobody
 * in the scheduler can wake them: a deadlock, or a wake-up forgotten. */
int grade_turns_asleep(struct grade_turns *t);

/* The calling process's party number, or -1 when it is not scheduled. */
int grade_turns_me(void);

#endif
