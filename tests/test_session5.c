/* test_session5.c - the Pipe's ends (session5/pipe.c), the session5 program,
 * its labs and its Python twin.
 *
 * The default output's order varies from run to run, so its test checks the
 * rules every valid interleaving obeys rather than one interleaving;
 * --lockstep and --duplex have one possible order, checked exactly.
 */
#include "frame.h"
#include "pipe.h"
#include "spin.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void expect_message(struct conn *c, const char *want, size_t want_len)
{
    char *msg;
    size_t len;

    ck_assert_int_eq(conn_recv(c, PIPE_MAX_MSG, &msg, &len), 1);
    ck_assert_uint_eq(len, want_len);
    ck_assert_int_eq(memcmp(msg, want, len), 0);
    free(msg);
}

static void round_trip(int duplex)
{
    static const char *msgs[] = { "hello", "", "hey", "a longer message, with spaces" };
    struct conn receiver, sender;

    ck_assert_int_eq(pipe_new(duplex, &receiver, &sender), 0);
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(conn_send(&sender, msgs[i], strlen(msgs[i])), 0);
    conn_close(&sender);
    for (size_t i = 0; i < 4; i++)
        expect_message(&receiver, msgs[i], strlen(msgs[i]));
    ck_assert_int_eq(conn_recv(&receiver, PIPE_MAX_MSG, &(char *){ NULL }, &(size_t){ 0 }), 0);
    conn_close(&receiver);
}

START_TEST(messages_round_trip_whole_and_in_order_duplex)
{
    round_trip(1);
}
END_TEST

START_TEST(messages_round_trip_whole_and_in_order_oneway)
{
    round_trip(0);
}
END_TEST

START_TEST(duplex_ends_both_send_and_receive)
{
    struct conn a, b;

    ck_assert_int_eq(pipe_new(1, &a, &b), 0);
    ck_assert_int_eq(conn_send(&a, "ping", 4), 0);
    ck_assert_int_eq(conn_send(&b, "pong", 4), 0);
    expect_message(&b, "ping", 4);
    expect_message(&a, "pong", 4);
    conn_close(&a);
    conn_close(&b);
}
END_TEST

START_TEST(oneway_ends_refuse_the_wrong_direction)
{
    struct conn receiver, sender;
    char *msg;
    size_t len;

    ck_assert_int_eq(pipe_new(0, &receiver, &sender), 0);
    ck_assert_int_eq(conn_send(&receiver, "x", 1), -1);
    ck_assert_int_eq(errno, EBADF);
    ck_assert_int_eq(conn_recv(&sender, 10, &msg, &len), -1);
    ck_assert_int_eq(errno, EBADF);
    conn_close(&receiver);
    conn_close(&sender);
}
END_TEST

/* Two frames in one write() come out as two messages, not one. */
START_TEST(frames_written_together_are_not_merged)
{
    struct conn receiver, sender;
    /* The bytes on the wire: a 4-byte big-endian length, then the payload. */
    static const unsigned char both[2 * FRAME_HEADER_SIZE + 5] = {
        0, 0, 0, 2, 'h', 'i',
        0, 0, 0, 3, 'y', 'o', 'u',
    };

    ck_assert_int_eq(pipe_new(0, &receiver, &sender), 0);
    ck_assert_int_eq(write(sender.wfd, both, sizeof both), (ssize_t)sizeof both);
    expect_message(&receiver, "hi", 2);
    expect_message(&receiver, "you", 3);
    conn_close(&receiver);
    conn_close(&sender);
}
END_TEST

/* Waits until the reader has taken every byte out of the pipe: then its
 * next read() can only return what comes after. FIONREAD is polled (the
 * reader's progress has no other signal), with a limit. */
static int wait_until_read(int rfd)
{
    struct timespec tick = { 0, 1000L * 1000 };

    for (int tries = 0; tries < 5000; tries++) {
        int left;

        if (ioctl(rfd, FIONREAD, &left) == -1)
            return -1;
        if (left == 0)
            return 0;
        nanosleep(&tick, NULL);
    }
    return -1;
}

/* The sender's child writes one frame in five pieces, each only after the
 * reader consumed the one before: the reader's read() calls are forced to
 * return partial headers and partial payloads, and the message still comes
 * out whole. */
