/* server.h - the manager's event loop: one process, one poll(), many clients.
 *
 * Each connection first authenticates (auth.h, server side: challenge, then
 * answer), then sends requests, one frame each, that protocol.c runs on the
 * store one at a time, so every operation on an object is atomic.
 * docs/session3.md explains why a poll() loop and not a thread per client.
 */
#ifndef SESSION3_SERVER_H
#define SESSION3_SERVER_H

#include "store.h"

#include <stddef.h>

/* Most connections served at once; more are refused (accepted, sent
 * AUTH_REFUSED, closed). */
#define SERVER_MAX_CONNECTIONS 128

/* Most bytes of replies queued for one client that does not read them while
 * it sends more requests; past it, that client alone is dropped. A single
 * reply may be larger (a snapshot of a big list). */
#define SERVER_OUTPUT_MAX ((size_t)2 * 1024 * 1024)

/* 1 when a reply of len bytes may be queued behind `pending` unsent bytes:
 * always when nothing is pending (one reply may be larger than the cap),
 * else only when both together stay within SERVER_OUTPUT_MAX. */
int server_output_fits(size_t pending, size_t len);

/* The kernel's send buffer of each connection (SO_SNDBUF), in bytes. */
#define SERVER_SOCKET_BUFFER (128 * 1024)

/* When accept() finds no descriptor at all, the listener rests this long. */
#define SERVER_PAUSE_MS 1000

struct server_config {
    int listen_fd;              /* a listening socket, or -1 */
    const int *client_fds;      /* already connected sockets (socketpair ends) */
    size_t nclients;
    const void *key;            /* the authkey */
    size_t keylen;
    int log_fd;                 /* where to log one line per refused client, or -1 */
    int auth_timeout_ms;        /* a connection not authenticated by then is
                                   closed; 0 means SERVER_AUTH_TIMEOUT_MS */
};

/* How long a new connection may take to authenticate: a client that connects
 * and says nothing must not hold one of the slots forever. */
#define SERVER_AUTH_TIMEOUT_MS 10000

/* Serves until a client asks for shutdown (returns 0), or every client has
 * gone and there is no listening socket (returns 0), or poll/accept fail
 * (returns -1 with errno). Closes every connection it served. */
int server_run(struct store *s, const struct server_config *cfg);

#endif
