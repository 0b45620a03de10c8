/* grade.c - the grader library: grade.h says what each function does, and
 * assignments/README.md how an assignment uses it.
 *
 * How a test is kept in bounds: its body runs in a child process that leads
 * its own process group; the grader is a "child subreaper" (Linux prctl), so
 * a process the test leaves behind is re-parented to the grader rather than
 * to init. When the body ends, crashes or runs out of time, the grader kills
 * the group, then every child it still has, and reaps them all. The
 * student's fork() is counted (the grader is linked with -Wl,--wrap=fork):
 * past GRADE_MAX_FORKS it fails with EAGAIN, so a fork loop stops even for
 * root, whom RLIMIT_NPROC does not stop. Its kill() is watched for the one
 * call that would kill the grader with it (kill(0) from a child).
 */
#define _GNU_SOURCE             /* sched_setaffinity, prctl, strsignal */
#include "grade.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MESSAGE_MAX 1024
#define OUTPUT_LINES 8          /* of a failed test's own output, shown */
#define WAITERS 64              /* processes in a grader's wait at once */

/* A whole assignment grades in BUDGET seconds (times the multiplier): the
 * last MARGIN of them stop the last test and print the score, and a test
 * whose own limit would run past what is left gets less, though never less
 * than FLOOR (or its own limit, when smaller) while some time is left: a
 * solution that hangs in every test still hears about each of them. */
#define BUDGET 60.0
#define MARGIN 5.0
#define FLOOR 5.0

/* What every process of the running test shares with the grader. */
struct state {
    atomic_int failed;          /* 1 once a message is being written */
    atomic_int message_done;    /* 1 once it is complete */
    char message[MESSAGE_MAX];
    atomic_long forks;
    atomic_int waiting[WAITERS];    /* pids inside a grader's wait (below) */
};

static struct state *state;     /* NULL outside grade_main */

/* The student's fork() and kill() go through the grader's (below): the
 * grader is linked with -Wl,--wrap=fork,--wrap=kill. */
pid_t __real_fork(void);
pid_t __wrap_fork(void);
int __real_kill(pid_t pid, int sig);
int __wrap_kill(pid_t pid, int sig);
static char shm_prefix[64];     /* "/grade-PID-N" */

/* ------------------------------------------------------------ helpers */

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double grade_seconds(double seconds)
{
    const char *text = getenv("GRADE_TIMEOUT_MULTIPLIER");
    double factor = text != NULL ? strtod(text, NULL) : 1.0;

    return seconds * (factor >= 1.0 ? factor : 1.0);
}

void *grade_shared(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        grade_fail("the grader could not map %zu bytes of shared memory: %s",
                   size, strerror(errno));
    return p;
}

const char *grade_shm_prefix(void)
{
    return shm_prefix;
}

/* The first message of the test wins; later ones are dropped. */
static void record(const char *format, va_list ap)
{
    int expected = 0;

    if (state == NULL)
        return;
    if (atomic_compare_exchange_strong(&state->failed, &expected, 1)) {
        vsnprintf(state->message, sizeof state->message, format, ap);
        atomic_store(&state->message_done, 1);
    }
}

static void record_f(const char *format, ...)
{
    va_list ap;

    va_start(ap, format);
    record(format, ap);
    va_end(ap);
}

void grade_fail(const char *format, ...)
{
    va_list ap;

    va_start(ap, format);
    record(format, ap);
    va_end(ap);
    if (state == NULL)
        _exit(1);
    fflush(stdout);
    /* Two processes may fail at once: the one whose message lost waits
     * until the winner's is complete, or its kill would cut it off (and
     * the test would read "crashed: Killed"). At most a second. */
    for (int i = 0; i < 1000 && !atomic_load(&state->message_done); i++) {
        struct timespec ms = { 0, 1000000 };

        nanosleep(&ms, NULL);
    }
    __real_kill(0, SIGKILL);    /* the test's whole process group, this one too */
    _exit(1);
}

/* --------------------------------------------------------------- fork */

static int forked_by_student;   /* 1 in a process the student's fork() made */

