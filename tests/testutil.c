/* testutil.c - see testutil.h. */
#define _GNU_SOURCE             /* prctl(PR_SET_CHILD_SUBREAPER), pipe2 */
#include "testutil.h"

#include "clock.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t want = (*cap == 0 ? 4096 : *cap);

        while (*len + n + 1 > want)
            want *= 2;
        *buf = realloc(*buf, want);
        if (*buf == NULL)
            abort();
        *cap = want;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[*len] = '\0';
}

int under_a_memory_checker(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 1;
#endif
#endif
    {
        /* valgrind runs its client with its own libraries preloaded. */
        const char *preload = getenv("LD_PRELOAD");

        return preload != NULL && strstr(preload, "vgpreload") != NULL;
    }
}

double test_seconds(double seconds)
{
    const char *text = getenv("CK_TIMEOUT_MULTIPLIER");
    double factor = text != NULL ? strtod(text, NULL) : 1.0;

    return seconds * (factor >= 1.0 ? factor : 1.0);
}

int spawn_start(struct spawned *s, char *const argv[])
{
    return spawn_start_with(s, argv, STDOUT_CAPTURED, 0);
}

/* The spawned program's side of spawn_start_with: its descriptors, then exec. */
static _Noreturn void run_child(char *const argv[], pid_t tester, int out, int err,
                                enum stdout_to to, int close_stdin)
{
    int null = open("/dev/null", O_RDONLY);

