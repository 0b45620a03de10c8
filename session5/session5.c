/* session5 - a Pipe with two ends and an END message.
 *
 * The sender sends messages through one end, the receiver prints them from
 * the other until "END". Each message is a frame (length, then bytes), so it
 * arrives whole however the kernel splits or joins the bytes.
 * docs/session5.md explains it.
 */
#include "args.h"
#include "die.h"
#include "output.h"
#include "proc.h"
#include "session5/pipe.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BYTES (256L * 1024 * 1024)      /* --bytes: 256 MiB */

struct talk {
    struct conn send_end, receive_end;
    char *const *msgs;
    size_t count;
    int duplex;             /* --duplex: the receiver answers each message */
    long bytes;             /* --bytes N, or -1 */
};

static int is_end(const char *msg, size_t len)
{
    return len == 3 && memcmp(msg, "END", 3) == 0;
}

/* The byte at offset i of the --bytes message: a pattern that a shifted,
 * dropped or repeated chunk would not reproduce. */
static unsigned char pattern(size_t i)
{
    return (unsigned char)(i % 251);
}

/* ------------------------------------------------------------- the sender */

static void send_bytes(struct talk *t)
{
    unsigned char *buf = malloc(t->bytes > 0 ? (size_t)t->bytes : 1);

    if (buf == NULL)
        die_child("malloc");
    for (size_t i = 0; i < (size_t)t->bytes; i++)
        buf[i] = pattern(i);
    printf("Sending %ld bytes\n", t->bytes);
    if (conn_send(&t->send_end, buf, (size_t)t->bytes) == -1)
        die_child("send");
    free(buf);
}

static void await_reply(struct talk *t)
{
    char *reply;
    size_t len;
    int r = conn_recv(&t->send_end, PIPE_MAX_MESSAGE, &reply, &len);

    if (r == -1)
        die_child("recv");
    if (r == 0) {
        printf("Receiver closed the pipe.\n");
        return;
    }
    printf("Received the reply: %s\n", reply);
    free(reply);
}

/* The target of p1. "Sent" is printed just before the send, so the output
 * can never show a message received before it was sent. */
static int sender(void *arg)
{
    struct talk *t = arg;

    conn_close(&t->receive_end);        /* this process only sends */
    if (t->bytes >= 0)
        send_bytes(t);
    for (size_t i = 0; i < t->count; i++) {
        const char *msg = t->msgs[i];

        printf("Sent the message: %s\n", msg);
        if (conn_send(&t->send_end, msg, strlen(msg)) == -1)
            die_child("send");
        if (t->duplex && !is_end(msg, strlen(msg)))
            await_reply(t);
    }
    conn_close(&t->send_end);           /* the receiver sees end of file */
    return 0;
}

/* ----------------------------------------------------------- the receiver */

static void check_bytes(const struct talk *t, const char *msg, size_t len)
{
    if (len != (size_t)t->bytes)
        fail("received %zu bytes, expected %ld", len, t->bytes);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)msg[i] != pattern(i))
            fail("byte %zu of %zu is wrong", i, len);
    printf("Received %zu bytes intact\n", len);
}

static void answer(struct talk *t, const char *msg)
{
    size_t len = strlen(msg) + 4;
    char *reply = malloc(len + 1);

    if (reply == NULL)
        die_child("malloc");
    snprintf(reply, len + 1, "ack %s", msg);
    if (conn_send(&t->receive_end, reply, len) == -1)
        die_child("send");
    free(reply);
}

