/* lab_talk.c - --oneway, --duplex and --lockstep: the tutorial's sender and
 * receiver over a pipe(), or with the receiver answering each message.
 * labs.h says what each one changes; docs/session5.md shows their output.
 */
#include "labs.h"

#include "die.h"
#include "output.h"
#include "proc.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum answers { NO_ANSWER, PRINTED_ANSWER, SILENT_ANSWER };

static enum answers mode;       /* set before the processes start */

static int is_end(const char *msg, size_t len)
{
    return len == 3 && memcmp(msg, "END", 3) == 0;
}

static void await_answer(struct conn *c)
{
    char *reply;
    size_t len;
    int r = conn_recv(c, PIPE_MAX_MESSAGE, &reply, &len);

    if (r == -1)
        die_child("recv");
    if (r == 0)
        peer_gone();        /* the receiver closed before it answered */
    if (mode == PRINTED_ANSWER)
        printf("Received the reply: %s%s\n", reply, output_tag());
    free(reply);
}

/* The receiver answers only the messages before END, so the sender waits
 * only for those: after END it sends the rest without waiting (waiting
 * there was the deadlock of `--duplex a END b`). */
static int sender(void *arg)
{
    struct pair *p = arg;
    int past_end = 0;

    conn_close(&p->receive_end);
    for (size_t i = 0; i < p->opt->count; i++) {
        const char *msg = p->opt->msgs[i];
        size_t len = strlen(msg);

        printf("Sent the message: %s%s\n", msg, output_tag());
        if (conn_send(&p->send_end, msg, len) == -1)
            send_failed();
        if (is_end(msg, len))
            past_end = 1;
        else if (mode != NO_ANSWER && !past_end)
            await_answer(&p->send_end);
    }
    conn_close(&p->send_end);
    return 0;
}

static void answer(struct conn *c, const char *msg)
{
    size_t len = strlen(msg) + 4;
    char *reply = malloc(len + 1);

    if (reply == NULL)
        die_child("malloc");
    snprintf(reply, len + 1, "ack %s", msg);
    if (conn_send(c, reply, len) == -1)
        die_child("send");
    free(reply);
}

static int receiver(void *arg)
{
    struct pair *p = arg;
    char *msg;
    size_t len;
    int r;

    conn_close(&p->send_end);
    while ((r = conn_recv(&p->receive_end, PIPE_MAX_MESSAGE, &msg, &len)) == 1
           && !is_end(msg, len)) {
        printf("Received the message: %s%s\n", msg, output_tag());
        if (mode != NO_ANSWER)
            answer(&p->receive_end, msg);   /* after the print: it is the go-ahead */
        free(msg);
    }
    if (r == -1)
        die_child("recv");
    if (r == 0) {
        printf("Sender closed the pipe.%s\n", output_tag());
        return 0;
    }
    free(msg);
    while ((r = conn_recv(&p->receive_end, PIPE_MAX_MESSAGE, &msg, &len)) == 1)
        free(msg);                  /* after END: read, never printed */
    if (r == -1)
        die_child("recv");
    return 0;
}

static int talk(const struct options *opt, enum answers how)
{
    struct pair pair = { .opt = opt };

    mode = how;
    return run_pair(&pair, !opt->oneway, sender, receiver);
}

int lab_oneway(const struct options *opt)
{
    return talk(opt, NO_ANSWER);
}

int lab_duplex(const struct options *opt)
{
    return talk(opt, PRINTED_ANSWER);
}

int lab_lockstep(const struct options *opt)
{
    return talk(opt, SILENT_ANSWER);
}

int run_pair(struct pair *pair, int duplex, proc_fn sender_fn, proc_fn receiver_fn)
{
    pid_t p1, p2;

    if (pipe_new(duplex, &pair->receive_end, &pair->send_end) == -1)
        die(duplex ? "socketpair" : "pipe");
    if ((p1 = proc_start(sender_fn, pair)) == -1)
        die("fork");
    if ((p2 = proc_start(receiver_fn, pair)) == -1) {
        proc_terminate_all(SIGTERM);
        die("fork");
    }
    conn_close(&pair->send_end);
    conn_close(&pair->receive_end);
    join_pair(p1, p2);
    return 0;
}

_Noreturn void send_failed(void)
{
    if (errno == EPIPE || errno == ECONNRESET)
        peer_gone();
    die_child("send");
}

_Noreturn void peer_gone(void)
{
    _exit(PEER_GONE);
}

static int gone(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == PEER_GONE;
}

void join_pair(pid_t sender, pid_t receiver)
{
    int sent, received;

    if (proc_join(sender, &sent) == -1 || proc_join(receiver, &received) == -1)
        die("waitpid");
    if (!proc_succeeded(received) && !gone(received))
        fail_child("p2 (receiver)", received);
    if (!proc_succeeded(sent) && !gone(sent))
        fail_child("p1 (sender)", sent);
    if (gone(received))
        fail("p2 (receiver): the sender closed its end of the pipe early");
    if (gone(sent))
        fail("p1 (sender): the receiver closed its end of the pipe early");
}