    /* If the test process dies (a failed assertion ends a forked Check
     * test at once, before any cleanup), the program dies with it
     * instead of serving on as an orphan. Checked after the prctl, in
     * case the test died before it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != tester)
        _exit(127);
    setpgid(0, 0);
    dup2(null, STDIN_FILENO);
    if (to == STDOUT_DEV_FULL) {
        int full = open("/dev/full", O_WRONLY);

        dup2(full, STDOUT_FILENO);
    } else if (to != STDOUT_CLOSED) {
        dup2(out, STDOUT_FILENO);
    }
    dup2(err, STDERR_FILENO);
    if (to == STDOUT_CLOSED)
        close(STDOUT_FILENO);
    if (close_stdin)
        close(STDIN_FILENO);
    /* Every descriptor but 0-2 is close-on-exec (null and full may stay
     * open above 2: harmless, the program never learns their numbers). */
    execv(argv[0], argv);
    fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int spawn_start_with(struct spawned *s, char *const argv[], enum stdout_to to,
                     int close_stdin)
{
    int out[2], err[2];
    pid_t tester;

    memset(s, 0, sizeof *s);
    if (argv[0] == NULL) {
        errno = EINVAL;
        return -1;
    }
    append(&s->out, &s->out_len, &s->out_cap, "", 0);
    append(&s->err, &s->err_len, &s->err_cap, "", 0);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (pipe2(out, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1)
        goto fail;
    if (to == STDOUT_READER_GONE) {
        close(out[0]);  /* before fork: no process ever holds a read end */
        out[0] = -1;
    }
    tester = getpid();
    s->pid = fork();
    if (s->pid == -1)
        goto fail;
    if (s->pid == 0)
        run_child(argv, tester, out[1], err[1], to, close_stdin);
    setpgid(s->pid, s->pid);    /* also here: whichever runs first wins */
    close(out[1]);
    close(err[1]);
    if (to != STDOUT_CAPTURED && out[0] != -1) {
        close(out[0]);  /* nothing to read: stdout went elsewhere */
        out[0] = -1;
    }
    s->out_fd = out[0];
    s->err_fd = err[0];
    return 0;

fail:                   /* the pipes are not closed: the test fails anyway */
    free(s->out);
    free(s->err);
    s->out = s->err = NULL;
    return -1;
}

/* Reads whatever is available within the time left; returns 0 when both
 * pipes are closed, 1 when there may be more, -1 on timeout. */
static int pump(struct spawned *s, double deadline)
{
    struct pollfd fds[2] = {
        { .fd = s->out_fd, .events = POLLIN },
        { .fd = s->err_fd, .events = POLLIN },
    };
    double left = deadline - monotonic_seconds();
    char buf[65536];
    int ready;

    if (s->out_fd == -1 && s->err_fd == -1)
        return 0;
    if (left <= 0)
        return -1;
    ready = poll(fds, 2, (int)(left * 1000) + 1);
    if (ready == -1)
        return errno == EINTR ? 1 : -1;
    if (ready == 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        int *fd = i == 0 ? &s->out_fd : &s->err_fd;
        ssize_t n;

        if (*fd == -1 || fds[i].revents == 0)
            continue;
        n = read(*fd, buf, sizeof buf);
        if (n > 0) {
            if (i == 0)
                append(&s->out, &s->out_len, &s->out_cap, buf, (size_t)n);
            else
                append(&s->err, &s->err_len, &s->err_cap, buf, (size_t)n);
        } else if (n == 0 || errno != EINTR) {
            close(*fd);
            *fd = -1;
        }
    }
    return 1;
}

int spawn_wait_for(struct spawned *s, const char *text, double timeout)
{
    double deadline = monotonic_seconds() + timeout;

    while (strstr(s->out, text) == NULL)
        if (pump(s, deadline) <= 0)
            return strstr(s->out, text) != NULL ? 0 : -1;
    return 0;
}

void spawn_finish(struct spawned *s, double timeout, struct run *r)
{
    double deadline = monotonic_seconds() + timeout;
    int state;
    pid_t stray;

    memset(r, 0, sizeof *r);
    while ((state = pump(s, deadline)) == 1)
        continue;
    if (state == -1) {
        r->timed_out = 1;
        kill(-s->pid, SIGKILL);
    }
    while (waitpid(s->pid, &r->status, 0) == -1 && errno == EINTR)
        continue;
    if (s->out_fd != -1)
        close(s->out_fd);
    if (s->err_fd != -1)
        close(s->err_fd);

    /* Whatever is left of the program's process group was not cleaned up by
     * it: a process still running, or a zombie re-parented to us. */
    if (kill(-s->pid, 0) == 0)
        kill(-s->pid, SIGKILL);
    while ((stray = waitpid(-s->pid, NULL, 0)) > 0 || (stray == -1 && errno == EINTR))
        if (stray > 0)
            r->strays++;
    r->out = s->out;
    r->err = s->err;
    r->out_len = s->out_len;
    r->err_len = s->err_len;
}

void run_argv(struct run *r, char *const argv[])
{
    struct spawned s;

    if (spawn_start(&s, argv) == -1) {
        memset(r, 0, sizeof *r);
        r->status = -1;
        return;
    }
    spawn_finish(&s, RUN_TIMEOUT, r);
}

int split_cmdline(const char *cmdline, char **words, int max, char **storage)
{
    char *p = strdup(cmdline);
    int n = 0;

    if (p == NULL)
        abort();
    *storage = p;
    while (*p != '\0' && n < max - 1) {
        char *w;

        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (*p == '\'') {
            w = ++p;
            while (*p != '\0' && *p != '\'')
                p++;
        } else {
            w = p;
            while (*p != '\0' && *p != ' ')
                p++;
        }
        if (*p != '\0')
            *p++ = '\0';
        words[n++] = w;
    }
    words[n] = NULL;
    return n;
}

int each_file(const char *dir, int (*fn)(const char *path, void *arg), void *arg)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int count = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char path[512];

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        count += fn(path, arg) == 1;
    }
    closedir(d);
    return count;
}

char **argv_with_list(const char *cmdline, const char *item, int count)
{
    char *head[16], *storage, *copy;
    int n = split_cmdline(cmdline, head, 16, &storage);
    size_t len = strlen(cmdline) + 1;
    char **argv = malloc((size_t)(n + count + 1) * sizeof *argv + len);

    if (argv == NULL)
        abort();
    copy = (char *)(argv + n + count + 1);
    memcpy(copy, storage, len);
    for (int i = 0; i < n; i++)
        argv[i] = copy + (head[i] - storage);
    for (int i = 0; i < count; i++)
        argv[n + i] = (char *)item;
    argv[n + count] = NULL;
    free(storage);
    return argv;
}

