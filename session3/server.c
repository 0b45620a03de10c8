/* server.c - read 5th: the manager's one poll() loop; each client has its own
 * input and output buffers, so none blocks the others. Next: auth.c. */
#include "server.h"
#include "trace.h"

#include "auth.h"
#include "frame.h"
#include "io.h"
#include "protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <msgpack.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Where a connection is in its life. The handshake follows CPython's server:
 * deliver_challenge (we check the client), then answer_challenge. */
enum conn_state {
    WANT_ANSWER,        /* we sent a challenge; waiting for the client's answer */
    WANT_CHALLENGE,     /* waiting for the client's challenge to us */
    WANT_WELCOME,       /* we answered; waiting for the client's verdict */
    READY,              /* authenticated: requests */
};

struct conn {
    int fd;
    enum conn_state state;
    unsigned char challenge[AUTH_CHALLENGE_SIZE];
    unsigned char header[FRAME_HEADER_SIZE];
    size_t header_got;
    char *payload;      /* the frame being read; NULL while reading a header */
    size_t payload_len, payload_got;
    char *out;          /* replies not yet written: out[out_sent..out_len) */
    size_t out_len, out_sent, out_cap;
    long long auth_deadline;    /* ms on the monotonic clock */
};

struct server {
    struct store *store;
    const struct server_config *cfg;
    struct conn conns[SERVER_MAX_CONNECTIONS];
    size_t nconns;
    int shutdown;
    int reserve_fd;             /* /dev/null, closed to make room when accept()
                                   runs out of descriptors; -1 when not held */
    long long paused_until;     /* the listener is not polled before then (ms) */
};

static void log_line(const struct server *srv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One line, one write(), so lines from several processes never mix. */
static void log_line(const struct server *srv, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int len;

    if (srv->cfg->log_fd == -1)
        return;
    len = snprintf(line, sizeof line, "manager: ");
    va_start(ap, fmt);
    len += vsnprintf(line + len, sizeof line - (size_t)len - 1, fmt, ap);
    va_end(ap);
    if (len > (int)sizeof line - 2)
        len = (int)sizeof line - 2;
    line[len++] = '\n';
    (void)write_all(srv->cfg->log_fd, line, (size_t)len);
}

/* Milliseconds on a clock that never jumps (unlike the time of day). */
static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void conn_drop(struct server *srv, size_t i);

/* Writes what the socket takes now, never waiting. Returns 0, or -1 when
 * the connection is broken. */
static int conn_flush(struct conn *c)
{
    while (c->out_sent < c->out_len) {
        ssize_t put = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent,
                           MSG_DONTWAIT | MSG_NOSIGNAL);

        if (put == -1)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
        c->out_sent += (size_t)put;
    }
    c->out_len = c->out_sent = 0;
    return 0;
}

int server_output_fits(size_t pending, size_t len)
{
    return pending == 0 || (len <= SERVER_OUTPUT_MAX && pending <= SERVER_OUTPUT_MAX - len);
}

/* Queues one frame for connection c and writes what it can at once; the
 * rest goes out when poll() says the socket is writable. A client that lets
 * more than SERVER_OUTPUT_MAX bytes of replies pile up is dropped. Returns
 * 0, or -1 to drop the connection. */
static int conn_send(struct server *srv, struct conn *c, const void *payload, size_t len)
{
    size_t pending = c->out_len - c->out_sent, need;

    if (!server_output_fits(pending, len)) {
        log_line(srv, "client does not read its replies (over %zu bytes waiting), "
                 "connection closed", SERVER_OUTPUT_MAX);
        errno = ENOBUFS;
        return -1;
    }
    if (c->out_sent > 0) {      /* move what is left to the front first */
        memmove(c->out, c->out + c->out_sent, pending);
        c->out_len = pending;
        c->out_sent = 0;
    }
    need = c->out_len + FRAME_HEADER_SIZE + len;
    if (need > c->out_cap) {
        char *bigger = realloc(c->out, need);

        if (bigger == NULL) {
            errno = ENOMEM;
            return -1;
        }
        c->out = bigger;
        c->out_cap = need;
    }
    frame_encode_header((uint32_t)len, (unsigned char *)c->out + c->out_len);
    memcpy(c->out + c->out_len + FRAME_HEADER_SIZE, payload, len);
    c->out_len = need;
    return conn_flush(c);
}

/* The kernel would grow a socket's send buffer up to megabytes for a
 * client that does not read; fixed at SERVER_SOCKET_BUFFER, what such a
 * client has not read waits in c->out instead, where the cap applies. */