START_TEST(a_frame_split_across_reads_comes_out_whole)
{
    struct conn receiver, sender;
    static const unsigned char frame[FRAME_HEADER_SIZE + 11] = {
        0, 0, 0, 11, 's', 'p', 'l', 'i', 't', ' ', 'f', 'r', 'a', 'm', 'e',
    };
    static const size_t cuts[] = { 0, 2, 4, 7, 12, sizeof frame };
    pid_t pid;

    ck_assert_int_eq(pipe_new(0, &receiver, &sender), 0);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        for (size_t i = 0; i + 1 < sizeof cuts / sizeof cuts[0]; i++) {
            size_t n = cuts[i + 1] - cuts[i];

            if (write(sender.wfd, frame + cuts[i], n) != (ssize_t)n)
                _exit(1);
            if (wait_until_read(receiver.rfd) == -1)
                _exit(2);
        }
        _exit(0);
    }
    expect_message(&receiver, "split frame", 11);
    assert_exits_0(pid);
    conn_close(&receiver);
    conn_close(&sender);
}
END_TEST

/* 8 MiB is far more than a pipe holds (64 KiB): the writer's write()s are
 * short and the reader's read()s partial, and both loops carry on. */
START_TEST(a_message_larger_than_the_pipe_buffer_arrives_intact)
{
    const size_t size = (size_t)8 * 1024 * 1024;
    struct conn receiver, sender;
    char *big = malloc(size), *msg;
    size_t len;
    pid_t pid;

    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i < size; i++)
        big[i] = (char)(i * 7 % 256);
    ck_assert_int_eq(pipe_new(0, &receiver, &sender), 0);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0)
        _exit(conn_send(&sender, big, size) == 0 ? 0 : 1);
    conn_close(&sender);
    ck_assert_int_eq(conn_recv(&receiver, PIPE_MAX_MSG, &msg, &len), 1);
    ck_assert_uint_eq(len, size);
    ck_assert_int_eq(memcmp(msg, big, size), 0);
    assert_exits_0(pid);
    free(msg);
    free(big);
    conn_close(&receiver);
}
END_TEST

START_TEST(eof_inside_a_frame_is_a_protocol_error)
{
    struct conn receiver, sender;
    /* The header promises 10 bytes; only 3 come before the end. */
    static const unsigned char partial[FRAME_HEADER_SIZE + 3] = {
        0, 0, 0, 10, 'a', 'b', 'c',
    };
    char *msg;
    size_t len;

    ck_assert_int_eq(pipe_new(0, &receiver, &sender), 0);
    ck_assert_int_eq(write(sender.wfd, partial, sizeof partial), (ssize_t)sizeof partial);
    conn_close(&sender);
    ck_assert_int_eq(conn_recv(&receiver, 100, &msg, &len), -1);
    ck_assert_int_eq(errno, EPROTO);
    conn_close(&receiver);
}
END_TEST

START_TEST(an_oversized_length_is_refused_before_allocating)
{
    struct conn receiver, sender;
    unsigned char header[FRAME_HEADER_SIZE];
    char *msg;
    size_t len;

    ck_assert_int_eq(pipe_new(1, &receiver, &sender), 0);
    frame_encode_header(0xFFFFFFFFu, header);   /* 4 GiB, and nothing follows */
    ck_assert_int_eq(write(sender.wfd, header, sizeof header), (ssize_t)sizeof header);
    ck_assert_int_eq(conn_recv(&receiver, PIPE_MAX_MSG, &msg, &len), -1);
    ck_assert_int_eq(errno, EMSGSIZE);
    conn_close(&receiver);
    conn_close(&sender);
}
END_TEST

/* ------------------------------------------------------ the spinning Pipe */

static void expect_spin_message(struct spin_conn *c, const char *want, size_t want_len)
{
    char *msg;
    size_t len;

    ck_assert_int_eq(spin_recv(c, &msg, &len), 1);
    ck_assert_uint_eq(len, want_len);
    ck_assert_int_eq(memcmp(msg, want, len), 0);
    ck_assert_int_eq(msg[len], '\0');
    free(msg);
}