/* run_cmd's common part: split, start, finish within `seconds`. */
static void run_cmd_full(struct run *r, const char *cmdline, enum stdout_to to,
                         double seconds)
{
    char *words[64], *storage;
    struct spawned s;

    split_cmdline(cmdline, words, 64, &storage);
    if (spawn_start_with(&s, words, to, 0) == -1) {
        memset(r, 0, sizeof *r);
        r->status = -1;
    } else {
        spawn_finish(&s, seconds, r);
    }
    free(storage);
}

void run_cmd(struct run *r, const char *cmdline)
{
    run_cmd_full(r, cmdline, STDOUT_CAPTURED, RUN_TIMEOUT);
}

void run_cmd_timeout(struct run *r, const char *cmdline, double seconds)
{
    run_cmd_full(r, cmdline, STDOUT_CAPTURED, test_seconds(seconds));
}

void run_cmd_stdout(struct run *r, const char *cmdline, enum stdout_to to)
{
    run_cmd_full(r, cmdline, to, RUN_TIMEOUT);
}

int run_exit_code(const struct run *r)
{
    return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
}

int count_lines(const char *text)
{
    int n = 0;

    for (const char *p = text; *p != '\0'; p++)
        if (*p == '\n' || p[1] == '\0')
            n++;
    return n;
}

void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

int children_of(pid_t pid, pid_t *out, int max)
{
    char path[64];
    long child;
    int n = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)pid, (long)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fscanf(f, "%ld", &child) == 1) {
        if (out != NULL && n < max)
            out[n] = (pid_t)child;
        n++;
    }
    fclose(f);
    return n;
}

int wait_for_children(pid_t pid, int want, double timeout)
{
    struct timespec pause = { 0, 1000L * 1000 };

    for (long waited = 0; waited < (long)(timeout * 1000); waited++) {
        int n = children_of(pid, NULL, 0);

        if (n == -1)
            return -1;          /* the program is gone */
        if (n >= want)
            return 0;
        nanosleep(&pause, NULL);
    }
    return -1;
}

int descendants_of(pid_t pid, pid_t *out, int max)
{
    int n = children_of(pid, out, max);

    if (n < 0)
        return 0;
    if (n > max)
        n = max;
    for (int i = 0; i < n && n < max; i++)   /* the list grows as it is walked */
        n += descendants_of(out[i], out + n, max - n);
    return n;
}

int proc_status(pid_t pid, const char *field, char *value, size_t size)
{
    char path[64], line[256];
    size_t n = strlen(field);
    int rc = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, field, n) == 0) {
            snprintf(value, size, "%s", line + n);
            rc = 0;
        }
    fclose(f);
    return rc;
}

char process_state(pid_t pid)
{
    char path[64], text[512], *paren;
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    if ((f = fopen(path, "r")) == NULL)
        return '?';
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    paren = strrchr(text, ')');     /* the name in (...) may hold spaces */
    if (paren == NULL || paren[1] != ' ')
        return '?';
    return paren[2];
}

/* The 1 ms pauses below are polling intervals: the condition is checked
 * each time. */
int wait_until_stopped(pid_t pid, double timeout)
{
    struct timespec pause = { 0, 1000L * 1000 };
    double deadline = monotonic_seconds() + test_seconds(timeout);

    for (;;) {
        char state = process_state(pid);

        if (state == 'T')
            return 0;
        if (state == '?' || state == 'Z' || monotonic_seconds() > deadline)
            return -1;
        nanosleep(&pause, NULL);
    }
}

int wait_until_dead(const pid_t *pids, int n, double timeout)
{
    struct timespec pause = { 0, 1000L * 1000 };
    double deadline = monotonic_seconds() + test_seconds(timeout);

    for (;;) {
        int alive = 0;

        for (int i = 0; i < n; i++) {
            char state = process_state(pids[i]);

            alive += state != '?' && state != 'Z';
        }
        if (alive == 0 || monotonic_seconds() > deadline)
            return alive;
        nanosleep(&pause, NULL);
    }
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash == NULL ? path : slash + 1;
}

