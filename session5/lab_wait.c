/* lab_wait.c - --wait sleep|spin: the tutorial's sender and receiver, the
 * receiver waiting for each message asleep in read() on the socketpair, or
 * spinning on a word in shared memory (spin.c); at the end, the CPU that
 * both processes used. docs/session5.md, "What a round trip costs".
 */
#include "labs.h"

#include "clock.h"
#include "die.h"
#include "output.h"
#include "spin.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Both kinds of Pipe; `spin` says which one this run uses. */
struct channel {
    int spin;
    struct conn send_end, receive_end;          /* --wait sleep */
    struct spin_conn spin_send, spin_receive;   /* --wait spin */
    const struct options *opt;
};

static int is_end(const char *msg, size_t len)
{
    return len == 3 && memcmp(msg, "END", 3) == 0;
}

static int send_msg(struct channel *c, const char *msg)
{
    if (c->spin)
        return spin_send(&c->spin_send, msg, strlen(msg));
    return conn_send(&c->send_end, msg, strlen(msg));
}

/* 1 with a message, 0 at end of file, -1 on error: conn.recv(). */
static int recv_msg(struct channel *c, char **msg, size_t *len)
{
    if (c->spin)
        return spin_recv(&c->spin_receive, msg, len);
    return conn_recv(&c->receive_end, PIPE_MAX_MSG, msg, len);
}

static int sender(void *arg)
{
    struct channel *c = arg;

    if (!c->spin)
        conn_close(&c->receive_end);
    for (size_t i = 0; i < c->opt->count; i++) {
        printf("Sent the message: %s%s\n", c->opt->msgs[i], output_tag());
        if (send_msg(c, c->opt->msgs[i]) == -1)
            die_child("send");
    }
    if (c->spin)
        spin_close(&c->spin_send);      /* "no more messages": end of file */
    else
        conn_close(&c->send_end);
    return 0;
}

/* The tutorial's receiver; after END it reads and drops the rest until the
 * sender closes, as session5.c's does. */
static int receiver(void *arg)
{
    struct channel *c = arg;
    int r, ended = 0;
    char *msg;
    size_t len;

    if (!c->spin)
        conn_close(&c->send_end);
    while ((r = recv_msg(c, &msg, &len)) == 1) {
        if (!ended && is_end(msg, len))
            ended = 1;
        else if (!ended)
            printf("Received the message: %s%s\n", msg, output_tag());
        free(msg);
    }
    if (r == -1)
        die_child("recv");
    if (!ended)
        printf("Sender closed the pipe.%s\n", output_tag());
    return 0;
}

/* CPU seconds of the children waited for so far. */
static double children_cpu(void)
{
    struct rusage u;

    if (getrusage(RUSAGE_CHILDREN, &u) == -1)
        die("getrusage");
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
           + (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/* Joins both in the order they end: a spinning process never notices that
 * its peer died, so the first failure must stop the other one. */
static void join_both(pid_t p1, pid_t p2)
{
    for (int left = 2; left > 0; left--) {
        int status;
        pid_t pid = proc_join_any(&status);

        if (pid == -1)
            die("waitpid");
        if (!proc_succeeded(status))
            fail_child(pid == p1 ? "p1 (sender)" : "p2 (receiver)", status);
    }
    (void)p2;
}

int lab_wait(const struct options *opt)
{
    struct channel c = { .spin = opt->wait == WAIT_SPIN, .opt = opt };
    struct spin_pipe *shared = NULL;
    double wall, cpu;
    pid_t p1, p2;

    if (c.spin) {
        if ((shared = spin_pipe_new(&c.spin_send, &c.spin_receive)) == NULL)
            die("mmap");
    } else if (pipe_new(1, &c.receive_end, &c.send_end) == -1) {
        die("socketpair");
    }
    wall = monotonic_seconds();
    cpu = children_cpu();
    if ((p1 = proc_start(sender, &c)) == -1)
        die("fork");
    if ((p2 = proc_start(receiver, &c)) == -1) {
        proc_terminate_all(SIGTERM);
        die("fork");
    }
    if (!c.spin) {
        conn_close(&c.send_end);
        conn_close(&c.receive_end);
    }
    join_both(p1, p2);
    wall = monotonic_seconds() - wall;
    cpu = children_cpu() - cpu;
    if (shared != NULL && spin_pipe_free(shared) == -1)
        die("munmap");
    printf("CPU: sender and receiver used %.2f ms of CPU in %.2f ms (--wait %s): "
           "%.2f CPUs busy\n", cpu * 1e3, wall * 1e3, c.spin ? "spin" : "sleep", cpu / wall);
    return 0;
}