/* The target of p2: prints each message until "END" (or end of file). */
static int receiver(void *arg)
{
    struct talk *t = arg;
    char *msg;
    size_t len;
    int r;

    conn_close(&t->send_end);           /* else it would never see EOF */
    while ((r = conn_recv(&t->receive_end, PIPE_MAX_MESSAGE, &msg, &len)) == 1) {
        if (t->bytes >= 0 || is_end(msg, len)) {
            if (t->bytes >= 0)
                check_bytes(t, msg, len);
            free(msg);
            break;
        } else {
            printf("Received the message: %s\n", msg);
            if (t->duplex)
                answer(t, msg);
        }
        free(msg);
    }
    if (r == -1)
        die_child("recv");
    if (r == 0) {
        printf("Sender closed the pipe.\n");
        return 0;
    }
    /* After END (or the --bytes message), read what else comes without
     * printing it: the sender
     * then never writes into a pipe that nobody reads (EPIPE). */
    while ((r = conn_recv(&t->receive_end, PIPE_MAX_MESSAGE, &msg, &len)) == 1)
        free(msg);
    if (r == -1)
        die_child("recv");
    return 0;
}

/* ------------------------------------------------------------ the options */

static void usage(void)
{
    printf("Usage: session5 [OPTION]... [MESSAGE]...\n"
           "A sender process sends messages through a Pipe; a receiver process prints\n"
           "them until the message END, or until the sender closes its end.\n"
           "\n"
           "  MESSAGE         the messages to send (default: hello hey hru? END)\n"
           "  -o, --oneway    a one-way pipe() instead of a duplex socketpair()\n"
           "                  (default: duplex)\n"
           "  -d, --duplex    the receiver answers every message, the sender prints\n"
           "                  each reply (default: off; not with --oneway)\n"
           "  -b, --bytes=N   send one message of N bytes, 0..%ld (256 MiB), and\n"
           "                  check it arrives intact (default: off)\n"
           "  -h, --help      print this help and exit\n"
           "\n"
           "Explained in docs/session5.md.\n", MAX_BYTES);
}

static void parse_options(int argc, char *argv[], struct talk *t, int *oneway)
{
    static const struct option options[] = {
        { "oneway", no_argument,       NULL, 'o' },
        { "duplex", no_argument,       NULL, 'd' },
        { "bytes",  required_argument, NULL, 'b' },
        { "help",   no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static char *default_msgs[] = { "hello", "hey", "hru?", "END" };
    char msg[ARG_MSG_SIZE];
    int opt;

    t->bytes = -1;
    t->duplex = 0;
    *oneway = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":odb:h", options, NULL)) != -1) {
        switch (opt) {
        case 'o': *oneway = 1; break;
        case 'd': t->duplex = 1; break;
        case 'b':
            if (arg_long(optarg, "--bytes", 0, MAX_BYTES, &t->bytes, msg, sizeof msg) == -1)
                usage_error("%s", msg);
            break;
        case 'h': usage(); exit(0);
        default:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            usage_error("%s", msg);
        }
    }
    if (*oneway && t->duplex)
        usage_error("--duplex needs both ends to talk; it does not go with --oneway");
    if (t->bytes >= 0 && (optind < argc || t->duplex))
        usage_error("--bytes sends one message one way (accepted with it: --oneway)");
    t->msgs = optind < argc ? argv + optind : default_msgs;
    t->count = optind < argc ? (size_t)(argc - optind) : (t->bytes >= 0 ? 0 : 4);
}

int main(int argc, char *argv[])
{
    struct talk t;
    int oneway;
    pid_t p1, p2;

    die_init("session5");
    parse_options(argc, argv, &t, &oneway);
    if (output_line_buffered() == -1)
        die("setvbuf");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");
    /* A write into a pipe whose reader is gone is then the error EPIPE,
     * which the sender reports, not a silent death by SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);

    /* parent_conn, child_conn = multiprocessing.Pipe(duplex) */
    if (pipe_new(!oneway, &t.receive_end, &t.send_end) == -1)
        die(oneway ? "pipe" : "socketpair");
    if ((p1 = proc_start(sender, &t)) == -1)
        die("fork");
    if ((p2 = proc_start(receiver, &t)) == -1) {
        proc_terminate_all(SIGTERM);
        die("fork");
    }
    /* The parent holds both ends too: close them, or the receiver would
     * never see end of file. */
    conn_close(&t.send_end);
    conn_close(&t.receive_end);
    join_or_fail(p1, "p1 (sender)");
    join_or_fail(p2, "p2 (receiver)");
    return fflush(stdout) == 0 ? 0 : 1;
}
