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
 * root, whom RLIMIT_NPROC does not stop.
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

/* What every process of the running test shares with the grader. */
struct state {
    atomic_int failed;          /* 1 once a message is being written */
    atomic_int message_done;    /* 1 once it is complete */
    char message[MESSAGE_MAX];
    atomic_long forks;
};

static struct state *state;     /* NULL outside grade_main */
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
    kill(0, SIGKILL);           /* the test's whole process group, this one too */
    _exit(1);
}

/* --------------------------------------------------------------- fork */

pid_t __real_fork(void);
pid_t __wrap_fork(void);

/* The student's fork(): counted, and refused past the limit. */
pid_t __wrap_fork(void)
{
    if (state != NULL && atomic_fetch_add(&state->forks, 1) >= GRADE_MAX_FORKS) {
        record_f("forked more than %d processes (a fork() in a loop that never ends?)",
                 GRADE_MAX_FORKS);
        errno = EAGAIN;
        return -1;
    }
    return __real_fork();
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
    return wait_until(pid, now() + grade_seconds(seconds));
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

int grade_wait_asleep(pid_t pid, double seconds)
{
    double until = now() + grade_seconds(seconds);

    for (;;) {
        char state = state_of(pid);

        if (state == '?' || state == 'Z' || state == 'X')
            return -1;
        if (state == 'S')
            return 1;
        if (now() >= until)
            return 0;
        pause_briefly();
    }
}

int grade_wait_until(atomic_int *counter, int value, double seconds)
{
    double until = now() + grade_seconds(seconds);

    while (atomic_load(counter) < value) {
        if (now() >= until)
            return 0;
        pause_briefly();
    }
    return 1;
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
    syscall(SYS_futex, word, FUTEX_WAIT, seen, NULL, NULL, 0);
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

/* Runs one test; returns 1 when it passed. */
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
    if (t->one_cpu)
        grade_pin_one_cpu();
    t->run();
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

static int run_test(const struct grade_test *t, int index)
{
    FILE *out = tmpfile();
    sigset_t chld, before;
    char why[MESSAGE_MAX + 64] = "";
    double limit = grade_seconds(t->seconds);
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
            snprintf(why, sizeof why, "did not finish in %.0f s (stopped with every process "
                     "it started): a deadlock, or a wait for something that never comes?",
                     limit);
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
           "every time limit N times (a slow machine, valgrind). The tests:\n", prog);
    for (size_t i = 0; i < count; i++)
        printf("  %-24s %3d pts, at most %.0f s\n", tests[i].name, tests[i].points,
               tests[i].seconds);
}

int grade_main(int argc, char *argv[], const struct grade_test *tests, size_t count)
{
    int score = 0, total = 0;
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
    for (size_t i = 0; i < count; i++) {
        int chosen = argc == 1;

        for (int a = 1; a < argc; a++)
            chosen |= strcmp(argv[a], tests[i].name) == 0;
        if (!chosen)
            continue;
        total += tests[i].points;
        if (run_test(&tests[i], (int)i))
            score += tests[i].points;
    }
    printf("Score: %d/%d\n", score, total);
    if (fflush(stdout) != 0)
        return 1;
    return score == total ? 0 : 1;
}