/* One process at both ends: a box holds one message, so send, then receive. */
START_TEST(spin_messages_arrive_whole_both_ways)
{
    static const char *msgs[] = { "hello", "", "hey", "a longer message, with spaces" };
    struct spin_conn a, b;
    struct spin_pipe *p = spin_pipe_new(&a, &b);

    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(spin_send(&a, msgs[i], strlen(msgs[i])), 0);
        expect_spin_message(&b, msgs[i], strlen(msgs[i]));
        ck_assert_int_eq(spin_send(&b, msgs[i], strlen(msgs[i])), 0);
        expect_spin_message(&a, msgs[i], strlen(msgs[i]));
    }
    ck_assert_int_eq(spin_pipe_free(p), 0);
}
END_TEST

/* The sender closes right after its last message: the receiver must still
 * get that message, and only then end of file. */
START_TEST(spin_last_message_before_close_is_not_lost)
{
    struct spin_conn a, b;
    struct spin_pipe *p = spin_pipe_new(&a, &b);
    char *msg = NULL;
    size_t len;

    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(spin_send(&a, "END", 3), 0);
    spin_close(&a);
    expect_spin_message(&b, "END", 3);
    ck_assert_int_eq(spin_recv(&b, &msg, &len), 0);
    ck_assert_int_eq(spin_recv(&b, &msg, &len), 0);
    ck_assert_ptr_null(msg);
    ck_assert_int_eq(spin_pipe_free(p), 0);
}
END_TEST

START_TEST(spin_largest_message_fits_and_one_more_byte_is_refused)
{
    struct spin_conn a, b;
    struct spin_pipe *p = spin_pipe_new(&a, &b);
    char *big = malloc(SPIN_MAX_MESSAGE + 1);

    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i <= SPIN_MAX_MESSAGE; i++)
        big[i] = (char)('a' + i % 26);
    errno = 0;
    ck_assert_int_eq(spin_send(&a, big, SPIN_MAX_MESSAGE + 1), -1);
    ck_assert_int_eq(errno, EMSGSIZE);
    ck_assert_int_eq(spin_send(&a, big, SPIN_MAX_MESSAGE), 0);
    expect_spin_message(&b, big, SPIN_MAX_MESSAGE);
    free(big);
    ck_assert_int_eq(spin_pipe_free(p), 0);
}
END_TEST

/* Across two processes: the child echoes every message; each comes back
 * with its own length and bytes, so a message read while it was still
 * being written (a missing release/acquire pair) would show. The child
 * reports by exit status (no ck_assert in a child). */
#define ECHOES 20000

static int spin_echo_child(struct spin_conn *c)
{
    char *msg;
    size_t len;
    int r;

    while ((r = spin_recv(c, &msg, &len)) == 1) {
        if (spin_send(c, msg, len) == -1)
            return 2;
        free(msg);
    }
    spin_close(c);
    return r == 0 ? 0 : 3;
}

START_TEST(spin_messages_cross_processes_intact)
{
    struct spin_conn mine, theirs;
    struct spin_pipe *p = spin_pipe_new(&mine, &theirs);
    char want[300];
    int status;
    pid_t pid;

    ck_assert_ptr_nonnull(p);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0)
        _exit(spin_echo_child(&theirs));
    for (int i = 0; i < ECHOES; i++) {
        size_t len = (size_t)(i % 257);

        memset(want, 'a' + i % 26, len);
        ck_assert_int_eq(spin_send(&mine, want, len), 0);
        expect_spin_message(&mine, want, len);
    }
    spin_close(&mine);
    ck_assert_int_eq(spin_recv(&mine, &(char *){ NULL }, &(size_t){ 0 }), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(spin_pipe_free(p), 0);
}
END_TEST

/* ------------------------------------------------------------ the program */

/* Checks out against the rules of a valid run: the "Sent" lines are the
 * messages in order; the "Received" lines are the messages before END in
 * order; each is received only after it was sent; END is never received. */
static void check_interleaving(const char *out, const char *const *msgs, size_t n,
                               const char *last_line)
{
    char *copy = strdup(out), *save, *line;
    size_t sent = 0, received = 0, upto_end = n;
    int saw_last = 0;

    for (size_t i = 0; i < n; i++)
        if (strcmp(msgs[i], "END") == 0 && upto_end == n)
            upto_end = i;
    for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        ck_assert_msg(!saw_last, "a line after '%s': %s", last_line, line);
        if (strncmp(line, "Sent the message: ", 18) == 0) {
            ck_assert_uint_lt(sent, n);
            ck_assert_str_eq(line + 18, msgs[sent]);
            sent++;
        } else if (strncmp(line, "Received the message: ", 22) == 0) {
            ck_assert_uint_lt(received, upto_end);
            ck_assert_str_eq(line + 22, msgs[received]);
            ck_assert_msg(received < sent, "'%s' received before it was sent", line + 22);
            received++;
        } else {
            ck_assert_ptr_nonnull(last_line);
            ck_assert_str_eq(line, last_line);
            saw_last = 1;
        }
    }
    ck_assert_uint_eq(sent, n);
    ck_assert_uint_eq(received, upto_end);
    ck_assert_int_eq(saw_last, last_line != NULL);
    free(copy);
}