/* The student's fork(): counted, and refused past the limit. */
pid_t __wrap_fork(void)
{
    pid_t pid;

    if (state != NULL && atomic_fetch_add(&state->forks, 1) >= GRADE_MAX_FORKS) {
        record_f("forked more than %d processes (a fork() in a loop that never ends?)",
                 GRADE_MAX_FORKS);
        errno = EAGAIN;
        return -1;
    }
    pid = __real_fork();
    if (pid == 0)
        forked_by_student = 1;
    return pid;
}

/* The student's kill(). kill(0, sig) from a child of theirs signals the
 * test's whole process group, the grader's process too: almost always a
 * child that went on into the parent's code, where the pid fork() gave it
 * (0) stands for a worker's. Said so, rather than "crashed: Killed". */
int __wrap_kill(pid_t pid, int sig)
{
    if (forked_by_student && pid == 0 && sig != 0)
        record_f("a process forked by your code called kill(0, %s), which signals its whole "
                 "process group, the grader's process too: did a child go on into the "
                 "parent's code, where kill(pid) has the 0 that fork() returned to it? End "
                 "every child with _exit()", sig == SIGKILL ? "SIGKILL"
                 : sig == SIGTERM ? "SIGTERM" : "a signal");
    return __real_kill(pid, sig);
}

pid_t grade_fork(void)
{
    fflush(NULL);               /* no buffered line printed twice */
    return __real_fork();
}

long grade_forks(void)
{
    return state != NULL ? atomic_load(&state->forks) : 0;
}

/* ------------------------------------------------------- waiting, CPU */

/* A process inside one of the grader's own waits says so, here: when a test
 * runs out of time, what the grader waits in is not what hangs (see
 * describe_processes). */
static void waiting(int on)
{
    int me_pid = (int)getpid();

    if (state == NULL)
        return;
    for (int i = 0; i < WAITERS; i++) {
        int expected = on ? 0 : me_pid;

        if (atomic_compare_exchange_strong(&state->waiting[i], &expected, on ? me_pid : 0))
            return;
    }
}

static int is_waiting(pid_t pid)
{
    for (int i = 0; i < WAITERS; i++)
        if (atomic_load(&state->waiting[i]) == (int)pid)
            return 1;
    return 0;
}

/* Waits for pid until the absolute time `until` (CLOCK_MONOTONIC seconds):
 * SIGCHLD is blocked meanwhile and taken with sigtimedwait, so no wake-up is
 * missed and nothing is polled. Returns the status, or -1 at the deadline. */
static int wait_until(pid_t pid, double until)
{
    sigset_t chld, before;
    int status = -1;

    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &before);
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        double left = until - now();
        struct timespec ts;

        if (r == pid)
            break;
        if (r == -1 && errno != EINTR) {
            status = -1;
            break;
        }
        if (left <= 0) {
            status = -1;
            break;
        }
        ts.tv_sec = (time_t)left;
        ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
        sigtimedwait(&chld, NULL, &ts);
    }
    sigprocmask(SIG_SETMASK, &before, NULL);
    return status;
}

int grade_wait(pid_t pid, double seconds)
{
    int status;

    waiting(1);
    status = wait_until(pid, now() + grade_seconds(seconds));
    waiting(0);
    return status;
}