static void limit_kernel_buffer(int fd)
{
    int size = SERVER_SOCKET_BUFFER;

    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
}

/* A connection the manager has no room for is told so (AUTH_REFUSED, at
 * most one try, never waiting) and closed. */
static void refuse(int fd)
{
    unsigned char msg[FRAME_HEADER_SIZE + sizeof AUTH_REFUSED - 1];

    frame_encode_header(sizeof AUTH_REFUSED - 1, msg);
    memcpy(msg + FRAME_HEADER_SIZE, AUTH_REFUSED, sizeof AUTH_REFUSED - 1);
    (void)send(fd, msg, sizeof msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    close(fd);
}

/* Every slot is taken: closes the connection that has waited longest
 * without authenticating, so that connections which never answer (a
 * scanner, or an attacker opening many) cannot keep real clients out until
 * their timeout. Returns 1 when a slot was freed, 0 when every connection
 * has authenticated. */
static int make_room(struct server *srv)
{
    size_t oldest = srv->nconns;

    for (size_t i = 0; i < srv->nconns; i++)
        if (srv->conns[i].state != READY
            && (oldest == srv->nconns
                || srv->conns[i].auth_deadline < srv->conns[oldest].auth_deadline))
            oldest = i;
    if (oldest == srv->nconns)
        return 0;
    log_line(srv, "every slot taken: closed the oldest connection that had not authenticated");
    conn_drop(srv, oldest);
    return 1;
}

static int conn_add(struct server *srv, int fd)
{
    struct conn *c;

    if (srv->nconns == SERVER_MAX_CONNECTIONS && !make_room(srv)) {
        log_line(srv, "too many connections, refused one");
        refuse(fd);
        return 0;
    }
    c = &srv->conns[srv->nconns];
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->state = WANT_ANSWER;
    c->auth_deadline = now_ms() + (srv->cfg->auth_timeout_ms > 0 ? srv->cfg->auth_timeout_ms
                                                                 : SERVER_AUTH_TIMEOUT_MS);
    limit_kernel_buffer(fd);
    srv->nconns++;
    if (auth_make_challenge(c->challenge) == -1
        || conn_send(srv, c, c->challenge, sizeof c->challenge) == -1) {
        log_line(srv, "could not send a challenge");
        conn_drop(srv, srv->nconns - 1);
    }
    return 0;
}

/* Forgets connection i: its socket closed, its buffers freed. */
static void conn_drop(struct server *srv, size_t i)
{
    close(srv->conns[i].fd);
    free(srv->conns[i].payload);
    free(srv->conns[i].out);
    srv->conns[i] = srv->conns[--srv->nconns];
}

static int send_text(struct server *srv, struct conn *c, const char *text)
{
    return conn_send(srv, c, text, strlen(text));
}

/* The frame of an authentication step. Returns 0 to keep the connection,
 * -1 to drop it. */
static int handle_auth(struct server *srv, struct conn *c, const char *msg, size_t len)
{
    unsigned char answer[AUTH_ANSWER_SIZE];

    switch (c->state) {
    case WANT_ANSWER:
        if (!auth_answer_is_right(srv->cfg->key, srv->cfg->keylen, c->challenge, msg, len)) {
            log_line(srv, "authentication failed, connection closed");
            (void)send_text(srv, c, AUTH_FAILURE);
            return -1;
        }
        c->state = WANT_CHALLENGE;
        return send_text(srv, c, AUTH_WELCOME);
    case WANT_CHALLENGE:
        if (auth_make_answer(srv->cfg->key, srv->cfg->keylen, msg, len, answer) == -1) {
            log_line(srv, "malformed challenge, connection closed");
            return -1;
        }
        c->state = WANT_WELCOME;
        return conn_send(srv, c, answer, sizeof answer);
    case WANT_WELCOME:
        if (len != strlen(AUTH_WELCOME) || memcmp(msg, AUTH_WELCOME, len) != 0) {
            log_line(srv, "client did not accept our key, connection closed");
            return -1;
        }
        c->state = READY;
        return 0;
    case READY:
        break;
    }
    return -1;
}

/* What protocol_handle's reply_error packs for "out of memory", made
 * beforehand: when memory has run out, sending this reply needs none. */
static const char no_memory_reply[] = "\x92\xa5" "error" "\xad" "out of memory";

/* Out of memory, while building the reply or queueing it: the client gets
 * the "out of memory" reply, the log says so, and the connection, whose
 * next request would most likely fail the same way, is closed (-1). */
static int out_of_memory(struct server *srv, struct conn *c)
{
    /* The line first: once the client has its reply, it may stop us. */
    log_line(srv, "out of memory handling a request: replied so, connection closed");
    (void)conn_send(srv, c, no_memory_reply, sizeof no_memory_reply - 1);
    return -1;
}

/* --trace: each request the manager handles, named by its method (the
 * request is [method, id, ...]: a fixarray, then a fixstr). */
static const struct trace_kind kind_handle_begin = {
    "handle request", "manager", 'B', { "bytes", NULL, NULL, NULL }, "method" };
static const struct trace_kind kind_handle_end = {
    "handle request", "manager", 'E', { "result", NULL, NULL, NULL }, NULL };

static void trace_request(const char *msg, size_t len)
{
    const unsigned char *m = (const unsigned char *)msg;
    size_t name = len >= 2 && (m[1] & 0xe0) == 0xa0 ? (size_t)(m[1] & 0x1f) : 0;

    if (len >= 2 + name && (m[0] & 0xf0) == 0x90 && name > 0)
        trace_text(&kind_handle_begin, (long)len, 0, msg + 2, name);
    else
        trace_text(&kind_handle_begin, (long)len, 0, "?", 1);
}

static int handle_request(struct server *srv, struct conn *c, const char *msg, size_t len)
{
    msgpack_sbuffer reply;
    int rc;

    if (trace_self != NULL)
        trace_request(msg, len);
    msgpack_sbuffer_init(&reply);
    rc = protocol_handle(srv->store, msg, len, &reply, &srv->shutdown);
    if (rc == 0) {
        errno = 0;
        rc = conn_send(srv, c, reply.data, reply.size);
        if (rc == -1 && errno == ENOMEM)
            rc = out_of_memory(srv, c);
    } else {
        rc = out_of_memory(srv, c);
    }
    msgpack_sbuffer_destroy(&reply);
    trace_event(&kind_handle_end, rc, 0, 0, 0);
    return rc;
}

/* The largest frame a connection may send in its current state. */
static size_t frame_max(const struct conn *c)
{
    return c->state == READY ? PROTOCOL_REQUEST_MAX : AUTH_MESSAGE_MAX;
}

/* Reads what has arrived on connection c without blocking, and handles each
 * complete frame. Returns 0 to keep the connection, -1 to drop it. */
static int conn_readable(struct server *srv, struct conn *c)
{
    for (;;) {
        ssize_t got;

        if (c->payload == NULL && c->header_got < FRAME_HEADER_SIZE)
            got = recv(c->fd, c->header + c->header_got, FRAME_HEADER_SIZE - c->header_got,
                       MSG_DONTWAIT);
        else
            got = recv(c->fd, c->payload + c->payload_got, c->payload_len - c->payload_got,
                       MSG_DONTWAIT);
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return 0;
        if (got <= 0) {
            if (got == 0 && (c->header_got > 0 || c->payload != NULL))
                log_line(srv, "client hung up inside a frame, connection closed");
            return -1;
        }
        if (c->payload == NULL) {
            uint32_t len;

            c->header_got += (size_t)got;
            if (c->header_got < FRAME_HEADER_SIZE)
                continue;
            len = frame_decode_header(c->header);
            /* Checked before allocating: a length is only a claim. */
            if (len > frame_max(c)) {
                log_line(srv, "frame of %lu bytes is over the limit, connection closed",
                         (unsigned long)len);
                return -1;
            }
            c->payload = malloc(len > 0 ? len : 1);
            if (c->payload == NULL)
                return -1;
            c->payload_len = len;
            c->payload_got = 0;
        } else {
            c->payload_got += (size_t)got;
        }
        if (c->payload_got == c->payload_len) {
            int rc = c->state == READY
                         ? handle_request(srv, c, c->payload, c->payload_len)
                         : handle_auth(srv, c, c->payload, c->payload_len);

            free(c->payload);
            c->payload = NULL;
            c->header_got = 0;
            if (rc == -1 || srv->shutdown)
                return rc;
        }
    }
}

/* accept() failed for lack of descriptors (EMFILE: this process, ENFILE:
 * the system). The waiting client stays in the listen queue, so poll()
 * would report the listener again at once: a loop at 100% CPU. Instead,
 * free a descriptor (the oldest connection that has not authenticated, or
 * the reserve), accept the client and tell it the manager is full; when
 * even that fails, stop polling the listener for a second. */
static int out_of_descriptors(struct server *srv)
{
    int fd;

    if (make_room(srv)) {
        fd = accept(srv->cfg->listen_fd, NULL, NULL);
        return fd == -1 ? 0 : conn_add(srv, fd);
    }
    if (srv->reserve_fd != -1) {
        close(srv->reserve_fd);
        fd = accept(srv->cfg->listen_fd, NULL, NULL);
        if (fd != -1) {
            log_line(srv, "out of file descriptors, refused one");
            refuse(fd);
        }
        srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd != -1)
            return 0;
    }
    log_line(srv, "out of file descriptors, not accepting for %d ms", SERVER_PAUSE_MS);
    srv->paused_until = now_ms() + SERVER_PAUSE_MS;
    return 0;
}

