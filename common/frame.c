/* frame.c - length-prefixed messages; see frame.h. */
#include "frame.h"

#include "io.h"
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void frame_encode_header(uint32_t len, unsigned char header[FRAME_HEADER_SIZE])
{
    header[0] = (unsigned char)(len >> 24);
    header[1] = (unsigned char)(len >> 16);
    header[2] = (unsigned char)(len >> 8);
    header[3] = (unsigned char)len;
}

uint32_t frame_decode_header(const unsigned char header[FRAME_HEADER_SIZE])
{
    return (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16
         | (uint32_t)header[2] << 8 | (uint32_t)header[3];
}

static int send_frame(int fd, const void *payload, size_t len)
{
    unsigned char header[FRAME_HEADER_SIZE];

    if (len > FRAME_LIMIT) {
        errno = EMSGSIZE;
        return -1;
    }
    frame_encode_header((uint32_t)len, header);

    /* Small frames go out in one write, so header and payload are not two
     * tiny packets or two wake-ups for the reader. */
    if (len <= 4096) {
        unsigned char one[FRAME_HEADER_SIZE + 4096];

        memcpy(one, header, FRAME_HEADER_SIZE);
        if (len > 0)
            memcpy(one + FRAME_HEADER_SIZE, payload, len);
        return write_all(fd, one, FRAME_HEADER_SIZE + len);
    }
    if (write_all(fd, header, FRAME_HEADER_SIZE) == -1)
        return -1;
    return write_all(fd, payload, len);
}

static int recv_frame(int fd, size_t max, char **payload, size_t *len)
{
    unsigned char header[FRAME_HEADER_SIZE];
    ssize_t got;
    uint32_t size;
    char *buf;

    got = read_full(fd, header, sizeof header);
    if (got == -1)
        return -1;
    if (got == 0)
        return 0;               /* closed between frames: a clean end */
    if (got < (ssize_t)sizeof header) {
        errno = EPROTO;         /* closed in the middle of a header */
        return -1;
    }
    size = frame_decode_header(header);
    if (size > max) {
        errno = EMSGSIZE;       /* refused before allocating anything */
        return -1;
    }
    buf = malloc((size_t)size + 1);
    if (buf == NULL)
        return -1;
    got = read_full(fd, buf, size);
    if (got != (ssize_t)size) {
        int saved = got == -1 ? errno : EPROTO;

        free(buf);
        errno = saved;
        return -1;
    }
    buf[size] = '\0';
    *payload = buf;
    *len = size;
    return 1;
}

/* --trace: each send and recv is a span (a recv waits for its message, a
 * send for room in the kernel's buffer), with the message's first bytes
 * (session5's conn.send()/conn.recv(); session3's and session8's messages). */
static const struct trace_kind kind_send_begin = {
    "send", "message", 'B', { "bytes", NULL, NULL, NULL }, "message" };
static const struct trace_kind kind_send_end = {
    "send", "message", 'E', { "result", NULL, NULL, NULL }, NULL };
static const struct trace_kind kind_recv_begin = {
    "recv", "message", 'B', { NULL, NULL, NULL, NULL }, NULL };
static const struct trace_kind kind_recv_end = {
    "recv", "message", 'E', { "result", "bytes", NULL, NULL }, "message" };

int frame_send(int fd, const void *payload, size_t len)
{
    int rc;

    trace_text(&kind_send_begin, (long)len, 0, payload, len);
    rc = send_frame(fd, payload, len);
    trace_event(&kind_send_end, rc, 0, 0, 0);
    return rc;
}

int frame_recv(int fd, size_t max, char **payload, size_t *len)
{
    int rc;

    trace_event(&kind_recv_begin, 0, 0, 0, 0);
    rc = recv_frame(fd, max, payload, len);
    if (rc == 1)
        trace_text(&kind_recv_end, rc, (long)*len, *payload, *len);
    else
        trace_text(&kind_recv_end, rc, 0, "", 0);
    return rc;
}