void assert_help(const char *program, const char *const mentions[])
{
    char cmd[512], usage[128];
    struct run r;

    snprintf(cmd, sizeof cmd, "%s --help", program);
    snprintf(usage, sizeof usage, "Usage: %s", base_name(program));
    run_cmd(&r, cmd);
    ck_assert_msg(run_exit_code(&r) == 0, "%s: exit %d", cmd, run_exit_code(&r));
    ck_assert_msg(strncmp(r.out, usage, strlen(usage)) == 0,
                  "%s: stdout starts '%.40s'", cmd, r.out);
    for (size_t i = 0; mentions != NULL && mentions[i] != NULL; i++)
        ck_assert_msg(strstr(r.out, mentions[i]) != NULL,
                      "%s: usage does not mention '%s'", cmd, mentions[i]);
    ck_assert_msg(r.err_len == 0, "%s: stderr '%s'", cmd, r.err);
    run_free(&r);
}

void assert_bad_usage(const char *cmdline, const char *message)
{
    char name[128], try_line[256];
    struct run r;
    size_t n = strcspn(cmdline, " ");

    snprintf(name, sizeof name, "%.*s", (int)n, cmdline);
    snprintf(try_line, sizeof try_line, "\nTry '%s --help' for more information.\n",
             base_name(name));
    run_cmd(&r, cmdline);
    ck_assert_msg(run_exit_code(&r) == 2, "%s: exit %d, stderr '%s'", cmdline,
                  run_exit_code(&r), r.err);
    ck_assert_msg(r.out_len == 0, "%s: stdout '%s'", cmdline, r.out);
    ck_assert_msg(strncmp(r.err, message, strlen(message)) == 0,
                  "%s: stderr '%s', expected it to start with '%s'", cmdline, r.err, message);
    ck_assert_msg(count_lines(r.err) == 2, "%s: stderr '%s'", cmdline, r.err);
    ck_assert_msg(strstr(r.err, try_line) != NULL, "%s: no Try line in '%s'", cmdline, r.err);
    ck_assert_msg(r.strays == 0, "%s: %d processes left", cmdline, r.strays);
    run_free(&r);
}

void assert_exits_0(pid_t pid)
{
    int status;

    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "child %ld: wait status 0x%x, not exit 0", (long)pid, status);
}

/* The checks of a run that must have ended by itself: in time, with
 * exit_code, leaving no process behind. A failure starts with what. */
static void check_ended(const struct run *r, const char *what, int exit_code)
{
    ck_assert_msg(r->out != NULL && r->err != NULL, "%s: could not be started", what);
    ck_assert_msg(!r->timed_out, "%s: still running after its deadline: killed", what);
    ck_assert_msg(run_exit_code(r) == exit_code, "%s: exit %d, expected %d; stderr '%s'",
                  what, run_exit_code(r), exit_code, r->err);
    ck_assert_msg(r->strays == 0, "%s: %d processes left", what, r->strays);
}

void finish_checked(struct spawned *s, double timeout, struct run *r, int exit_code)
{
    spawn_finish(s, timeout, r);
    check_ended(r, "the program", exit_code);
}

void assert_finishes(struct spawned *s, double timeout, int exit_code)
{
    struct run r;

    finish_checked(s, timeout, &r, exit_code);
    run_free(&r);
}

pid_t assert_sigint_as_the_child_starts(char *const argv[])
{
    struct spawned s;

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    ck_assert_int_eq(wait_for_children(s.pid, 1, RUN_TIMEOUT), 0);
    ck_assert_int_eq(kill(s.pid, SIGINT), 0);
    assert_finishes(&s, RUN_TIMEOUT, 130);
    return s.pid;
}

