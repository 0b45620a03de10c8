/* manager.c - the local story's helpers; see manager.h.
 * The loop itself is server.c; this file only hands it the socket pairs.
 */
#include "manager.h"

#include "die.h"
#include "server.h"
#include "store.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pid_t main_pid;          /* set by the first start, before any fork */
static int verbose;

int manager_process(void *arg)
{
    struct manager_task *t = arg;
    struct store *s = store_new();
    int ends[MAX_PAIRS];
    struct server_config cfg = {
        .listen_fd = -1, .client_fds = ends, .nclients = (size_t)t->count,
        .key = t->key, .keylen = t->keylen, .log_fd = STDERR_FILENO,
    };

    for (int i = 0; i < t->count; i++) {
        close(t->pairs[i][1]);          /* those belong to the clients */
        ends[i] = t->pairs[i][0];
    }
    if (s == NULL)
        die_child("malloc");
    if (server_run(s, &cfg) == -1)
        die_child("manager poll");
    store_free(s);
    return 0;
}

pid_t start(proc_fn fn, void *arg)
{
    pid_t pid;

    if (main_pid == 0)
        main_pid = getpid();
    pid = proc_start(fn, arg);
    if (pid == -1) {
        int saved = errno;

        proc_terminate_all(SIGTERM);
        errno = saved;
        die("fork");
    }
    return pid;
}

void check(int rc, const char *op, const struct manager *m)
{
    int in_child = main_pid != 0 && getpid() != main_pid, saved = errno;

    if (rc == 0)
        return;
    if (rc == PROXY_REFUSED)
        fprintf(stderr, "%s: %s: the manager replied: %s\n", program_name(), op, m->error);
    else if (rc == PROXY_NO_ADDRESS)
        fprintf(stderr, "%s: %s: cannot look up the host: %s\n", program_name(), op, m->error);
    else if (saved == EACCES)
        fprintf(stderr, "%s: authentication failed\n", program_name());
    else if (m->timeout_s > 0 && (saved == EAGAIN || saved == EWOULDBLOCK
                                  || saved == EINPROGRESS))
        fprintf(stderr, "%s: %s: no answer from the manager within %d s\n", program_name(),
                op, m->timeout_s);
    else if (saved == ECONNRESET || saved == EPIPE)
        fprintf(stderr, "%s: %s: the manager closed the connection\n", program_name(), op);
    else if (saved == EPROTO)
        fprintf(stderr, "%s: %s: the peer does not speak the manager's protocol "
                "(is it a session3 --serve?)\n", program_name(), op);
    else
        fprintf(stderr, "%s: %s: %s\n", program_name(), op, strerror(saved));
    if (in_child)
        _exit(1);
    proc_terminate_all(SIGTERM);
    exit(1);
}

void set_verbose(int on)
{
    verbose = on;
}

void print(const char *who, const char *fmt, ...)
{
    char text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!verbose) {
        fputs(text, stdout);
        return;
    }
    for (char *line = text, *nl; *line != '\0'; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl == NULL)
            nl = line + strlen(line) - 1;
        if (nl != line)
            printf("[%s pid %ld, parent %ld] ", who, (long)getpid(), (long)getppid());
        fwrite(line, 1, (size_t)(nl - line + 1), stdout);
    }
}
