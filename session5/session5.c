/* session5 - a Pipe: two processes, one at each end.
 *
 * The sender sends the messages through parent_conn; the receiver prints them
 * from child_conn until "END". Each message is a frame (a length, then the
 * bytes), so it arrives whole however the kernel splits or joins the bytes.
 * docs/session5.md explains it; the labs (--duplex, --bytes, ...) are in lab_*.c.
 */
#include "args.h"
#include "die.h"
#include "frame.h"
#include "labs.h"
#include "options.h"
#include "output.h"
#include "pipe.h"
#include "proc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The args=(...) of both processes. fork() gives each child both ends, and
 * each closes the one it does not use: a receiver sees end of file only
 * when every copy of the sending end is closed. */
struct pipe_args {
    int parent_conn, child_conn;
    char *const *msgs;
    size_t count;
};

static int is_end(const char *msg, size_t len)
{
    return len == 3 && memcmp(msg, "END", 3) == 0;
}

/* "Sent" is printed just before send(), not after it as in the tutorial:
 * then no run can show a message received before it was sent. */
static int sender(void *arg)                            /* def sender(conn, msgs): */
{
    const struct pipe_args *a = arg;
    int conn = a->parent_conn;

    if (close(a->child_conn) == -1)                     /* the receiver's end */
        die_child("close");
    for (size_t i = 0; i < a->count; i++) {             /* for msg in msgs: */
        const char *msg = a->msgs[i];

        printf("Sent the message: %s%s\n", msg, output_tag()); /* print("Sent the message: ...") */
        if (frame_send(conn, msg, strlen(msg)) == -1)   /* conn.send(msg) */ /* line:send */
            send_failed();                           /* the receiver gone: p2 is news */
    }
    if (close(conn) == -1)                              /* conn.close() */ /* line:close */
        die_child("close");
    return 0;
}

static int receiver(void *arg)                          /* def receiver(conn): */
{
    const struct pipe_args *a = arg;
    int conn = a->child_conn, r;
    char *msg;
    size_t len;

    if (close(a->parent_conn) == -1)                    /* the sender's end */
        die_child("close");
    while ((r = frame_recv(conn, PIPE_MAX_MSG, &msg, &len)) == 1) {  /* while 1: msg = conn.recv() */ /* line:recv */
        if (is_end(msg, len))                           /* if msg == "END": */ /* line:end */
            break;                                      /*     break */
        printf("Received the message: %s%s\n", msg, output_tag()); /* print("Received ...") */
        free(msg);
    }
    if (r == -1)
        die_child("recv");
    if (r == 0) {               /* EOF: the sender closed without an END */
        printf("Sender closed the pipe.%s\n", output_tag());
        return 0;
    }
    free(msg);
    /* Messages after END are read and dropped until the sender closes, so
     * it never writes into a socket that nobody reads (EPIPE). */
    while ((r = frame_recv(conn, PIPE_MAX_MSG, &msg, &len)) == 1)
        free(msg);
    if (r == -1)
        die_child("recv");
    return 0;
}

int main(int argc, char *argv[])
{
    struct options opt;
    struct pipe_args a;
    int ends[2];
    pid_t p1, p2;

    die_init("session5");
    parse_options(argc, argv, &opt);
    if (output_line_buffered() == -1)   /* one line at a time, on a terminal or not */
        die("setvbuf");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");
    if (opt.both_send >= 0) return lab_both_send(&opt);
    if (opt.bytes >= 0) return lab_bytes(&opt);
    if (opt.duplex) return lab_duplex(&opt);
    if (opt.lockstep) return lab_lockstep(&opt);
    if (opt.oneway) return lab_oneway(&opt);
    if (opt.wait != WAIT_UNSET) return lab_wait(&opt);

    a.msgs = opt.msgs;                  /* msgs = ["hello", "hey", "hru?", "END"] */
    a.count = opt.count;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, ends) == -1)  /* parent_conn, child_conn = Pipe() */ /* line:pipe */
        die("socketpair");
    a.parent_conn = ends[0];
    a.child_conn = ends[1];
    /* p1 = multiprocessing.Process(target=sender, args=(parent_conn, msgs)) */
    if ((p1 = proc_start(sender, &a)) == -1)            /* p1.start() */
        die("fork");
    /* p2 = multiprocessing.Process(target=receiver, args=(child_conn,)) */
    if ((p2 = proc_start(receiver, &a)) == -1) {        /* p2.start() */
        proc_terminate_all(SIGTERM);
        die("fork");
    }
    /* The parent's copies: else the receiver never sees end of file. */
    if (close(a.parent_conn) == -1 || close(a.child_conn) == -1)
        die("close");
    join_pair(p1, p2);                  /* p1.join(); p2.join() */
    return 0;
}
