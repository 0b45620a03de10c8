/* die.c - error reporting for programs; see die.h. */
#define _DEFAULT_SOURCE         /* MAP_ANONYMOUS */
#include "die.h"
#include "inherit.h"

#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *name = "program";
static pid_t main_process;     /* the process that called die_init */

/* Every failure is one line, even when it happens in several processes at
 * once (each worker finds stdout full) or one after the other (a child
 * reports, then its parent sees the child exit 1). So the first process of
 * the program that prints an error line says so in this flag, in memory
 * shared by every process forked after die_init; later ones stay silent and
 * only exit 1. `reported` is this process's own copy, for when mmap failed. */
static atomic_int *program_reported;
static int reported;

/* What program_reported holds: nothing yet, a line printed, or a process
 * found the reader of stdout gone (then the whole program ends quietly). */
enum { NOTHING_REPORTED, LINE_PRINTED, READER_GONE };

/* 1 when the caller is the first process of the program to report. */
static int first_to_report(void)
{
    int expected = NOTHING_REPORTED;

    if (reported)
        return 0;
    reported = 1;
    return program_reported == NULL
           || atomic_compare_exchange_strong(program_reported, &expected, LINE_PRINTED);
}

/* 1 when a process of the program has found the reader of stdout gone. */
static int reader_gone(void)
{
    return program_reported != NULL && atomic_load(program_reported) == READER_GONE;
}

/* A descriptor 0, 1 or 2 that is closed gets /dev/null, opened the wrong way
 * round (stdin for writing, stdout and stderr for reading), as gnulib's
 * stdopen does: the number can no longer be handed to a socket or a file,
 * and a write to a closed stdout still fails, with EBADF, as it would have. */
static void open_standard_descriptors(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int got = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);

            if (got != fd)
                _exit(1);       /* cannot happen: open takes the lowest free number */
        }
}

/* Why the last write to stdout failed, when stdio only kept its error flag
 * (a line-buffered stdout has nothing left to flush at exit). Writing zero
 * bytes repeats the error of a full disk or a closed descriptor; a pipe
 * whose reader has gone says so through poll. 0 when nothing tells. */
static int stdout_failure_reason(void)
{
    struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };

    if (write(STDOUT_FILENO, "", 0) == -1)
        return errno;
    if (poll(&p, 1, 0) == 1 && (p.revents & POLLERR))
        return EPIPE;
    return 0;
}

/* 1 when SIGPIPE was ignored when the program started (nohup, a parent's
 * choice): that stays so, and a reader gone ends the program "as if". */
static int sigpipe_ignored_on_entry;

/* See die.h. Async-signal-safe. */
_Noreturn void die_reader_gone(void)
{
    int expected = NOTHING_REPORTED;

    /* Another process of the program that fails because of this one (a
     * receiver whose sender ended) stays quiet, and ends the same way. */
    reported = 1;
    if (program_reported != NULL)
        atomic_compare_exchange_strong(program_reported, &expected, READER_GONE);
    if (!sigpipe_ignored_on_entry) {
        struct sigaction sa;
        sigset_t pipe_only;

        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGPIPE, &sa, NULL);
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        sigprocmask(SIG_UNBLOCK, &pipe_only, NULL);
        raise(SIGPIPE);
    }
    _exit(128 + SIGPIPE);
}

static int report_write_error(int errnum)
{
    if (errnum == EPIPE)
        die_reader_gone();
    if (first_to_report()) {
        if (errnum != 0)
            fprintf(stderr, "%s: write error: %s\n", name, strerror(errnum));
        else
            fprintf(stderr, "%s: write error\n", name);
    }
    return 1;
}

int check_stdout(void)
{
    int failed = ferror(stdout);

    errno = 0;
    if (fflush(stdout) == EOF)
        return report_write_error(errno);
    if (failed)
        return report_write_error(stdout_failure_reason());
    return 0;
}

/* Registered by die_init, so it runs after main returns or exit() is
 * called (like gnulib's close_stdout): output that did not reach stdout is
 * a failure, even when every printf was "successful" into the buffer. */
static void close_stdout(void)
{
    int failed = check_stdout();

    if (fclose(stdout) == EOF && !failed)
        failed = report_write_error(errno);
    if (failed) {
        fflush(NULL);   /* other streams (a --timeline file) as exit would */
        _exit(1);
    }
}

void die_init(const char *program_name)
{
    static int done;

    name = program_name;
    if (done)
        return;
    done = 1;
    {
        struct sigaction pipe_action;

        sigpipe_ignored_on_entry = sigaction(SIGPIPE, NULL, &pipe_action) == 0
                                   && pipe_action.sa_handler == SIG_IGN;
    }
    main_process = getpid();
    inherit_repair();
    open_standard_descriptors();
    program_reported = mmap(NULL, sizeof *program_reported, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (program_reported == MAP_FAILED)
        program_reported = NULL;        /* then each process reports for itself */
    else
        atomic_init(program_reported, NOTHING_REPORTED);
    atexit(close_stdout);
}

const char *program_name(void)
{
    return name;
}

/* 1 when an EPIPE came from stdout, whose reader has gone (`| head`), not
 * from a socket or pipe of the program's own: then it is the quiet end of
 * a pipeline (die_reader_gone), even for a caller that said
 * die_child("write error") after its own fflush. */
static int stdout_reader_gone(int errnum)
{
    return errnum == EPIPE && stdout_failure_reason() == EPIPE;
}

_Noreturn void die_errnum(const char *op, int errnum)
{
    if (stdout_reader_gone(errnum))
        die_reader_gone();
    fflush(stdout);     /* what was printed so far comes before the error */
    if (first_to_report())
        fprintf(stderr, "%s: %s: %s\n", name, op, strerror(errnum));
    else if (reader_gone())
        die_reader_gone();      /* this failure only follows from that one */
    exit(1);
}

_Noreturn void die(const char *op)
{
    die_errnum(op, errno);
}

_Noreturn void die_child(const char *op)
{
    int saved = errno;

    if (stdout_reader_gone(saved))
        die_reader_gone();
    fflush(stdout);     /* the child's own lines, printed once */
    if (first_to_report())
        fprintf(stderr, "%s: %s: %s\n", name, op, strerror(saved));
    else if (reader_gone())
        die_reader_gone();
    _exit(1);
}

_Noreturn void usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", name);
    reported = 1;       /* before any child exists: nobody else has spoken */
    exit(2);
}

void exit_on_usage(int parsed, const char *msg)
{
    if (parsed == 1)
        exit(0);        /* close_stdout still checks that the usage arrived */
    if (parsed == -1)
        usage_error("%s", msg);
    if (parsed == -2)
        die(msg);
}

/* One function for the program and its children: a child (any process but
 * the one that called die_init) ends with _exit, which runs no atexit
 * handler and flushes no stdio buffer copied from the parent. */
_Noreturn void fail(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);     /* what was printed so far comes before the error */
    if (first_to_report()) {
        fprintf(stderr, "%s: ", name);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    } else if (reader_gone()) {
        die_reader_gone();
    }
    if (getpid() != main_process)
        _exit(1);
    exit(1);
}

_Noreturn void exit_reported(void)
{
    if (reader_gone())
        die_reader_gone();
    first_to_report();
    exit(1);
}
