/* proxy.c - read 2nd, after session3.c: a proxy call packs a request, sends
 * it in one frame and waits for the reply (proxy.h). Next: protocol.c. */
#include "proxy.h"

#include "args.h"
#include "auth.h"
#include "frame.h"
#include "protocol.h"
#include "pylist.h"

#include <errno.h>
#include <msgpack.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int manager_attach(struct manager *m, int fd, const void *key, size_t keylen)
{
    m->fd = fd;
    m->error[0] = '\0';
    m->timeout_s = 0;
    if (auth_client(fd, key, keylen) == -1) {
        int saved = errno;

        close(fd);
        m->fd = -1;
        errno = saved;
        if (saved == EBUSY) {       /* the manager sent AUTH_REFUSED */
            snprintf(m->error, sizeof m->error, "server full, try again later");
            return PROXY_REFUSED;
        }
        return -1;
    }
    return 0;
}

/* SO_RCVTIMEO and SO_SNDTIMEO bound every read and write on the socket, and
 * on Linux SO_SNDTIMEO bounds connect() too. */
static int limit_waits(int fd, int seconds)
{
    struct timeval tv = { .tv_sec = seconds, .tv_usec = 0 };

    if (seconds <= 0)
        return 0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1
        || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1)
        return -1;
    return 0;
}

int manager_connect(struct manager *m, const char *host, const char *port,
                    const void *key, size_t keylen)
{
    return manager_connect_within(m, host, port, key, keylen, 0);
}

int manager_connect_within(struct manager *m, const char *host, const char *port,
                           const void *key, size_t keylen, int seconds)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *list, *ai;
    int fd = -1, gai, rc;

    m->fd = -1;
    m->timeout_s = seconds;
    gai = getaddrinfo(host, port, &hints, &list);
    if (gai == EAI_SYSTEM)
        return -1;              /* errno says why */
    if (gai != 0) {
        /* Not an errno value: its own text, from gai_strerror. */
        snprintf(m->error, sizeof m->error, "%s", gai_strerror(gai));
        return PROXY_NO_ADDRESS;
    }
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd == -1)
            continue;
        if (limit_waits(fd, seconds) == 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd == -1)
        return -1;
    rc = manager_attach(m, fd, key, keylen);
    m->timeout_s = seconds;
    return rc;
}

int manager_close(struct manager *m)
{
    int fd = m->fd;

    m->fd = -1;
    return fd == -1 ? 0 : close(fd);
}

/* Sends the packed request, waits for the reply, and leaves its result in
 * unpacked/result. The caller destroys unpacked (also on error). */
static int call(struct manager *m, const msgpack_sbuffer *request,
                msgpack_unpacked *unpacked, msgpack_object *result, char **reply)
{
    const char *message;
    size_t len, msglen;
    int got, ok;

    *reply = NULL;
    if (frame_send(m->fd, request->data, request->size) == -1)
        return -1;
    got = frame_recv(m->fd, PROTOCOL_REPLY_MAX, reply, &len);
    if (got != 1) {
        if (got == 0 || errno == EPROTO)
            errno = ECONNRESET;     /* the manager hung up, maybe inside a reply */
        return -1;
    }
    ok = protocol_parse_reply(unpacked, *reply, len, result, &message, &msglen);
    if (ok == -1) {
        errno = EPROTO;
        return -1;
    }
    if (ok == 0) {
        snprintf(m->error, sizeof m->error, "%.*s", (int)msglen, message);
        return PROXY_REFUSED;
    }
    return 0;
}

/* The common shape of a proxy call: pack [method, id, ...], call, and hand
 * the result to take() (which may be NULL). */
struct call_args {
    const char *method;
    uint64_t id;
    int nargs;
    const char *key;            /* a string argument, or NULL */
    const struct record *record;
    int has_int;                /* an integer argument, after key if any */
    int64_t integer;
};

typedef int (*take_fn)(const msgpack_object *result, void *out);

