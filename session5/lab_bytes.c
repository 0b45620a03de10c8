/* lab_bytes.c - --bytes N: one message of N bytes, far more than a pipe or
 * a socket buffers, checked byte by byte at the other end. It cannot
 * deadlock: the receiver, a separate process, empties the buffer while the
 * sender fills it. docs/session5.md, "One big message".
 */
#include "labs.h"

#include "die.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>

/* The byte at offset i: a pattern that a shifted, dropped or repeated chunk
 * would not reproduce. */
static unsigned char pattern(size_t i)
{
    return (unsigned char)(i % 251);
}

static int sender(void *arg)
{
    struct pair *p = arg;
    size_t n = (size_t)p->opt->bytes;
    unsigned char *buf = malloc(n > 0 ? n : 1);

    conn_close(&p->receive_end);
    if (buf == NULL)
        die_child("malloc");
    for (size_t i = 0; i < n; i++)
        buf[i] = pattern(i);
    printf("Sending %zu bytes%s\n", n, output_tag());
    if (conn_send(&p->send_end, buf, n) == -1)
        send_failed();
    free(buf);
    conn_close(&p->send_end);
    return 0;
}

static int receiver(void *arg)
{
    struct pair *p = arg;
    size_t want = (size_t)p->opt->bytes, len;
    char *msg;
    int r;

    conn_close(&p->send_end);
    r = conn_recv(&p->receive_end, PIPE_MAX_MESSAGE, &msg, &len);
    if (r == -1)
        die_child("recv");
    if (r == 0)
        peer_gone();        /* the sender closed before its message */
    if (len != want)
        fail("received %zu bytes, expected %zu", len, want);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)msg[i] != pattern(i))
            fail("byte %zu of %zu is wrong", i, len);
    printf("Received %zu bytes intact%s\n", len, output_tag());
    free(msg);
    conn_close(&p->receive_end);
    return 0;
}

int lab_bytes(const struct options *opt)
{
    struct pair pair = { .opt = opt };

    return run_pair(&pair, !opt->oneway, sender, receiver);
}