static const char *const tutorial_msgs[] = { "hello", "hey", "hru?", "END" };

static const char *const duplex_out =
    "Sent the message: hello\n"
    "Received the message: hello\n"
    "Received the reply: ack hello\n"
    "Sent the message: hey\n"
    "Received the message: hey\n"
    "Received the reply: ack hey\n"
    "Sent the message: hru?\n"
    "Received the message: hru?\n"
    "Received the reply: ack hru?\n"
    "Sent the message: END\n";

START_TEST(duplex_receiver_answers_every_message)
{
    struct run r;

    run_checked(&r, "session5/session5 --duplex", 0);
    /* The sender waits for each reply, so the order is fixed. */
    ck_assert_str_eq(r.out, duplex_out);
    run_free(&r);
}
END_TEST

/* --lockstep: the sender waits until the receiver has printed each message,
 * so there is exactly one possible order. */
START_TEST(lockstep_prints_one_fixed_order)
{
    assert_run("session5/session5 --lockstep", 0,
               "Sent the message: hello\n"
               "Received the message: hello\n"
               "Sent the message: hey\n"
               "Received the message: hey\n"
               "Sent the message: hru?\n"
               "Received the message: hru?\n"
               "Sent the message: END\n",
               "");
}
END_TEST

/* Issue 14: `--duplex a END b` waited for an answer to b that the receiver,
 * past END, never gives. Every mode with every kind of list must finish. */
START_TEST(duplex_with_a_message_after_end_finishes)
{
    assert_run("session5/session5 --duplex a END b", 0,
               "Sent the message: a\n"
               "Received the message: a\n"
               "Received the reply: ack a\n"
               "Sent the message: END\n"
               "Sent the message: b\n",
               "");
}
END_TEST

static const char *const modes[] = { "", "--oneway ", "--duplex ", "--lockstep ", "-v ",
                                     "--wait=spin ", "--wait=sleep " };
static const char *const lists[] = {
    "a END b", "END", "END END", "a b", "'' END ''", "a END b END c",
};

START_TEST(every_mode_finishes_with_every_list)
{
    const char *mode = modes[_i / (int)(sizeof lists / sizeof lists[0])];
    const char *list = lists[_i % (int)(sizeof lists / sizeof lists[0])];
    char cmd[256];
    struct run r;

    snprintf(cmd, sizeof cmd, "session5/session5 %s%s", mode, list);
    run_cmd(&r, cmd);
    ck_assert_msg(!r.timed_out, "%s hung", cmd);
    ck_assert_msg(run_exit_code(&r) == 0, "%s: exit %d, stderr '%s'", cmd,
                  run_exit_code(&r), r.err);
    ck_assert_msg(r.err_len == 0, "%s: stderr '%s'", cmd, r.err);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* --verbose: every line was printed by a child, and says which: the Sent
 * lines all by one pid, the Received lines by another, both children of
 * the program itself. */
START_TEST(verbose_tags_each_line_with_the_child_and_parent_pid)
{
    char *argv[] = { "session5/session5", "--verbose", NULL };
    long pid[2] = { 0, 0 };
    char *copy, *save, *line;
    struct spawned s;
    struct run r;
    int lines = 0;

    ck_assert_int_eq(spawn_start(&s, argv), 0);
    finish_checked(&s, RUN_TIMEOUT, &r, 0);
    copy = strdup(r.out);
    for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        const char *tag = strstr(line, "  [pid ");
        int who = strncmp(line, "Sent", 4) == 0 ? 0 : 1;
        long child, parent;

        ck_assert_msg(tag != NULL && sscanf(tag, "  [pid %ld, parent %ld]", &child, &parent) == 2,
                      "untagged line '%s'", line);
        ck_assert_int_eq(parent, (long)s.pid);
        ck_assert_int_ne(child, (long)s.pid);
        if (pid[who] == 0)
            pid[who] = child;
        ck_assert_int_eq(child, pid[who]);
        lines++;
    }
    ck_assert_int_eq(lines, 7);
    ck_assert_int_ne(pid[0], pid[1]);
    free(copy);
    run_free(&r);
}
END_TEST