double grade_cpu_seconds(pid_t pid)
{
    clockid_t clock;
    struct timespec t;

    if (clock_getcpuclockid(pid, &clock) != 0 || clock_gettime(clock, &t) == -1)
        return -1;
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The state letter of a process ('S' asleep, 'R' running), or '?'. */
static char state_of(pid_t pid)
{
    char path[64], line[512], *close;
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return '?';
    n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    close = strrchr(line, ')');     /* the name may hold spaces and parentheses */
    if (close == NULL || close[1] != ' ')
        return '?';
    return close[2];
}

/* Sleeps about a millisecond: the polls below look 1000 times a second. */
static void pause_briefly(void)
{
    struct timespec ms = { 0, 1000000 };

    nanosleep(&ms, NULL);
}

/* Asks done(arg) until it decides (1 or -1) or seconds (times the
 * multiplier) have passed (0), with the test's watchdog told it waits. */
static int poll_until(int (*done)(void *arg), void *arg, double seconds)
{
    double until = now() + grade_seconds(seconds);
    int result;

    waiting(1);
    while ((result = done(arg)) == 0 && now() < until)
        pause_briefly();
    waiting(0);
    return result;
}

/* 1: the process is asleep; -1: it has ended; 0: it runs or is runnable. */
static int asleep_or_gone(void *arg)
{
    char st = state_of(*(pid_t *)arg);

    if (st == '?' || st == 'Z' || st == 'X')
        return -1;
    return st == 'S';
}

int grade_wait_asleep(pid_t pid, double seconds)
{
    return poll_until(asleep_or_gone, &pid, seconds);
}

struct count_goal {
    atomic_int *counter;
    int value;
};

static int reached(void *arg)
{
    const struct count_goal *goal = arg;

    return atomic_load(goal->counter) >= goal->value;
}

int grade_wait_until(atomic_int *counter, int value, double seconds)
{
    struct count_goal goal = { counter, value };

    return poll_until(reached, &goal, seconds);
}

void grade_pin_one_cpu(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof set, &set) == -1)
        grade_fail("sched_getaffinity: %s", strerror(errno));
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &set)) {
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            if (sched_setaffinity(0, sizeof set, &set) == -1)
                grade_fail("sched_setaffinity: %s", strerror(errno));
            return;
        }
}

/* -------------------------------------------------------------- turns */

#define MAX_PARTIES 16

struct grade_turns {
    int parties;
    atomic_int joined;
    atomic_int turn;                /* a party, or -1 when nobody holds it */
    atomic_int active[MAX_PARTIES];
    atomic_int blocking[MAX_PARTIES];   /* on its way to sleep in the kernel */
    pid_t pid[MAX_PARTIES];
};

static struct grade_turns *turns;   /* the scheduler this process is in */
static int me = -1;

/* A waiter sleeps in the kernel until the word changes (futex), so the
 * turn holder has the CPU to itself even on one CPU. */
static void word_wait(atomic_int *word, int seen)
{
    waiting(1);
    syscall(SYS_futex, word, FUTEX_WAIT, seen, NULL, NULL, 0);
    waiting(0);
}