int record_parse(const char *text, struct record *r, char *msg, size_t msglen)
{
    const char *colon = strrchr(text, ':');
    size_t namelen;
    long score;

    if (colon == NULL || colon == text) {
        snprintf(msg, msglen, "invalid --insert '%s' (accepted: NAME:SCORE, e.g. Jeff:8)", text);
        return -1;
    }
    namelen = (size_t)(colon - text);
    if (namelen >= RECORD_NAME_MAX) {
        snprintf(msg, msglen, "--insert name is too long (accepted: at most %d bytes)",
                 RECORD_NAME_MAX - 1);
        return -1;
    }
    if (arg_long(colon + 1, "score", INT64_MIN, INT64_MAX, &score, msg, msglen) == -1)
        return -1;
    memcpy(r->name, text, namelen);
    r->name[namelen] = '\0';
    r->score = score;
    return 0;
}

int address_parse(const char *text, const char *what, long min_port,
                  char host[ADDRESS_HOST_SIZE], char port[ADDRESS_PORT_SIZE],
                  char *msg, size_t msglen)
{
    const char *start = text[0] == '[' ? text + 1 : text;
    const char *end = text[0] == '[' ? strchr(start, ']') : strrchr(text, ':');
    size_t hostlen;
    long number;

    if (text[0] == '[') {
        if (end == NULL || end[1] != ':') {
            snprintf(msg, msglen, "invalid %s '%s' (accepted: HOST:PORT or [IPV6]:PORT, "
                     "e.g. [::1]:5000)", what, text);
            return -1;
        }
        end++;
    }
    if (end == NULL || end == start || (start != text && end == start + 1)) {
        snprintf(msg, msglen, "invalid %s '%s' (accepted: HOST:PORT, e.g. 127.0.0.1:5000)",
                 what, text);
        return -1;
    }
    hostlen = (size_t)(end - start) - (start != text);
    if (hostlen >= ADDRESS_HOST_SIZE) {
        snprintf(msg, msglen, "%s host is too long (accepted: at most %d bytes)", what,
                 ADDRESS_HOST_SIZE - 1);
        return -1;
    }
    if (arg_long(end + 1, "port", min_port, 65535, &number, msg, msglen) == -1)
        return -1;
    memcpy(host, start, hostlen);
    host[hostlen] = '\0';
    snprintf(port, ADDRESS_PORT_SIZE, "%ld", number);
    return 0;
}

static void pack_record(msgpack_packer *pk, const struct record *r)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_str_with_body(pk, r->name, strlen(r->name));
    msgpack_pack_int64(pk, r->score);
}

void record_pack(const struct record *r, msgpack_sbuffer *buf)
{
    msgpack_packer pk;

    msgpack_packer_init(&pk, buf, msgpack_sbuffer_write);
    pack_record(&pk, r);
}

static int proxy_call(struct manager *m, const struct call_args *a, take_fn take, void *out)
{
    msgpack_sbuffer request;
    msgpack_packer pk;
    msgpack_unpacked unpacked;
    msgpack_object result;
    char *reply;
    int rc;

    msgpack_sbuffer_init(&request);
    msgpack_packer_init(&pk, &request, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 2 + (a->key != NULL) + (a->record != NULL) + a->has_int);
    msgpack_pack_str_with_body(&pk, a->method, strlen(a->method));
    msgpack_pack_uint64(&pk, a->id);
    if (a->key != NULL)
        msgpack_pack_str_with_body(&pk, a->key, strlen(a->key));
    if (a->record != NULL)
        pack_record(&pk, a->record);
    if (a->has_int)
        msgpack_pack_int64(&pk, a->integer);
    msgpack_unpacked_init(&unpacked);
    rc = call(m, &request, &unpacked, &result, &reply);
    if (rc == 0 && take != NULL && take(&result, out) == -1) {
        errno = EPROTO;
        rc = -1;
    }
    msgpack_unpacked_destroy(&unpacked);
    msgpack_sbuffer_destroy(&request);
    free(reply);
    return rc;
}

static int take_u64(const msgpack_object *o, void *out)
{
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return -1;
    *(uint64_t *)out = o->via.u64;
    return 0;
}

static int take_i64(const msgpack_object *o, void *out)
{
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER
        || (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX)) {
        *(int64_t *)out = o->via.i64;
        return 0;
    }
    return -1;
}