static const char *const bytes_cmds[] = {
    "session5/session5 --bytes 0",
    "session5/session5 --bytes 1",
    "session5/session5 --oneway --bytes 3000000",
    "session5/session5 --bytes 268435456",
};
static const char *const bytes_outs[] = {
    "Sending 0 bytes\nReceived 0 bytes intact\n",
    "Sending 1 bytes\nReceived 1 bytes intact\n",
    "Sending 3000000 bytes\nReceived 3000000 bytes intact\n",
    "Sending 268435456 bytes\nReceived 268435456 bytes intact\n",
};

START_TEST(bytes_arrive_intact_without_deadlock)
{
    assert_run(bytes_cmds[_i], 0, bytes_outs[_i], NULL);
}
END_TEST

/* ------------------------------------------------------------ --both-send */

/* The buffer sizes a new socketpair gets on this machine, as the program's
 * own Pipe will. */
static void socket_buffers(int *sndbuf, int *rcvbuf)
{
    struct conn a, b;
    socklen_t len = sizeof *sndbuf;

    ck_assert_int_eq(pipe_new(1, &a, &b), 0);
    ck_assert_int_eq(getsockopt(a.wfd, SOL_SOCKET, SO_SNDBUF, sndbuf, &len), 0);
    len = sizeof *rcvbuf;
    ck_assert_int_eq(getsockopt(b.rfd, SOL_SOCKET, SO_RCVBUF, rcvbuf, &len), 0);
    conn_close(&a);
    conn_close(&b);
    ck_assert_int_gt(*sndbuf, 0);
    ck_assert_int_gt(*rcvbuf, 0);
}

/* Far below what one socket buffers: both send()s return, both read. */
START_TEST(both_send_below_the_buffers_completes)
{
    int sndbuf, rcvbuf;
    char cmd[128], line[64];
    struct run r;

    socket_buffers(&sndbuf, &rcvbuf);
    snprintf(cmd, sizeof cmd, "session5/session5 --both-send %d", sndbuf / 8);
    run_cmd(&r, cmd);
    ck_assert_msg(!r.timed_out && run_exit_code(&r) == 0, "%s: exit %d, stderr '%s'", cmd,
                  run_exit_code(&r), r.err);
    ck_assert_int_eq(count_lines(r.out), 4);
    for (int p = 1; p <= 2; p++) {
        snprintf(line, sizeof line, "p%d sends %d bytes before it reads\n", p, sndbuf / 8);
        ck_assert_ptr_nonnull(strstr(r.out, line));
        snprintf(line, sizeof line, "p%d received %d bytes\n", p, sndbuf / 8);
        ck_assert_ptr_nonnull(strstr(r.out, line));
    }
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* Four times more than both buffers together: neither send() can finish
 * before the other end reads, and neither reads. The program must see it,
 * name the buffer sizes, stop both children and exit 1. */
START_TEST(both_send_above_the_buffers_is_a_reported_deadlock)
{
    int sndbuf, rcvbuf;
    char cmd[128], sizes[96];
    struct run r;

    socket_buffers(&sndbuf, &rcvbuf);
    snprintf(cmd, sizeof cmd, "session5/session5 --both-send %d", 4 * (sndbuf + rcvbuf));
    run_cmd(&r, cmd);
    ck_assert_msg(!r.timed_out, "%s hung instead of reporting the deadlock", cmd);
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_int_eq(count_lines(r.err), 1);
    ck_assert_msg(strncmp(r.err, "session5: deadlock: ", 20) == 0, "stderr '%s'", r.err);
    snprintf(sizes, sizeof sizes, "(SO_SNDBUF %d, SO_RCVBUF %d)", sndbuf, rcvbuf);
    ck_assert_msg(strstr(r.err, sizes) != NULL, "stderr '%s' lacks '%s'", r.err, sizes);
    ck_assert_ptr_null(strstr(r.out, "received"));
    ck_assert_int_eq(count_lines(r.out), 2);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* ------------------------------------------------------- the Python twin */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted, joined again: the same lines in any order
 * give the same string. */
static char *sorted_lines(const char *text)
{
    char *copy = strdup(text), *save, *line, *out;
    char *lines[64] = { NULL };
    size_t n = 0, used = 0, size = strlen(text) + 2;

    ck_assert_ptr_nonnull(copy);
    for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        ck_assert_uint_lt(n, 64);
        lines[n++] = line;
    }
    if (n > 1)
        qsort(lines, n, sizeof lines[0], compare_strings);
    out = calloc(1, size);
    ck_assert_ptr_nonnull(out);
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, size - used, "%s\n", lines[i]);
    free(copy);
    return out;
}

