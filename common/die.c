/* die.c - error reporting for programs; see die.h. */
#include "die.h"
#include "proc.h"

#include <signal.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *name = "program";

void die_init(const char *program_name)
{
    name = program_name;
}

const char *program_name(void)
{
    return name;
}

_Noreturn void die_errnum(const char *op, int errnum)
{
    fflush(stdout);     /* what was printed so far comes before the error */
    fprintf(stderr, "%s: %s: %s\n", name, op, strerror(errnum));
    exit(1);
}

_Noreturn void die(const char *op)
{
    die_errnum(op, errno);
}

_Noreturn void die_child(const char *op)
{
    int saved = errno;

    fflush(stdout);     /* the child's own lines, printed once */
    fprintf(stderr, "%s: %s: %s\n", name, op, strerror(saved));
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
    exit(2);
}

_Noreturn void fail(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, "%s: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

_Noreturn void fail_child(const char *name, int status)
{
    char how[64];

    proc_terminate_all(SIGTERM);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1) {
        fflush(stdout);
        exit(1);        /* the child's own line said what went wrong */
    }
    fail("process %s %s", name, proc_describe_status(status, how, sizeof how));
}

void join_or_fail(pid_t pid, const char *name)
{
    int status;

    if (proc_join(pid, &status) == -1)
        die("waitpid");
    if (!proc_succeeded(status))
        fail_child(name, status);
}