static int accept_one(struct server *srv)
{
    int fd = accept(srv->cfg->listen_fd, NULL, NULL);

    if (fd == -1 && (errno == EMFILE || errno == ENFILE))
        return out_of_descriptors(srv);
    if (fd == -1)
        /* The client may have gone already, or a signal came: not fatal. */
        return errno == ECONNABORTED || errno == EINTR || errno == EAGAIN ? 0 : -1;
    return conn_add(srv, fd);
}

/* How long poll() may wait: until the nearest authentication deadline or
 * the end of a pause of the listener, or for ever (-1) when there is none. */
static int poll_timeout(const struct server *srv)
{
    long long nearest = srv->paused_until > 0 ? srv->paused_until : -1, now = now_ms();

    for (size_t i = 0; i < srv->nconns; i++)
        if (srv->conns[i].state != READY
            && (nearest == -1 || srv->conns[i].auth_deadline < nearest))
            nearest = srv->conns[i].auth_deadline;
    if (nearest == -1)
        return -1;
    return nearest <= now ? 0 : (int)(nearest - now);
}

/* Closes the connections that did not authenticate in time. */
static void drop_late(struct server *srv)
{
    long long now = now_ms();

    for (size_t i = srv->nconns; i-- > 0;)
        if (srv->conns[i].state != READY && srv->conns[i].auth_deadline <= now) {
            log_line(srv, "no authentication in time, connection closed");
            conn_drop(srv, i);
        }
}

