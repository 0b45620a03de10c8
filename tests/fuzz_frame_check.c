/* fuzz_frame_check.c - the frame_recv() rules; see fuzz_frame_check.h. */
#include "fuzz_frame_check.h"

#include "frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A pipe holding exactly these bytes, its write end closed (so the reader
 * sees end of file after them). Returns the read end, or -1. */
static int pipe_with(const uint8_t *data, size_t size)
{
    int fds[2];

    if (pipe(fds) == -1)
        return -1;
    if (size > 0 && write(fds[1], data, size) != (ssize_t)size) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    close(fds[1]);
    return fds[0];
}

/* frame_send() of what was received must give back the very same bytes. */
static int resend_matches(const char *payload, size_t len, const uint8_t *original)
{
    unsigned char again[FRAME_HEADER_SIZE + FUZZ_FRAME_MAX];
    int fds[2], same;

    if (pipe(fds) == -1)
        return 0;
    same = frame_send(fds[1], payload, len) == 0
        && read(fds[0], again, sizeof again) == (ssize_t)(FRAME_HEADER_SIZE + len)
        && memcmp(again, original, FRAME_HEADER_SIZE + len) == 0;
    close(fds[0]);
    close(fds[1]);
    return same;
}

/* The error frame_recv() must report for the bytes left at offset `at`. */
static int expected_error(const uint8_t *data, size_t size, size_t at)
{
    size_t left = size - at;

    if (left < FRAME_HEADER_SIZE)
        return EPROTO;
    if (frame_decode_header(data + at) > FUZZ_FRAME_MAX)
        return EMSGSIZE;
    return EPROTO;
}

const char *fuzz_frame_check(const uint8_t *data, size_t size)
{
    const char *broken = NULL;
    size_t at = 0;
    int fd;

    if (size > FUZZ_FRAME_INPUT_MAX)
        return NULL;
    fd = pipe_with(data, size);
    if (fd == -1)
        return NULL;            /* out of descriptors: not frame_recv's fault */
    while (broken == NULL) {
        char *payload = NULL;
        size_t len = 0;
        int got = frame_recv(fd, FUZZ_FRAME_MAX, &payload, &len);

        if (got == 0) {
            if (at != size)
                broken = "clean end reported before the last byte";
            break;
        }
        if (got == -1) {
            if (at == size)
                broken = "error instead of a clean end between frames";
            else if (errno != expected_error(data, size, at))
                broken = "wrong errno for a bad frame";
            break;
        }
        if (len > FUZZ_FRAME_MAX || size - at < FRAME_HEADER_SIZE + len)
            broken = "frame longer than the limit or the stream";
        else if (frame_decode_header(data + at) != len)
            broken = "length differs from the header";
        else if (memcmp(payload, data + at + FRAME_HEADER_SIZE, len) != 0)
            broken = "payload differs from the stream";
        else if (payload[len] != '\0')
            broken = "payload not NUL-terminated";
        else if (!resend_matches(payload, len, data + at))
            broken = "frame_send gives different bytes";
        at += FRAME_HEADER_SIZE + len;
        free(payload);
    }
    close(fd);
    return broken;
}