static void word_set(atomic_int *word, int value)
{
    atomic_store(word, value);
    syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

struct grade_turns *grade_turns_new(int parties)
{
    struct grade_turns *t;

    if (parties < 1 || parties > MAX_PARTIES)
        grade_fail("grade_turns_new(%d): 1 to %d parties", parties, MAX_PARTIES);
    t = grade_shared(sizeof *t);
    t->parties = parties;
    atomic_store(&t->turn, 0);
    return t;
}

/* The next active party after p, or -1 when none is. */
static int next_active(int p)
{
    for (int k = 1; k <= turns->parties; k++) {
        int q = (p + k) % turns->parties;

        if (atomic_load(&turns->active[q]))
            return q;
    }
    return -1;
}

/* A party that called grade_turns_block() runs on, outside the turns, until
 * it sleeps in the kernel. Until then the others wait, so that what it
 * finds when it gets there (say, a futex word) does not depend on timing. */
static void wait_for_sleepers(void)
{
    for (int q = 0; q < turns->parties; q++)
        while (atomic_load(&turns->blocking[q])) {
            char st = state_of(turns->pid[q]);

            if (st == 'S' || st == 'D' || st == 'Z' || st == '?')
                break;
            sched_yield();
        }
}

/* Until the turn is mine. A turn held by a party that left is taken. */
static void wait_for_turn(void)
{
    for (;;) {
        int t = atomic_load(&turns->turn);

        if (t == me) {
            wait_for_sleepers();
            return;
        }
        if (t < 0 || !atomic_load(&turns->active[t]))
            atomic_compare_exchange_strong(&turns->turn, &t, me);
        else
            word_wait(&turns->turn, t);
    }
}

void grade_turns_join(struct grade_turns *t, int party)
{
    turns = t;
    me = party;
    t->pid[party] = getpid();
    atomic_store(&t->active[party], 1);
    atomic_fetch_add(&t->joined, 1);
    syscall(SYS_futex, &t->joined, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    for (int n; (n = atomic_load(&t->joined)) < t->parties;)
        word_wait(&t->joined, n);
    wait_for_turn();
}

void grade_step(void)
{
    int next;

    if (turns == NULL || me < 0 || !atomic_load(&turns->active[me]))
        return;
    next = next_active(me);
    if (next >= 0 && next != me)
        word_set(&turns->turn, next);
    wait_for_turn();
}

void grade_turns_leave(void)
{
    int next;

    if (turns == NULL || me < 0)
        return;
    atomic_store(&turns->active[me], 0);
    next = next_active(me);
    if (atomic_load(&turns->turn) == me)
        word_set(&turns->turn, next);
}

void grade_turns_block(void)
{
    if (turns == NULL || me < 0 || !atomic_load(&turns->active[me]))
        return;
    atomic_store(&turns->blocking[me], 1);
    grade_turns_leave();
}

void grade_turns_rejoin(void)
{
    if (turns == NULL || me < 0)
        return;
    atomic_store(&turns->blocking[me], 0);
    atomic_store(&turns->active[me], 1);
    wait_for_turn();
}

int grade_turns_asleep(struct grade_turns *t)
{
    int asleep = 0;

    for (int q = 0; q < t->parties; q++) {
        if (atomic_load(&t->active[q]))
            return 0;
        if (atomic_load(&t->blocking[q])) {
            if (state_of(t->pid[q]) != 'S')
                return 0;
            asleep++;
        }
    }
    return asleep > 0;
}

int grade_turns_me(void)
{
    return turns != NULL ? me : -1;
}

/* --------------------------------------------------------- the runner */

/* Kills the test's group, then every child the grader still has (an
 * escaped or re-parented process), and reaps them, until none is left. */
static void stop_everything(pid_t group)
{
    char path[64];

    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    for (;;) {
        FILE *f = fopen(path, "r");
        char list[4096];
        size_t n = 0;

        kill(-group, SIGKILL);
        if (f != NULL) {
            n = fread(list, 1, sizeof list - 1, f);
            fclose(f);
        }
        list[n] = '\0';
        for (char *p = list, *end; *p != '\0'; p = end) {
            long child = strtol(p, &end, 10);

            if (end == p)
                break;
            if (child > 0)
                kill((pid_t)child, SIGKILL);
        }
        if (waitpid(-1, NULL, 0) == -1 && errno == ECHILD)
            return;
    }
}

/* ------------------------------------ what a test that hung was doing */

/* The system calls a hung process sleeps in most often, by number (from
 * /proc/PID/syscall), with what waiting there usually means. */
struct call {
    long nr;
    const char *name, *why;
};

#define CALL(sys, name, why) { sys, name, why },
static const char WHY_READ[] = ", waiting for bytes that never come (is a write end still "
                               "open somewhere?)";
static const char WHY_WRITE[] = "into a pipe or socket that is full and nobody reads";
static const char WHY_WAIT[] = "for a child that never exits";
static const char WHY_READY[] = ", waiting for descriptors that never become ready";
static const char WHY_SIGNAL[] = ", waiting for a signal that never comes";

static const struct call calls[] = {
    CALL(SYS_read, "read", WHY_READ)
    CALL(SYS_readv, "readv", WHY_READ)
    CALL(SYS_recvfrom, "recvfrom", WHY_READ)
    CALL(SYS_recvmsg, "recvmsg", WHY_READ)
    CALL(SYS_write, "write", WHY_WRITE)
    CALL(SYS_writev, "writev", WHY_WRITE)
    CALL(SYS_sendto, "sendto", WHY_WRITE)
    CALL(SYS_sendmsg, "sendmsg", WHY_WRITE)
    CALL(SYS_wait4, "wait4 (waitpid)", WHY_WAIT)
    CALL(SYS_waitid, "waitid", WHY_WAIT)
    CALL(SYS_futex, "futex", "on a lock, a semaphore or a wake-up that never comes")
    CALL(SYS_ppoll, "ppoll", WHY_READY)
    CALL(SYS_pselect6, "pselect6", WHY_READY)
    CALL(SYS_epoll_pwait, "epoll_pwait", WHY_READY)
#ifdef SYS_poll
    CALL(SYS_poll, "poll", WHY_READY)
#endif
#ifdef SYS_select
    CALL(SYS_select, "select", WHY_READY)
#endif
#ifdef SYS_epoll_wait
    CALL(SYS_epoll_wait, "epoll_wait", WHY_READY)
#endif
#ifdef SYS_pause
    CALL(SYS_pause, "pause", WHY_SIGNAL)
#endif
    CALL(SYS_rt_sigsuspend, "sigsuspend", WHY_SIGNAL)
    CALL(SYS_rt_sigtimedwait, "sigtimedwait", WHY_SIGNAL)
    CALL(SYS_nanosleep, "nanosleep", "(sleep() in a loop that waits for something?)")
    CALL(SYS_clock_nanosleep, "clock_nanosleep", "(sleep() in a loop that waits for "
         "something?)")
    CALL(SYS_semop, "semop", "on a System V semaphore nobody raises")
    CALL(SYS_semtimedop, "semtimedop", "on a System V semaphore nobody raises")
    CALL(SYS_accept, "accept", "for a connection that never comes")
    CALL(SYS_accept4, "accept4", "for a connection that never comes")
    CALL(SYS_flock, "flock", "on a file lock nobody releases")
    CALL(SYS_fcntl, "fcntl", "on a file lock nobody releases")
    CALL(SYS_openat, "openat", "(a FIFO nobody opens from the other end?)")
};

/* One kind of thing the processes of a hung test were doing, and how many. */
struct doing {
    const struct call *call;    /* blocked in it; NULL: the kind below */
    char kind;                  /* 'R' running, 'S' asleep elsewhere, 'Z', 'T' */
    int count;
    double cpu, age;            /* of the busiest running one */
};

/* Reads /proc/PID/stat: state, process group, age in seconds. */
static int stat_of(pid_t pid, char *st, pid_t *pgrp, double *age)
{
    char path[64], line[1024], *close;
    unsigned long long start;
    struct timespec boot;
    FILE *f;
    size_t n;
    int group;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    close = strrchr(line, ')');
    /* state ppid pgrp session tty tpgid flags minflt cminflt majflt
     * cmajflt utime stime cutime cstime priority nice threads itreal start */
    if (close == NULL || sscanf(close + 2, "%c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u "
                                "%*u %*d %*d %*d %*d %*d %*d %llu", st, &group, &start) != 3)
        return -1;
    *pgrp = (pid_t)group;
    clock_gettime(CLOCK_BOOTTIME, &boot);
    *age = (double)boot.tv_sec + (double)boot.tv_nsec / 1e9
           - (double)start / (double)sysconf(_SC_CLK_TCK);
    return 0;
}

/* The call process pid sleeps in, or NULL when not one of the table's. */
static const struct call *call_of(pid_t pid)
{
    char path[64];
    long nr = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return NULL;
    if (fscanf(f, "%ld", &nr) != 1)
        nr = -1;
    fclose(f);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        if (calls[i].nr == nr)
            return &calls[i];
    return NULL;
}

/* Adds process pid to what the processes were doing. */
static void note(struct doing *d, int *n, int max, pid_t pid, char st, double age)
{
    const struct call *call = st == 'S' || st == 'D' ? call_of(pid) : NULL;
    char kind = st == 'D' ? 'S' : st == 't' ? 'T' : st;
    int i = 0;

    while (i < *n && !(d[i].call == call && d[i].kind == kind))
        i++;
    if (i == *n) {
        if (*n == max)
            return;
        memset(&d[i], 0, sizeof d[i]);
        d[i].call = call;
        d[i].kind = kind;
        (*n)++;
    }
    d[i].count++;
    if (kind == 'R') {
        double cpu = grade_cpu_seconds(pid);

        if (cpu > d[i].cpu) {
            d[i].cpu = cpu;
            d[i].age = age;
        }
    }
}

/* One clause: "one process used 9.8 s of CPU in 10 s: a loop that never
 * ends?", "2 processes were blocked in read, waiting for ...". */
static void clause(const struct doing *d, double limit, char *out, size_t size)
{
    char who[32];

    if (d->count == 1)
        snprintf(who, sizeof who, "one process was");
    else
        snprintf(who, sizeof who, "%d processes were", d->count);
    if (d->kind == 'R' && d->count == 1)
        snprintf(out, size, "one process used %.1f s of CPU in %.0f s (a loop that never "
                 "ends?)", d->cpu, d->age < limit ? d->age : limit);
    else if (d->kind == 'R')
        snprintf(out, size, "%d processes were running, the busiest used %.1f s of CPU in "
                 "%.0f s (loops that never end?)", d->count, d->cpu,
                 d->age < limit ? d->age : limit);
    else if (d->call != NULL)
        snprintf(out, size, "%s blocked in %s%s%s", who, d->call->name,
                 d->call->why[0] == ',' ? "" : " ", d->call->why);
    else if (d->kind == 'Z')
        snprintf(out, size, "%s ended but never waited for (zombies: waitpid?)", who);
    else if (d->kind == 'T')
        snprintf(out, size, "%s stopped (SIGSTOP?)", who);
    else
        snprintf(out, size, "%s asleep", who);
}

/* What the processes of test group `group`, out of time after `limit`
 * seconds, were doing: those in the grader's own waits left out. Writes ""
 * when it cannot tell. */
static void describe_processes(pid_t group, double limit, char *out, size_t size)
{
    struct doing d[6];
    int n = 0;
    size_t used = 0;
    DIR *dir = opendir("/proc");
    struct dirent *e;

    out[0] = '\0';
    if (dir == NULL)
        return;
    while ((e = readdir(dir)) != NULL) {
        pid_t pid = (pid_t)atoi(e->d_name), pgrp;
        double age;
        char st;

        if (pid <= 0 || stat_of(pid, &st, &pgrp, &age) == -1 || pgrp != group
            || is_waiting(pid))
            continue;
        note(d, &n, (int)(sizeof d / sizeof d[0]), pid, st, age);
    }
    closedir(dir);
    /* The ones that run first: they are what a student looks at first. */
    for (int i = 0; i < n; i++)
        if (d[i].kind == 'R' && i > 0) {
            struct doing t = d[0];

            d[0] = d[i];
            d[i] = t;
        }
    for (int i = 0; i < n && used + 2 < size; i++) {
        char part[300];

        clause(&d[i], limit, part, sizeof part);
        used += (size_t)snprintf(out + used, size - used, "%s%s", i > 0 ? "; " : "", part);
        if (used >= size)
            break;
    }
}

/* Removes what the test left in /dev/shm under its prefix; returns how many. */
static int remove_leftovers(void)
{
    DIR *dir = opendir("/dev/shm");
    const char *name = shm_prefix + 1;      /* without the '/' */
    size_t len = strlen(name);
    struct dirent *e;
    int removed = 0;

    if (dir == NULL)
        return 0;
    while ((e = readdir(dir)) != NULL) {
        const char *n = strncmp(e->d_name, "sem.", 4) == 0 ? e->d_name + 4 : e->d_name;

        if (strncmp(n, name, len) == 0 && (n[len] == '\0' || n[len] == '-')) {
            char path[512];

            snprintf(path, sizeof path, "/dev/shm/%s", e->d_name);
            if (unlink(path) == 0)
                removed++;
        }
    }
    closedir(dir);
    return removed;
}

/* The last lines the test printed, indented, so a student sees them. */
static void show_output(FILE *out)
{
    char lines[OUTPUT_LINES][200];
    char line[200];
    int n = 0;

    if (out == NULL || fseek(out, 0, SEEK_SET) != 0)
        return;
    while (fgets(line, sizeof line, out) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        memcpy(lines[n % OUTPUT_LINES], line, sizeof line);
        n++;
    }
    if (n > OUTPUT_LINES)
        printf("    | (%d lines before)\n", n - OUTPUT_LINES);
    for (int i = n > OUTPUT_LINES ? n - OUTPUT_LINES : 0; i < n; i++)
        printf("    | %s\n", lines[i % OUTPUT_LINES]);
}

/* The test's own process: its output into OUT, then the test. */
static _Noreturn void run_in_child(const struct grade_test *t, FILE *out,
                                   const sigset_t *before)
{
    setpgid(0, 0);
    sigprocmask(SIG_SETMASK, before, NULL);
    if (out != NULL) {
        dup2(fileno(out), 1);
        dup2(fileno(out), 2);
    }
    pid_t own = getpid();

    if (t->one_cpu)
        grade_pin_one_cpu();
    t->run();
    /* A process the student forked that returned instead of ending ran the
     * rest of the test as a second copy of it: whatever that copy found
     * would only confuse. */
    if (getpid() != own)
        grade_fail("a process forked by your code returned into the grader: end it with "
                   "_exit()");
    fflush(NULL);
    _exit(0);
}

/* "name: OK (N pts)", or "name: FAIL (0/N pts): WHY." with the hint and
 * what the test printed. */
static void report(const struct grade_test *t, const char *why, FILE *out)
{
    if (why[0] == '\0') {
        printf("%s: OK (%d pts)\n", t->name, t->points);
    } else {
        size_t n = strlen(why);
        const char *end = n > 0 && strchr(".?!", why[n - 1]) != NULL ? "" : ".";

        printf("%s: FAIL (0/%d pts): %s%s", t->name, t->points, why, end);
        if (t->hint != NULL)
            printf(" Hint: %s", t->hint);
        printf("\n");
        show_output(out);
    }
}

/* "did not finish in 10 s ...: what its processes were doing". */
static void timed_out(pid_t pid, double limit, int cut, char *why, size_t size)
{
    char doing[600];
    int n;

    describe_processes(pid, limit, doing, sizeof doing);
    n = snprintf(why, size, "did not finish in %.0f s", limit);
    if (cut)
        n += snprintf(why + n, size - (size_t)n, " (its limit was cut: the grading's %.0f s "
                      "were nearly used up by the tests above)", grade_seconds(BUDGET));
    if (doing[0] != '\0')
        snprintf(why + n, size - (size_t)n, " and was stopped with every process it "
                 "started: %s", doing);
    else
        snprintf(why + n, size - (size_t)n, " (stopped with every process it started): a "
                 "deadlock, or a wait for something that never comes?");
}

/* Runs test t for at most `limit` seconds (`cut`: less than its own);
 * returns 1 when it passed. */
static int run_test(const struct grade_test *t, int index, double limit, int cut)
{
    FILE *out = tmpfile();
    sigset_t chld, before;
    char why[MESSAGE_MAX + 64] = "";
    int status, left;
    pid_t pid;

    memset(state, 0, sizeof *state);
    snprintf(shm_prefix, sizeof shm_prefix, "/grade-%d-%d", (int)getpid(), index);
    fflush(stdout);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &before);
    pid = __real_fork();
    if (pid == -1) {
        snprintf(why, sizeof why, "the grader could not fork: %s", strerror(errno));
    } else if (pid == 0) {
        run_in_child(t, out, &before);
    } else {
        setpgid(pid, pid);
        status = wait_until(pid, now() + limit);
        if (status == -1 && !atomic_load(&state->message_done))
            timed_out(pid, limit, cut, why, sizeof why);
        stop_everything(pid);
        if (atomic_load(&state->message_done))
            snprintf(why, sizeof why, "%s", state->message);
        else if (why[0] != '\0')
            ;
        else if (WIFSIGNALED(status))
            snprintf(why, sizeof why, "crashed: %s (signal %d)",
                     strsignal(WTERMSIG(status)), WTERMSIG(status));
        else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
            snprintf(why, sizeof why, "ended with exit status %d", WEXITSTATUS(status));
    }
    sigprocmask(SIG_SETMASK, &before, NULL);
    left = remove_leftovers();
    if (why[0] == '\0' && left > 0)
        snprintf(why, sizeof why, "left %d object%s in /dev/shm (removed now): is every "
                 "shm_open or sem_open matched by an unlink?", left, left == 1 ? "" : "s");
    report(t, why, out);
    if (out != NULL)
        fclose(out);
    fflush(stdout);
    return why[0] == '\0';
}

static void usage(const char *prog, const struct grade_test *tests, size_t count)
{
    printf("Usage: %s [TEST...]\n"
           "Runs the tests named (all of them by default), one line each, then the\n"
           "score; exits 0 only at full marks. GRADE_TIMEOUT_MULTIPLIER=N stretches\n"
           "every time limit N times (a slow machine, valgrind). All the tests\n"
           "together take at most %.0f s: a test that would run past that gets less\n"
           "time. The tests:\n", prog, BUDGET);
    for (size_t i = 0; i < count; i++)
        printf("  %-24s %3d pts, at most %.0f s\n", tests[i].name, tests[i].points,
               tests[i].seconds);
}

static int chosen(int argc, char *argv[], const struct grade_test *t)
{
    int yes = argc == 1;

    for (int a = 1; a < argc; a++)
        yes |= strcmp(argv[a], t->name) == 0;
    return yes;
}

/* How long test i may run when the grading must end at `deadline`: its own
 * limit, unless that would leave the tests after it less than their FLOOR
 * each; 0 when less than a second is left. Sets *cut when it gets less
 * than its own. */
static double limit_of(int argc, char *argv[], const struct grade_test *tests, size_t count,
                       size_t i, double deadline, int *cut)
{
    double own = grade_seconds(tests[i].seconds), left = deadline - now();
    double least = own < grade_seconds(FLOOR) ? own : grade_seconds(FLOOR);
    double reserve = 0, limit;

    for (size_t j = i + 1; j < count; j++)
        if (chosen(argc, argv, &tests[j]))
            reserve += grade_seconds(tests[j].seconds < FLOOR ? tests[j].seconds : FLOOR);
    limit = own < left - reserve ? own : left - reserve;
    if (limit < least)
        limit = least;
    if (limit > left)
        limit = left;
    *cut = limit < own - grade_seconds(1);    /* less than a second: not worth a word */
    return left < grade_seconds(1) ? 0 : limit;
}

int grade_main(int argc, char *argv[], const struct grade_test *tests, size_t count)
{
    int score = 0, total = 0;
    double deadline;
    const char *prog = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];

    for (int a = 1; a < argc; a++) {
        size_t i = 0;

        if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) {
            usage(prog, tests, count);
            return fflush(stdout) == 0 ? 0 : 1;
        }
        while (i < count && strcmp(tests[i].name, argv[a]) != 0)
            i++;
        if (i == count) {
            fprintf(stderr, "%s: no test named '%s'\nTry '%s --help' for the list.\n",
                    prog, argv[a], prog);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGCHLD, SIG_DFL);   /* children can be waited for, whatever was inherited */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    state = mmap(NULL, sizeof *state, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (state == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    deadline = now() + grade_seconds(BUDGET - MARGIN);
    for (size_t i = 0; i < count; i++) {
        double limit;
        int cut;

        if (!chosen(argc, argv, &tests[i]))
            continue;
        total += tests[i].points;
        limit = limit_of(argc, argv, tests, count, i, deadline, &cut);
        if (limit > 0 && run_test(&tests[i], (int)i, limit, cut))
            score += tests[i].points;
        else if (limit <= 0)
            printf("%s: FAIL (0/%d pts): not run: the grading's %.0f s were used up by the "
                   "tests above.\n", tests[i].name, tests[i].points, grade_seconds(BUDGET));
    }
    printf("Score: %d/%d\n", score, total);
    if (fflush(stdout) != 0)
        return 1;
    return score == total ? 0 : 1;
}