/* One round of poll(): the listening socket first, then every connection. */
static int serve_once(struct server *srv)
{
    struct pollfd fds[SERVER_MAX_CONNECTIONS + 1];
    size_t n = srv->nconns, first = srv->cfg->listen_fd != -1;

    if (srv->paused_until > 0 && now_ms() >= srv->paused_until)
        srv->paused_until = 0;
    if (first) {
        /* A negative fd is skipped by poll(): the listener while paused. */
        fds[0].fd = srv->paused_until > 0 ? -1 : srv->cfg->listen_fd;
        fds[0].events = POLLIN;
        fds[0].revents = 0;
    }
    for (size_t i = 0; i < n; i++) {
        struct conn *c = &srv->conns[i];

        fds[first + i].fd = c->fd;
        fds[first + i].events = (short)(POLLIN | (c->out_len > c->out_sent ? POLLOUT : 0));
    }
    if (poll(fds, first + n, poll_timeout(srv)) == -1)
        return errno == EINTR ? 0 : -1;
    /* Backwards, so that dropping connection i (which moves the last one
     * into its place) does not skip anyone. */
    for (size_t i = n; i-- > 0;) {
        short ev = fds[first + i].revents;

        if (ev == 0)
            continue;
        if (((ev & POLLOUT) && conn_flush(&srv->conns[i]) == -1)
            || ((ev & ~POLLOUT) && conn_readable(srv, &srv->conns[i]) == -1))
            conn_drop(srv, i);
        if (srv->shutdown)
            return 0;
    }
    drop_late(srv);
    if (first && (fds[0].revents & POLLIN))
        return accept_one(srv);
    return 0;
}

int server_run(struct store *s, const struct server_config *cfg)
{
    struct server *srv = calloc(1, sizeof *srv);
    int rc = 0;

    if (srv == NULL)
        return -1;
    srv->store = s;
    srv->cfg = cfg;
    srv->reserve_fd = cfg->listen_fd == -1 ? -1 : open("/dev/null", O_RDONLY | O_CLOEXEC);
    for (size_t i = 0; i < cfg->nclients; i++)
        conn_add(srv, cfg->client_fds[i]);
    while (!srv->shutdown && rc == 0 && (cfg->listen_fd != -1 || srv->nconns > 0))
        rc = serve_once(srv);
    /* The last replies (the one to "shutdown" among them): one more try. */
    while (srv->nconns > 0) {
        (void)conn_flush(&srv->conns[srv->nconns - 1]);
        conn_drop(srv, srv->nconns - 1);
    }
    if (srv->reserve_fd != -1)
        close(srv->reserve_fd);
    free(srv);
    return rc;
}
