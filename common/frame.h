/* frame.h - messages over a byte stream, never merged and never split.
 *
 * A pipe or a stream socket carries bytes, not messages: two writes may
 * arrive as one read, and one write as two. A frame puts the length first:
 *
 *     +----------------------------+---------------------------+
 *     | length: 4 bytes, big-endian | payload: length bytes     |
 *     +----------------------------+---------------------------+
 *
 * The receiver reads the length, checks it against a maximum *before*
 * allocating (a hostile or broken peer cannot make it allocate 4 GiB), then
 * reads exactly that many bytes. Empty messages are allowed.
 * docs/session5.md explains it.
 */
#ifndef COMMON_FRAME_H
#define COMMON_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER_SIZE 4

/* The largest payload a frame can describe. */
#define FRAME_LIMIT UINT32_MAX

/* Sends one frame. Returns 0, or -1 with errno (EMSGSIZE when len does not
 * fit in the 4-byte length). */
int frame_send(int fd, const void *payload, size_t len);

/* Receives one frame of at most max bytes into a new buffer (malloc'd, with
 * a '\0' after the payload so text can be used as a C string; the caller
 * frees it). Returns:
 *   1  a frame arrived: *payload and *len are set
 *   0  the peer closed the stream cleanly, between frames
 *  -1  error, with errno: EMSGSIZE when the announced length exceeds max
 *      (nothing is allocated), EPROTO when the stream ended inside a frame,
 *      or the errno of read() or malloc(). */
int frame_recv(int fd, size_t max, char **payload, size_t *len);

/* The header bytes for a payload of len bytes, and back: for code that
 * reads frames without blocking (a poll() loop) and keeps its own buffer. */
void frame_encode_header(uint32_t len, unsigned char header[FRAME_HEADER_SIZE]);
uint32_t frame_decode_header(const unsigned char header[FRAME_HEADER_SIZE]);

#endif