START_TEST(python_twin_prints_the_same_lines)
{
    struct run c, py;
    char *want, *got;

    if (python3_path() == NULL) {
        fprintf(stderr, "session5: no python3 on PATH: twin not compared\n");
        return;
    }
    run_cmd(&c, "session5/session5");
    /* Unbuffered, Python's print() writes the text and the "\n" with two
     * write()s, and the other process's line can land between them; the
     * default buffer writes each process's lines whole. */
    unsetenv("PYTHONUNBUFFERED");
    run_python(&py, "session5/session5.py");
    ck_assert_int_eq(run_exit_code(&py), 0);
    ck_assert_msg(py.err_len == 0, "python3 stderr: %s", py.err);
    want = sorted_lines(c.out);
    got = sorted_lines(py.out);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(py.strays, 0);
    free(want);
    free(got);
    run_free(&c);
    run_free(&py);
}
END_TEST

/* ------------------------------------------------------------ the lesson */

/* session5.c is the lesson a student opens first: at most 150 lines, the
 * Pipe's own system call in it, and the tutorial's names. */
START_TEST(the_lesson_file_is_short_and_uses_the_tutorials_names)
{
    FILE *f = fopen("session5/session5.c", "r");
    char line[512];
    int lines = 0, socketpair_call = 0, names = 0;

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL) {
        lines++;
        socketpair_call |= strstr(line, "socketpair(AF_UNIX, SOCK_STREAM, 0,") != NULL;
        names |= strstr(line, "parent_conn, child_conn = Pipe()") != NULL;
    }
    fclose(f);
    ck_assert_int_le(lines, 150);
    ck_assert(socketpair_call);
    ck_assert(names);
}
END_TEST

/* --wait: the tutorial's lines in a valid order, then one line with the
 * CPU both processes used. Returns the output without that line. */
static char *without_cpu_line(const char *out, const char *how)
{
    char *copy = strdup(out), *last, format[128];
    double cpu, wall, busy;

    ck_assert_ptr_nonnull(copy);
    ck_assert_msg(copy[0] != '\0' && copy[strlen(copy) - 1] == '\n', "output: '%s'", out);
    copy[strlen(copy) - 1] = '\0';
    last = strrchr(copy, '\n');
    ck_assert_ptr_nonnull(last);
    snprintf(format, sizeof format,
             "CPU: sender and receiver used %%lf ms of CPU in %%lf ms (--wait %s): "
             "%%lf CPUs busy", how);
    ck_assert_msg(sscanf(last + 1, format, &cpu, &wall, &busy) == 3, "last line: '%s'", last + 1);
    ck_assert(cpu >= 0 && wall > 0 && busy >= 0);
    last[1] = '\0';
    return copy;
}

/* Runs whose output must be a valid interleaving (check_interleaving),
 * with nothing on stderr and nothing left running: the tutorial's four
 * messages, duplex and one-way; messages without END (the receiver stops
 * when the sender closes); a message after END (sent, never printed as
 * received); and the same with --wait, whose last line is the CPU used
 * (`how`: that line's --wait word; NULL: no such line). */
