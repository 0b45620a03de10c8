/* proc.c - child processes that are always reaped; see proc.h. */
#define _DEFAULT_SOURCE         /* WCOREDUMP is not in POSIX, but every Unix has it */
#include "proc.h"
#include "die.h"
#include "inherit.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The children not yet joined. A signal handler reads this table, so its
 * slots are volatile sig_atomic_t (an int on Linux, wide enough for a PID),
 * and a slot is written in one store: 0 = free, otherwise a PID. */
static volatile sig_atomic_t children[PROC_MAX];

static int remember(pid_t pid)
{
    for (size_t i = 0; i < PROC_MAX; i++)
        if (children[i] == 0) {
            children[i] = pid;
            return 0;
        }
    return -1;
}

static void forget(pid_t pid)
{
    for (size_t i = 0; i < PROC_MAX; i++)
        if (children[i] == pid)
            children[i] = 0;
}

static int slots_free(void)
{
    for (size_t i = 0; i < PROC_MAX; i++)
        if (children[i] == 0)
            return 1;
    return 0;
}

/* The signals a program stops its children on (proc_cleanup_on_signals). */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

#define STOP_SIGNALS (sizeof stop_signals / sizeof stop_signals[0])

void proc_child_init(pid_t parent)
{
    for (size_t i = 0; i < PROC_MAX; i++)
        children[i] = 0;
    /* The parent's handler is for the parent; a signal the program was
     * started with ignored (nohup, a background job) stays ignored. */
    for (size_t i = 0; i < STOP_SIGNALS; i++)
        if (!inherit_ignored(stop_signals[i]))
            signal(stop_signals[i], SIG_DFL);
    clearerr(stdout);   /* the child reports its own failed writes, not the parent's */
    /* SIGKILL, not SIGTERM: it also ends a child that is stopped. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);       /* the parent died before the line above */
    trace_child_begin();    /* --trace: this process records on its own track */
}

int proc_track(pid_t pid)
{
    if (remember(pid) == -1) {
        errno = EAGAIN;
        return -1;
    }
    trace_forked(pid);
    return 0;
}

int proc_hold_signals(sigset_t *before)
{
    sigset_t held;

    sigemptyset(&held);
    for (size_t i = 0; i < STOP_SIGNALS; i++)
        sigaddset(&held, stop_signals[i]);
    return sigprocmask(SIG_BLOCK, &held, before);
}

int proc_release_signals(const sigset_t *before)
{
    return sigprocmask(SIG_SETMASK, before, NULL);
}

pid_t proc_start(proc_fn fn, void *arg)
{
    pid_t parent = getpid();
    sigset_t before;
    pid_t pid;

    if (!slots_free()) {
        errno = EAGAIN;
        return -1;
    }
    /* Anything still in a stdio buffer would be copied into the child and
     * printed twice when stdout is a pipe or a file. */
    if (fflush(NULL) == EOF && !ferror(stdout))
        return -1;      /* a stdout that fails is reported at exit (die_init) */

    /* Hold SIGINT/SIGTERM/SIGHUP back until the child's PID is remembered
     * (or, in the child, until the parent's handler is gone): otherwise a
     * signal in between could leave an orphan behind. */
    if (proc_hold_signals(&before) == -1)
        return -1;

    trace_fork_track();     /* --trace: the track the child will record on */
    pid = fork();
    if (pid == 0) {
        int status;

        /* The child has no children of its own yet, Ctrl-C or a SIGTERM
         * should simply end it, and it must not outlive the parent. */
        proc_child_init(parent);
        proc_release_signals(&before);

        status = fn(arg);
        if (status == 0 && check_stdout())
            status = 1; /* its line is printed: the parent adds none */
        else
            fflush(stdout);
        trace_child_end(status);
        _exit(status);  /* not exit(): no atexit handlers, no second flush */
    }
    if (pid > 0) {
        remember(pid);  /* cannot fail: a free slot was checked above */
        trace_forked(pid);
    }
    proc_release_signals(&before);
    return pid;         /* -1 with errno from fork() when it failed */
}

int proc_join(pid_t pid, int *status)
{
    int st;

    while (waitpid(pid, &st, 0) == -1)
        if (errno != EINTR)
            return -1;
    forget(pid);
    trace_joined(pid, st);
    if (status != NULL)
        *status = st;
    return 0;
}

int proc_try_join(pid_t pid, int *status)
{
    int st;
    pid_t done;

    do
        done = waitpid(pid, &st, WNOHANG);
    while (done == -1 && errno == EINTR);
    if (done == -1)
        return -1;
    if (done == 0)
        return 0;
    forget(pid);
    trace_joined(pid, st);
    if (status != NULL)
        *status = st;
    return 1;
}

pid_t proc_join_any(int *status)
{
    int st;
    pid_t pid;

    while ((pid = waitpid(-1, &st, 0)) == -1)
        if (errno != EINTR)
            return -1;
    forget(pid);
    trace_joined(pid, st);
    if (status != NULL)
        *status = st;
    return pid;
}