static int take_name(const msgpack_object *o, struct record *r)
{
    if (o->type != MSGPACK_OBJECT_STR || o->via.str.size >= RECORD_NAME_MAX
        || memchr(o->via.str.ptr, '\0', o->via.str.size) != NULL)
        return -1;
    memcpy(r->name, o->via.str.ptr, o->via.str.size);
    r->name[o->via.str.size] = '\0';
    return 0;
}

/* A record is the tuple (name, score). */
static int take_record(const msgpack_object *o, void *out)
{
    struct record *r = out;

    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 2)
        return -1;
    if (take_name(&o->via.array.ptr[0], r) == -1)
        return -1;
    return take_i64(&o->via.array.ptr[1], &r->score);
}

struct record_list {
    struct record *items;
    size_t count;
};

static int take_records(const msgpack_object *o, void *out)
{
    struct record_list *list = out;
    int is_map = o->type == MSGPACK_OBJECT_MAP;
    size_t n = is_map ? o->via.map.size : o->via.array.size;

    if (!is_map && o->type != MSGPACK_OBJECT_ARRAY)
        return -1;
    list->items = malloc((n > 0 ? n : 1) * sizeof *list->items);
    if (list->items == NULL)
        return -1;
    for (list->count = 0; list->count < n; list->count++) {
        struct record *r = &list->items[list->count];
        int bad = is_map ? take_name(&o->via.map.ptr[list->count].key, r) == -1
                           || take_i64(&o->via.map.ptr[list->count].val, &r->score) == -1
                         : take_record(&o->via.array.ptr[list->count], r) == -1;

        if (bad) {
            free(list->items);
            list->items = NULL;
            return -1;
        }
    }
    return 0;
}

int manager_shutdown(struct manager *m)
{
    return proxy_call(m, &(struct call_args){ .method = "shutdown" }, NULL, NULL);
}

int manager_list(struct manager *m, uint64_t *id)
{
    return proxy_call(m, &(struct call_args){ .method = "create_list" }, take_u64, id);
}

int manager_dict(struct manager *m, uint64_t *id)
{
    return proxy_call(m, &(struct call_args){ .method = "create_dict" }, take_u64, id);
}

int proxy_len(struct manager *m, uint64_t id, size_t *len)
{
    uint64_t n;
    int rc = proxy_call(m, &(struct call_args){ .method = "len", .id = id }, take_u64, &n);

    if (rc == 0)
        *len = (size_t)n;
    return rc;
}

int list_append_record(struct manager *m, uint64_t id, const struct record *r)
{
    return proxy_call(m, &(struct call_args){ .method = "append", .id = id, .record = r },
                      NULL, NULL);
}

int list_get_record(struct manager *m, uint64_t id, int64_t index, struct record *r)
{
    return proxy_call(m, &(struct call_args){ .method = "getitem", .id = id,
                                              .has_int = 1, .integer = index },
                      take_record, r);
}

static int snapshot(struct manager *m, uint64_t id, struct record **records, size_t *count)
{
    struct record_list list = { NULL, 0 };
    int rc = proxy_call(m, &(struct call_args){ .method = "items", .id = id },
                        take_records, &list);

    if (rc == 0) {
        *records = list.items;
        *count = list.count;
    }
    return rc;
}

int list_records(struct manager *m, uint64_t id, struct record **records, size_t *count)
{
    return snapshot(m, id, records, count);
}

int dict_set_score(struct manager *m, uint64_t id, const char *name, int64_t score)
{
    return proxy_call(m, &(struct call_args){ .method = "setitem", .id = id, .key = name,
                                              .has_int = 1, .integer = score },
                      NULL, NULL);
}

int dict_get_score(struct manager *m, uint64_t id, const char *name, int64_t *score)
{
    return proxy_call(m, &(struct call_args){ .method = "getitem", .id = id, .key = name },
                      take_i64, score);
}

int dict_records(struct manager *m, uint64_t id, struct record **records, size_t *count)
{
    return snapshot(m, id, records, count);
}

struct shown_name name_shown(const char *name)
{
    struct shown_name shown = { "" };

    py_escape(shown.text, sizeof shown.text, name, strnlen(name, RECORD_NAME_MAX));
    return shown;
}