static const struct {
    const char *cmd, *how;
    const char *const *msgs;
    size_t count;
    const char *last_line;
} valid_runs[] = {
    { "session5/session5", NULL, tutorial_msgs, 4, NULL },
    { "session5/session5 --oneway", NULL, tutorial_msgs, 4, NULL },
    { "session5/session5 one '' three", NULL, (const char *const[]){ "one", "", "three" }, 3,
      "Sender closed the pipe." },
    { "session5/session5 --oneway a END b", NULL, (const char *const[]){ "a", "END", "b" }, 3,
      NULL },
    { "session5/session5 --wait spin", "spin", tutorial_msgs, 4, NULL },
    { "session5/session5 --wait sleep", "sleep", tutorial_msgs, 4, NULL },
    { "session5/session5 -w spin one '' three", "spin", (const char *const[]){ "one", "", "three" },
      3, "Sender closed the pipe." },
    { "session5/session5 --wait=spin a END b", "spin", (const char *const[]){ "a", "END", "b" },
      3, NULL },
};

START_TEST(output_is_a_valid_interleaving)
{
    struct run r;
    char *lines;

    run_checked(&r, valid_runs[_i].cmd, 0);
    lines = valid_runs[_i].how != NULL ? without_cpu_line(r.out, valid_runs[_i].how)
                                       : strdup(r.out);
    ck_assert_ptr_nonnull(lines);
    check_interleaving(lines, valid_runs[_i].msgs, valid_runs[_i].count, valid_runs[_i].last_line);
    ck_assert_str_eq(r.err, "");
    free(lines);
    run_free(&r);
}
END_TEST

/* --wait spin mid run: its children map the Pipe as anonymous shared memory
 * (no name, so nothing can be left in /dev/shm), and Ctrl-C ends the run
 * with 130 and nothing left behind. The run is provably mid-way: thousands
 * of lines, and the test stops reading after the first. */
#define LONG_LIST 30000

/* Starts session5 --wait=spin with LONG_LIST messages and returns once
 * both children run, their pids in kids[0] (p1, the sender) and kids[1]
 * (p2, the receiver): Linux lists a process's children in the order they
 * were forked. */
static void start_long_spin_run(struct spawned *s, pid_t kids[2])
{
    char **argv = argv_with_list("session5/session5 --wait=spin", "a-message", LONG_LIST);
    pid_t found[8];

    ck_assert_int_eq(spawn_start(s, argv), 0);
    free(argv);
    ck_assert_int_eq(spawn_wait_for(s, "Sent the message: a-message\n", RUN_TIMEOUT), 0);
    ck_assert_int_eq(wait_for_children(s->pid, 2, RUN_TIMEOUT), 0);
    ck_assert_int_eq(children_of(s->pid, found, 8), 2);
    kids[0] = found[0];
    kids[1] = found[1];
}

/* A spinning sender never learns that its receiver died: it would wait for
 * the box to empty for ever. The parent joins whichever child ends first,
 * sees p2 killed, and stops p1: exit 1, one line, nothing left behind. */