int proc_succeeded(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

const char *proc_signal_name(int sig, char *buf, size_t len)
{
    static const struct { int sig; const char *name; } names[] = {
        { SIGHUP, "SIGHUP" },   { SIGINT, "SIGINT" },   { SIGQUIT, "SIGQUIT" },
        { SIGILL, "SIGILL" },   { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
        { SIGBUS, "SIGBUS" },   { SIGFPE, "SIGFPE" },   { SIGKILL, "SIGKILL" },
        { SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
        { SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
        { SIGCHLD, "SIGCHLD" }, { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" },
        { SIGTSTP, "SIGTSTP" }, { SIGSYS, "SIGSYS" },   { SIGXCPU, "SIGXCPU" },
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].sig == sig) {
            snprintf(buf, len, "%s", names[i].name);
            return buf;
        }
    snprintf(buf, len, "signal %d", sig);
    return buf;
}

const char *proc_describe_status(int status, char *buf, size_t len)
{
    char name[32];

    if (WIFEXITED(status))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "was killed by %s%s",
                 proc_signal_name(WTERMSIG(status), name, sizeof name),
                 WCOREDUMP(status) ? " (core dumped)" : "");
    else
        snprintf(buf, len, "ended with wait status 0x%x", (unsigned)status);
    return buf;
}

/* How long children get to end after SIGTERM before they are killed. */
#define GRACE_MS 2000

/* Sends sig to every remembered child, and SIGCONT after it: a stopped
 * child (SIGSTOP, Ctrl-Z) would not act on SIGTERM until continued, and the
 * wait below would never end. Then reaps them; one that is still there
 * after GRACE_MS (it blocks or ignores sig) gets SIGKILL, which nothing can
 * block. Returns the number reaped. Only async-signal-safe calls (kill,
 * waitpid, poll): the signal handler below uses it too. */
static int stop_every_child(int sig)
{
    int reaped = 0, left = 1;

    for (size_t i = 0; i < PROC_MAX; i++)
        if (children[i] != 0) {
            kill(children[i], sig);
            kill(children[i], SIGCONT);
        }
    for (int waited = 0; left > 0 && waited <= GRACE_MS; waited += 10) {
        left = 0;
        for (size_t i = 0; i < PROC_MAX; i++) {
            pid_t pid = children[i], done;

            if (pid == 0)
                continue;
            done = waitpid(pid, NULL, WNOHANG);
            if (done == pid || (done == -1 && errno == ECHILD)) {
                children[i] = 0;
                reaped += done == pid;
            } else {
                left++;
            }
        }
        if (left > 0)
            poll(NULL, 0, 10);  /* a pause between checks, not a guess */
    }
    for (size_t i = 0; i < PROC_MAX; i++) {
        pid_t pid = children[i];

        if (pid == 0)
            continue;
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
            continue;
        children[i] = 0;
        reaped++;
    }
    return reaped;
}

int proc_terminate_all(int sig)
{
    return stop_every_child(sig);
}

/* A child forked by hand is tracked (proc_track) just after fork(): a
 * signal that arrives in between would not find it in the table, and it
 * would outlive the program. The kernel's own list of this process's
 * children closes that gap. open, read and close are async-signal-safe;
 * snprintf is not, so the path is put together by hand. */
static void track_every_child(void)
{
    char path[64] = "/proc/self/task/", digits[16], buf[4096];
    size_t len = strlen(path), n = 0;
    long pid = (long)getpid(), child = 0;
    ssize_t got;
    int fd;

    do
        digits[n++] = (char)('0' + pid % 10);
    while ((pid /= 10) > 0);
    while (n > 0)
        path[len++] = digits[--n];
    memcpy(path + len, "/children", sizeof "/children");
    if ((fd = open(path, O_RDONLY)) == -1)
        return;
    got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got > 0)
        buf[got++] = ' ';       /* so the last number ends too */
    for (ssize_t i = 0; i < got; i++) {
        if (buf[i] >= '0' && buf[i] <= '9') {
            child = child * 10 + (buf[i] - '0');
            continue;
        }
        if (child > 0) {
            int known = 0;

            for (size_t k = 0; k < PROC_MAX; k++)
                known |= children[k] == (pid_t)child;
            if (!known)
                remember((pid_t)child);
        }
        child = 0;
    }
}

/* The signal that started the handler, 0 while it is not running. */
static volatile sig_atomic_t stopping;

/* Runs when SIGINT, SIGTERM or SIGHUP arrives. kill, waitpid, poll and
 * _exit are async-signal-safe (POSIX lists them); stdio is not, so nothing
 * is printed and no buffer is flushed. A second signal while the children
 * are given their grace (a second Ctrl-C) runs the handler again, inside
 * the first: it kills them at once. */
static void stop_children_and_exit(int sig)
{
    if (stopping != 0) {
        for (size_t i = 0; i < PROC_MAX; i++)
            if (children[i] != 0)
                kill(children[i], SIGKILL);
        sig = stopping;
    } else {
        stopping = sig;
        track_every_child();
    }
    stop_every_child(SIGTERM);
    _exit(128 + sig);
}

int proc_cleanup_on_signals(void)
{
    struct sigaction sa;
    sigset_t handled;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stop_children_and_exit;
    /* Nothing blocked while it runs, not even its own signal (SA_NODEFER):
     * a second Ctrl-C must be able to cut the grace short. */
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NODEFER;
    sigemptyset(&handled);
    for (size_t i = 0; i < STOP_SIGNALS; i++) {
        if (inherit_ignored(stop_signals[i]))
            continue;   /* ignored on entry (nohup): stays ignored */
        if (sigaction(stop_signals[i], &sa, NULL) == -1)
            return -1;
        sigaddset(&handled, stop_signals[i]);
    }
    /* A mask inherited with them blocked would hold the handler off for
     * ever: the program asked for them, so it takes them. */
    return sigprocmask(SIG_UNBLOCK, &handled, NULL);
}

_Noreturn void fail_child(const char *name, int status)
{
    char how[64];

    proc_terminate_all(SIGTERM);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
        exit_reported();        /* the child's own line said what went wrong */
    if ((WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE)
        || (WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGPIPE))
        die_reader_gone();      /* the child's stdout had no reader left */
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
