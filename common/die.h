/* die.h - how a session program reports an error and stops.
 *
 * Two layers (STYLE.md #4): functions in common/ return -1 with errno and
 * never exit; a *program* that cannot go on calls one of these. They are the
 * only functions in common/ that end the process, and only programs call them.
 */
#ifndef COMMON_DIE_H
#define COMMON_DIE_H

#include <sys/types.h>

/* Call first in main. Sets the name printed before every message
 * ("session1"); makes sure descriptors 0, 1 and 2 are open (a closed one gets
 * /dev/null, opened so that using it fails), so that no socket, pipe or file
 * the program opens later can get one of those numbers; and registers an
 * at-exit check of stdout, like gnulib's close_stdout: when a write to
 * stdout failed (a full disk, a reader gone, a closed descriptor), the
 * program prints "sessionN: write error: REASON" (unless it has already
 * printed its error line) and its exit status becomes 1. */
void die_init(const char *program_name);
const char *program_name(void);

/* Flushes stdout and checks that everything written to it so far arrived.
 * When not, prints "sessionN: write error: REASON" (once: not when this
 * process has already printed its error line) and returns 1; else 0.
 * A child started with proc_start does this before _exit; a child forked
 * by hand ends with `if (check_stdout()) _exit(1); _exit(0);`. */
int check_stdout(void);

/* For a program that ignores SIGPIPE so that a write into one of its own
 * pipes whose reader has gone is the error EPIPE: call this instead of
 * signal(SIGPIPE, SIG_IGN). Every pipe behaves as with SIG_IGN, except
 * stdout: when its reader has gone (`| head`), the program prints
 * "sessionN: write error: Broken pipe" and exits 1 at once instead of
 * writing on into nothing. A child of proc_start that inherits SIGPIPE
 * ignored gets this automatically. Returns 0, or -1 with errno. */
int die_on_broken_stdout(void);

/* "sessionN: OP: strerror(errno)" on stderr, then exit(1). */
_Noreturn void die(const char *op);

/* Same, for calls that return an error number instead of setting errno
 * (the pthread_* family). */
_Noreturn void die_errnum(const char *op, int errnum);

/* The child-process variant: same message, then _exit(1). A child must not
 * run exit(), which would flush stdio buffers copied from the parent and run
 * the parent's atexit handlers a second time. */
_Noreturn void die_child(const char *op);

/* Bad usage: "sessionN: MESSAGE" and "Try 'sessionN --help' ..." on stderr,
 * exit(2). Nothing is printed on stdout. printf-style. */
_Noreturn void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* After arg_parse or arg_numbers (args.h), whose result is `parsed`: 1
 * (--help has been printed) ends the program with exit(0), -1 with
 * usage_error("%s", msg), -2 with die(msg) (a call failed); 0 returns. */
void exit_on_usage(int parsed, const char *msg);

/* A runtime failure that is not a failed system call ("a peer
 * misbehaved"): "sessionN: MESSAGE" on stderr, exit(1). printf-style. */
_Noreturn void fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* fail() for a child process: the same one line (unless another process
 * of the program has already printed its error line), then _exit(1). */
_Noreturn void fail_in_child(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

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
