/* proc.h - start a function in a child process and join it, like Python's
 * multiprocessing.Process(target=fn, args=...).start() and .join().
 *
 * Every child started here is remembered until it is joined, so that a
 * program can stop and reap all of them when it is interrupted
 * (proc_cleanup_on_signals) or when something fails (proc_terminate_all).
 * They are session1's fork(), _exit() and waitpid(), wrapped: session1.c
 * calls those itself, and docs/session1.md explains them.
 */
#ifndef COMMON_PROC_H
#define COMMON_PROC_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* The function a child runs; its return value becomes the exit status. */
typedef int (*proc_fn)(void *arg);

/* Most children one program may have alive at once. */
#define PROC_MAX 256

/* Flushes stdio (so no buffered line is copied into the child and printed
 * twice), forks, and runs fn(arg) in the child, which then flushes its own
 * output and ends with _exit(status); when fn returned 0 but the child's
 * output could not be written, it says so (check_stdout, die.h) and exits 1,
 * so the parent's fail_child adds no second line. In the child, SIGINT and SIGTERM get
 * their default action back (unless the program was started with them
 * ignored: then they stay ignored). Returns the child's PID to the parent, or -1
 * with errno (EAGAIN when PROC_MAX children are alive). */
pid_t proc_start(proc_fn fn, void *arg);

/* What every child does first, right after fork() (proc_start does it;
 * session1, which calls fork() itself, calls it by hand): Ctrl-C and SIGTERM
 * get their default action back (a signal ignored when the program started
 * stays ignored: inherit.h), and the child asks the kernel to SIGKILL it
 * when its parent dies (Linux PR_SET_PDEATHSIG), so no child outlives the
 * program; if the parent (PID `parent`, read before fork) is already gone, the
 * child ends at once. */
void proc_child_init(pid_t parent);

/* Remembers a child the program forked itself, so that proc_terminate_all
 * and the handlers of proc_cleanup_on_signals stop and reap it too.
 * Returns 0, or -1 with errno EAGAIN when PROC_MAX children are alive. */
int proc_track(pid_t pid);

/* For a program that calls fork() itself: holds SIGINT, SIGTERM and SIGHUP
 * back (they stay pending) from just before fork() until proc_track has
 * registered the child (in the parent) or proc_child_init has run (in the
 * child); then proc_release_signals. Without it a Ctrl-C that lands between
 * fork() and proc_track would end the program without reaping the child.
 * proc_start does the same inside. Both return 0, or -1 with errno. */
int proc_hold_signals(sigset_t *before);
int proc_release_signals(const sigset_t *before);

/* Waits for the child (retrying when a signal interrupts the wait) and stores
 * its raw wait status in *status. Returns 0, or -1 with errno. */
int proc_join(pid_t pid, int *status);

/* Like proc_join, but gives up at once: returns 1 and the status when the
 * child has ended, 0 when it is still running, -1 with errno on error. */
int proc_try_join(pid_t pid, int *status);

/* Waits for whichever child ends first (any child of this process), like
 * joining a list of processes in the order they finish: a program that
 * joins in a fixed order could wait forever on a child that waits for one
 * that already failed. Stores the raw wait status in *status and returns
 * the child's PID, or -1 with errno (ECHILD when there is no child). */
pid_t proc_join_any(int *status);

/* 1 when the status says "exited with code 0", else 0. */
int proc_succeeded(int status);

/* Describes a wait status for a person: "exited with status 3",
 * "was killed by SIGKILL". Returns buf. */
const char *proc_describe_status(int status, char *buf, size_t len);

/* "SIGKILL" for SIGKILL, and so on; "signal N" for numbers it does not know. */
const char *proc_signal_name(int sig, char *buf, size_t len);

/* Sends sig, then SIGCONT (a stopped child acts on sig only once it is
 * continued), to every child not yet joined, then reaps them all; a child
 * still there after a grace of 2 seconds (it blocks or ignores sig) is
 * killed with SIGKILL. Returns the number of children reaped. */
int proc_terminate_all(int sig);

/* Installs handlers for SIGINT and SIGTERM (and SIGHUP) that stop every
 * child not yet joined (and any child the kernel lists that was forked by
 * hand and not yet tracked) as proc_terminate_all(SIGTERM) does (so a stopped
 * child cannot hold the program up), and end the program with status
 * 128 + signal number (130 for SIGINT, 143 for SIGTERM), as a shell reports a
 * process killed by that signal. A second signal during the grace (a second
 * Ctrl-C) kills the children with SIGKILL at once. Only async-signal-safe
 * calls run in the handler. A signal the program was started with ignored
 * (nohup's SIGHUP, a background job's SIGINT) gets no handler: it stays
 * ignored. The signals it handles are unblocked, in case the program was
 * started with them blocked. Returns 0, or -1 with errno. */
int proc_cleanup_on_signals(void);

/* For programs, like die.h's functions (on which they are built): these
 * two end the process. */

/* A child NAME ended with wait status `status`, not with exit 0: stops every
 * other child (SIGTERM, reaped), then exits 1. A child that exited with
 * status 1 has already said why on stderr (die_child), so nothing more is
 * printed: every failure is one line. Otherwise the line is "sessionN:
 * process NAME exited with status 3" or "... was killed by SIGKILL". */
_Noreturn void fail_child(const char *name, int status);

/* p.join() for a program that cannot go on without the child: waits for
 * it, and when it did not exit 0 calls fail_child. A failed waitpid is
 * reported by die(). */
void join_or_fail(pid_t pid, const char *name);

#endif