void spawn_kill(struct spawned *s)
{
    kill(-s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    close(s->out_fd);
    close(s->err_fd);
    free(s->out);
    free(s->err);
    s->pid = 0;
}

void run_checked(struct run *r, const char *cmdline, int exit_code)
{
    run_cmd(r, cmdline);
    check_ended(r, cmdline, exit_code);
}

void run_checked_timeout(struct run *r, const char *cmdline, double seconds, int exit_code)
{
    run_cmd_timeout(r, cmdline, seconds);
    check_ended(r, cmdline, exit_code);
}

void assert_run(const char *cmdline, int exit_code, const char *out, const char *err)
{
    struct run r;

    run_checked(&r, cmdline, exit_code);
    ck_assert_msg(out == NULL || strcmp(r.out, out) == 0,
                  "%s: stdout\n%s\nexpected\n%s", cmdline, r.out, out);
    ck_assert_msg(err == NULL || strcmp(r.err, err) == 0,
                  "%s: stderr\n%s\nexpected\n%s", cmdline, r.err, err);
    run_free(&r);
}

void assert_prints_all(const char *cmdline, int exit_code, const char *const texts[])
{
    struct run r;

    run_checked(&r, cmdline, exit_code);
    for (size_t i = 0; texts[i] != NULL; i++)
        ck_assert_msg(strstr(r.out, texts[i]) != NULL, "%s: stdout\n%s\nhas no '%s'", cmdline,
                      r.out, texts[i]);
    run_free(&r);
}

/* 1 when there is no python3 to run twin with, said in one line. */
static int no_python_for(const char *twin)
{
    if (python3_path() != NULL)
        return 0;
    printf("%s: no python3 on PATH, the twin was not run\n", twin);
    return 1;
}

int run_twin(struct run *r, const char *twin)
{
    if (no_python_for(twin))
        return 0;
    run_python(r, twin);
    check_ended(r, twin, 0);
    ck_assert_msg(r->err_len == 0, "python3 %s: stderr '%s'", twin, r->err);
    return 1;
}

void assert_same_as_twin(const char *twin, const char *program)
{
    struct run py, c;

    if (no_python_for(twin))
        return;
    run_python(&py, twin);
    run_cmd(&c, program);
    ck_assert_msg(py.out != NULL && c.out != NULL, "%s or its twin could not be started",
                  program);
    ck_assert_msg(run_exit_code(&py) == 0, "python3 %s: exit %d; stderr '%s'", twin,
                  run_exit_code(&py), py.err);
    ck_assert_msg(py.err_len == 0, "python3 %s: stderr '%s'", twin, py.err);
    ck_assert_msg(strcmp(py.out, c.out) == 0, "python3 %s printed\n%s\nbut %s printed\n%s",
                  twin, py.out, program, c.out);
    ck_assert_msg(py.strays == 0 && c.strays == 0, "%s or its twin left a process behind",
                  program);
    run_free(&py);
    run_free(&c);
}

TCase *add_case_tests(Suite *s, const char *name, double seconds, const TTest *const tests[])
{
    TCase *tc = tcase_create(name);

    if (seconds > 0)
        tcase_set_timeout(tc, seconds);
    for (size_t i = 0; tests[i] != NULL; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
    return tc;
}

int find_on_path(const char *tool, char *found, size_t size)
{
    const char *path = getenv("PATH");

    while (path != NULL && *path != '\0') {
        size_t n = strcspn(path, ":");

        snprintf(found, size, "%.*s/%s", (int)n, path, tool);
        if (n > 0 && access(found, X_OK) == 0)
            return 0;
        path += n + (path[n] == ':');
    }
    found[0] = '\0';
    return -1;
}

int tool_on_path(const char *tool)
{
    char candidate[4096];

    return find_on_path(tool, candidate, sizeof candidate) == 0;
}

const char *python3_path(void)
{
    static char found[4096];
    static int looked;

    if (!looked) {
        looked = 1;
        find_on_path("python3", found, sizeof found);
    }
    return found[0] != '\0' ? found : NULL;
}

void run_python(struct run *r, const char *cmdline)
{
    char full[8192];
    const char *py = python3_path();

    snprintf(full, sizeof full, "%s %s", py != NULL ? py : "/nonexistent/python3", cmdline);
    run_cmd(r, full);
}

void assert_lesson_fits(const char *lesson)
{
    FILE *f = fopen(lesson, "r");
    char text[512];
    int line = 0;

    ck_assert_msg(f != NULL, "cannot open %s", lesson);
    while (fgets(text, sizeof text, f) != NULL)
        line += strchr(text, '\n') != NULL;
    fclose(f);
    ck_assert_msg(line <= 150, "%s has %d lines, more than a lesson's 150", lesson, line);
}

int worker_lines(const char *out, long pids[], int max)
{
    int lines = 0;

    for (const char *p = out; p != NULL && *p != '\0'; ) {
        long n, pid;

        if (sscanf(p, "Worker process id for %ld: %ld", &n, &pid) == 2) {
            lines++;
            if (n >= 1 && n <= max)
                pids[n] = pid;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    return lines;
}
