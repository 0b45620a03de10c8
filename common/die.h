/* die.h - how a session program reports an error and stops.
 *
 * Two layers (CONTRIBUTING.md, "Style"): functions in common/ return -1
 * with errno and never exit; a *program* that cannot go on calls one of
 * these. They, and proc.h's fail_child and join_or_fail (built on them),
 * are the only functions in common/ that end the process, and only
 * programs call them. die.c needs nothing else of common/.
 */
#ifndef COMMON_DIE_H
#define COMMON_DIE_H

#include <sys/types.h>

/* Call first in main. Sets the name printed before every message
 * ("session1"); repairs what the program inherited (inherit.h: signals
 * ignored on entry noted, SIGCHLD back to its default); makes sure descriptors 0, 1 and 2 are open (a closed one gets
 * /dev/null, opened so that using it fails), so that no socket, pipe or file
 * the program opens later can get one of those numbers; and registers an
 * at-exit check of stdout, like gnulib's close_stdout: when a write to
 * stdout failed (a full disk, a closed descriptor), the program prints
 * "sessionN: write error: REASON" (unless it has already printed its error
 * line) and its exit status becomes 1. A reader that has gone (`| head`)
 * is not an error but the end: the program ends quietly, killed by SIGPIPE
 * as every tool of a pipeline is (or, when SIGPIPE was ignored on entry,
 * as if: exit status 128 + SIGPIPE, no line). */
void die_init(const char *program_name);
const char *program_name(void);

/* Flushes stdout and checks that everything written to it so far arrived.
 * When not, prints "sessionN: write error: REASON" (once: not when this
 * process has already printed its error line) and returns 1; else 0. When
 * the reader has gone, it does not return: the process ends by SIGPIPE.
 * A child started with proc_start does this before _exit; a child forked
 * by hand ends with `if (check_stdout()) _exit(1); _exit(0);`. */
int check_stdout(void);

/* The reader of stdout has gone (`prog | head` after head's last line), or
 * a child ended because its reader had: the program ends as every tool of
 * a pipeline does, quietly, killed by SIGPIPE (the shell shows 141); when
 * SIGPIPE was ignored on entry (it stays so), as if: no line, exit status
 * 128 + SIGPIPE. The one place that decides this for every program.
 * Async-signal-safe. */
_Noreturn void die_reader_gone(void);

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
 * misbehaved"): "sessionN: MESSAGE" on stderr (unless another process of
 * the program has already printed its error line), then exit(1) in the
 * program and _exit(1) in a child. printf-style. */
_Noreturn void fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* exit(1) for a program whose failure was already reported on stderr
 * (by a child that exited 1): no further line, not even the at-exit
 * "write error" one. */
_Noreturn void exit_reported(void);

#endif