START_TEST(wait_spin_receiver_killed_ends_the_run)
{
    struct spawned s;
    struct run r;
    pid_t kids[2];

    start_long_spin_run(&s, kids);
    ck_assert_int_eq(kill(kids[1], SIGKILL), 0);
    spawn_finish(&s, RUN_TIMEOUT, &r);      /* reads on: the sender goes on sending */
    ck_assert_msg(!r.timed_out, "the sender spun on after its receiver died");
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_str_eq(r.err, "session5: process p2 (receiver) was killed by SIGKILL\n");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(wait_spin_maps_no_named_memory_and_stops_on_ctrl_c)
{
    struct spawned s;
    struct run r;
    pid_t kids[2];
    int n = 2, anonymous = 0;

    start_long_spin_run(&s, kids);
    for (int k = 0; k < n; k++) {
        char path[64], line[512];
        FILE *maps;

        snprintf(path, sizeof path, "/proc/%ld/maps", (long)kids[k]);
        maps = fopen(path, "r");
        ck_assert_ptr_nonnull(maps);
        while (fgets(line, sizeof line, maps) != NULL) {
            ck_assert_msg(strstr(line, "/dev/shm") == NULL, "child maps %s", line);
            anonymous += strstr(line, " rw-s ") != NULL && strstr(line, "/dev/zero") != NULL;
        }
        fclose(maps);
    }
    ck_assert_int_ge(anonymous, 2);     /* the Pipe, in each child */
    ck_assert_int_eq(kill(-s.pid, SIGINT), 0);
    finish_checked(&s, RUN_TIMEOUT, &r, 130);
    run_free(&r);
}
END_TEST

/* ---------------------------------------------------------- the contract */

HELP_TEST(help_names_every_option, "session5/session5",
          "--oneway", "--duplex", "--lockstep", "--bytes", "--both-send", "--verbose",
          "--wait", "sleep", "spin",
          "--help", "default: hello hey hru? END", "docs/session5.md")

static const struct bad_usage bad_inputs[] = {
    { "session5/session5 --bytes 268435457", "session5: --bytes 268435457 is out of range" },
    { "session5/session5 --bytes -1", "session5: --bytes -1 is out of range" },
    { "session5/session5 --bytes lots", "session5: invalid number 'lots' for --bytes" },
    { "session5/session5 --bytes", "session5: option '--bytes' needs a value" },
    { "session5/session5 --oneway --duplex", "session5: --duplex needs both ends" },
    { "session5/session5 --oneway --lockstep", "session5: --lockstep needs both ends" },
    { "session5/session5 --oneway --both-send 5", "session5: --both-send needs both ends" },
    { "session5/session5 --duplex --lockstep", "session5: --lockstep and --duplex" },
    { "session5/session5 --bytes 10 hello", "session5: --bytes sends one message" },
    { "session5/session5 --bytes 10 --duplex", "session5: --bytes sends one message" },
    { "session5/session5 --bytes 10 --both-send 10", "session5: --bytes sends one message" },
    { "session5/session5 --both-send 10 hello", "session5: --both-send sends one message" },
    { "session5/session5 --both-send 10 --lockstep", "session5: --both-send sends one" },
    { "session5/session5 --both-send 67108865", "session5: --both-send 67108865 is out of range" },
    { "session5/session5 --both-send x", "session5: invalid number 'x' for --both-send" },
    { "session5/session5 --both-send", "session5: option '--both-send' needs a value" },
    { "session5/session5 --verbose=1", "session5: unknown or misused option '--verbose=1'" },
    { "session5/session5 --nope", "session5: unknown" },
    { "session5/session5 --wait nap", "session5: invalid --wait 'nap' (accepted: sleep, spin)" },
    { "session5/session5 --wait", "session5: option '--wait' needs a value" },
    { "session5/session5 --wait spin --duplex", "session5: --wait runs the tutorial's sender" },
    { "session5/session5 --oneway --wait sleep", "session5: --wait runs the tutorial's sender" },
    { "session5/session5 --wait spin --bytes 3", "session5: --wait runs the tutorial's sender" },
};

BAD_USAGE_TEST(bad_input_exits_2_with_one_line, bad_inputs)

TEST_SUITE(session5)
{
    add_case(s, "pipe", 30, messages_round_trip_whole_and_in_order_duplex,
             messages_round_trip_whole_and_in_order_oneway, duplex_ends_both_send_and_receive,
             oneway_ends_refuse_the_wrong_direction, frames_written_together_are_not_merged,
             a_frame_split_across_reads_comes_out_whole,
             a_message_larger_than_the_pipe_buffer_arrives_intact,
             eof_inside_a_frame_is_a_protocol_error,
             an_oversized_length_is_refused_before_allocating);
    TCase *prog = add_case(s, "program", 30, duplex_receiver_answers_every_message,
                           lockstep_prints_one_fixed_order,
                           duplex_with_a_message_after_end_finishes,
                           verbose_tags_each_line_with_the_child_and_parent_pid,
                           both_send_below_the_buffers_completes,
                           both_send_above_the_buffers_is_a_reported_deadlock,
                           python_twin_prints_the_same_lines, help_names_every_option,
                           the_lesson_file_is_short_and_uses_the_tutorials_names);

    add_case(s, "spin", 30, spin_messages_arrive_whole_both_ways,
             spin_last_message_before_close_is_not_lost,
             spin_largest_message_fits_and_one_more_byte_is_refused,
             spin_messages_cross_processes_intact);
    tcase_add_loop_test(prog, every_mode_finishes_with_every_list, 0,
                        (int)(sizeof modes / sizeof modes[0] * (sizeof lists / sizeof lists[0])));
    add_loop(prog, bytes_arrive_intact_without_deadlock, bytes_cmds);
    add_loop(prog, bad_input_exits_2_with_one_line, bad_inputs);
    add_loop(prog, output_is_a_valid_interleaving, valid_runs);
    tcase_add_test(prog, wait_spin_maps_no_named_memory_and_stops_on_ctrl_c);
    tcase_add_test(prog, wait_spin_receiver_killed_ends_the_run);
}
