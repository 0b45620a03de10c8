/* lab_both_send.c - --both-send N: each end of a duplex Pipe sends N bytes
 * before it reads anything. While N fits in what the kernel buffers, both
 * send()s return and both then read; past it both block in send() for ever,
 * each waiting for the other to read. The parent watches the bytes queued
 * in the two sockets: none moving for a second while both processes sleep
 * is that deadlock, reported with the buffer sizes. docs/session5.md, "Two
 * senders, no reader".
 */
#include "labs.h"

#include "clock.h"
#include "die.h"
#include "output.h"
#include "proc.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STALL_SECONDS 1.0       /* no byte moved for this long: a deadlock */
#define BLIND_SECONDS 30.0      /* unable to look, give up after this long */

struct both {
    struct conn end[2];         /* p1 uses end[0], p2 end[1] */
    size_t n;
    int who;                    /* 0 for p1, 1 for p2: set before each start */
};

static int send_then_read(void *arg)
{
    struct both *b = arg;
    struct conn *mine = &b->end[b->who];
    char *buf = calloc(b->n > 0 ? b->n : 1, 1), *got;
    size_t len;
    int r;

    conn_close(&b->end[1 - b->who]);
    if (buf == NULL)
        die_child("malloc");
    printf("p%d sends %zu bytes before it reads%s\n", b->who + 1, b->n, output_tag());
    if (conn_send(mine, buf, b->n) == -1)       /* conn.send(data) */
        die_child("send");
    if ((r = conn_recv(mine, b->n, &got, &len)) == -1)  /* conn.recv() */
        die_child("recv");
    if (r == 0)
        fail("p%d: the other end closed before it sent", b->who + 1);
    printf("p%d received %zu bytes%s\n", b->who + 1, len, output_tag());
    free(got);
    free(buf);
    return 0;
}

/* Bytes sent to this end and not read yet. */
static long queued(const struct conn *c)
{
    int n;

    return ioctl(c->rfd, FIONREAD, &n) == -1 ? -1 : n;
}

/* 1 when the process sleeps in the kernel (state 'S' in /proc/PID/stat):
 * a process blocked in send() does; one that is only waiting for a CPU
 * does not, so a busy machine is not mistaken for a deadlock. -1 when the
 * file cannot be read (no /proc, no descriptor left): then the detector
 * must not conclude anything from it. */
static int sleeping(pid_t pid)
{
    char path[64], text[512], *paren;
    int fd;
    ssize_t n;

    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    if ((fd = open(path, O_RDONLY)) == -1)
        return -1;
    n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    paren = strrchr(text, ')');         /* the name in (...) may hold spaces */
    return paren != NULL && paren[1] == ' ' && paren[2] == 'S';
}

/* The CPU time the process has used, in nanoseconds, from its CPU-time
 * clock (clock_getcpuclockid): no file needed. -1 when it cannot be read. */
static long long cpu_ns(pid_t pid)
{
    clockid_t clock;
    struct timespec t;

    if (clock_getcpuclockid(pid, &clock) != 0 || clock_gettime(clock, &t) == -1)
        return -1;
    return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Both processes are blocked: asleep in the kernel, when /proc says so.
 * When /proc cannot be read, the CPU time each has used stands in: the
 * caller counts it as movement, so after STALL_SECONDS without any, neither
 * process ran (one that waits only for a CPU gets one well within that on
 * any machine that is not frozen). */
static int both_blocked(const pid_t pid[2], const long long cpu[2])
{
    int blocked = 0;

    for (int i = 0; i < 2; i++) {
        int s = sleeping(pid[i]);

        blocked += s == -1 ? cpu[i] != -1 : s;
    }
    return blocked == 2;
}

static int buffer_size(int fd, int which)
{
    int size = 0;
    socklen_t len = sizeof size;

    return getsockopt(fd, SOL_SOCKET, which, &size, &len) == -1 ? -1 : size;
}

_Noreturn static void report_deadlock(struct both *b)
{
    long q0 = queued(&b->end[0]), q1 = queued(&b->end[1]);
    int snd = buffer_size(b->end[0].wfd, SO_SNDBUF);
    int rcv = buffer_size(b->end[0].rfd, SO_RCVBUF);

    proc_terminate_all(SIGTERM);
    conn_close(&b->end[0]);
    conn_close(&b->end[1]);
    fail("deadlock: p1 and p2 are both blocked in send() of %zu bytes and neither "
         "reads until its own send returns; the sockets took only %ld and %ld bytes "
         "(SO_SNDBUF %d, SO_RCVBUF %d), and nothing moved for %.0f s",
         b->n, q1, q0, snd, rcv, STALL_SECONDS);
}

int lab_both_send(const struct options *opt)
{
    struct both b = { .n = (size_t)opt->both_send };
    struct timespec moved, tick = { 0, 10L * 1000 * 1000 };
    pid_t pid[2];
    int done[2] = { 0, 0 }, status;
    long last = -1;
    long long cpu[2] = { -1, -1 };

    if (pipe_new(1, &b.end[0], &b.end[1]) == -1)
        die("socketpair");
    for (b.who = 0; b.who < 2; b.who++)
        if ((pid[b.who] = proc_start(send_then_read, &b)) == -1) {
            proc_terminate_all(SIGTERM);
            die("fork");
        }
    /* The parent keeps its copies of both ends, only to look at them. */
    clock_gettime(CLOCK_MONOTONIC, &moved);
    while (!done[0] || !done[1]) {
        long now = queued(&b.end[0]) + queued(&b.end[1]);
        long long cpu_now[2] = { cpu_ns(pid[0]), cpu_ns(pid[1]) };

        for (int i = 0; i < 2; i++) {
            int r = done[i] ? 0 : proc_try_join(pid[i], &status);

            if (r == -1)
                die("waitpid");
            if (r == 1 && !proc_succeeded(status))
                fail_child(i == 0 ? "p1" : "p2", status);
            done[i] |= r;
        }
        if (now != last || cpu_now[0] != cpu[0] || cpu_now[1] != cpu[1]) {
            last = now;
            cpu[0] = cpu_now[0];
            cpu[1] = cpu_now[1];
            clock_gettime(CLOCK_MONOTONIC, &moved);
        } else if (!done[0] && !done[1] && seconds_since(&moved) >= STALL_SECONDS
                   && both_blocked(pid, cpu)) {
            report_deadlock(&b);
        } else if (!done[0] && !done[1] && seconds_since(&moved) >= BLIND_SECONDS) {
            proc_terminate_all(SIGTERM);
            fail("nothing moved for %.0f s and neither /proc nor the processes' CPU clocks "
                 "can be read to tell whether p1 and p2 are blocked: stopped them", BLIND_SECONDS);
        }
        nanosleep(&tick, NULL);
    }
    conn_close(&b.end[0]);
    conn_close(&b.end[1]);
    return 0;
}
