/* fuzz_manager_check.c - the manager's request rules; see fuzz_manager_check.h.
 * The checker decodes each request itself (msgpack-c) to know what the reply
 * and the store should look like, and compares.
 */
#include "fuzz_manager_check.h"

#include "frame.h"
#include "protocol.h"
#include "store.h"

#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ encoding */

/* Packs one value described by fmt: "[N" an array of N, "{N" a map of N
 * pairs, "s" a string, "i" a long long, "u" an unsigned long long, "f" a
 * double, "n" nil; spaces are ignored. ["append", 1, ["Jeff", 8]] is
 * pack_fmt(pk, "[3 s i [2 s i", "append", 1LL, "Jeff", 8LL). */
static void pack_fmt(msgpack_packer *pk, const char *fmt, va_list ap)
{
    for (const char *p = fmt; *p != '\0'; p++) {
        const char *s;

        switch (*p) {
        case '[': msgpack_pack_array(pk, (size_t)strtoul(p + 1, NULL, 10)); break;
        case '{': msgpack_pack_map(pk, (size_t)strtoul(p + 1, NULL, 10)); break;
        case 's':
            s = va_arg(ap, const char *);
            msgpack_pack_str_with_body(pk, s, strlen(s));
            break;
        case 'i': msgpack_pack_int64(pk, va_arg(ap, long long)); break;
        case 'u': msgpack_pack_uint64(pk, va_arg(ap, unsigned long long)); break;
        case 'f': msgpack_pack_double(pk, va_arg(ap, double)); break;
        case 'n': msgpack_pack_nil(pk); break;
        default: break;         /* digits of a count, spaces */
        }
    }
}

/* Appends bytes to a conversation in a frame whose header announces
 * `declared` bytes (a lie, for the truncated seeds, when it is not len). */
static void add_frame(msgpack_sbuffer *conv, const char *bytes, size_t len, uint32_t declared)
{
    unsigned char header[FRAME_HEADER_SIZE];

    frame_encode_header(declared, header);
    msgpack_sbuffer_write(conv, (const char *)header, sizeof header);
    msgpack_sbuffer_write(conv, bytes, len);
}

/* Appends one request, packed as fmt says, in an honest frame. */
static void add_request(msgpack_sbuffer *conv, const char *fmt, ...)
{
    msgpack_sbuffer req;
    msgpack_packer pk;
    va_list ap;

    msgpack_sbuffer_init(&req);
    msgpack_packer_init(&pk, &req, msgpack_sbuffer_write);
    va_start(ap, fmt);
    pack_fmt(&pk, fmt, ap);
    va_end(ap);
    add_frame(conv, req.data, req.size, (uint32_t)req.size);
    msgpack_sbuffer_destroy(&req);
}

/* The append request of the tutorial's p1, cut: its header tells the whole
 * length but only `keep` bytes follow, or the header itself is short. */
static void add_cut_append(msgpack_sbuffer *conv, size_t keep, int header_lies)
{
    msgpack_sbuffer whole;

    msgpack_sbuffer_init(&whole);
    add_request(&whole, "[3 s i [2 s i", "append", 1LL, "Jeff", 8LL);
    if (header_lies) {          /* the frame says 3 bytes fewer than it holds */
        add_frame(conv, whole.data + FRAME_HEADER_SIZE, whole.size - FRAME_HEADER_SIZE,
                  (uint32_t)(whole.size - FRAME_HEADER_SIZE - 3));
    } else {
        msgpack_sbuffer_write(conv, whole.data, FRAME_HEADER_SIZE + keep);
    }
    msgpack_sbuffer_destroy(&whole);
}

/* ------------------------------------------------------------ the seeds */

/* A conversation that uses every method on objects it makes itself. */
static void add_session(msgpack_sbuffer *c)
{
    add_request(c, "[2 s i", "create_dict", 0LL);                       /* id 3 */
    add_request(c, "[4 s i s i", "setitem", 3LL, "Ann", 1LL);
    add_request(c, "[4 s i s i", "setitem", 3LL, "Ann", 2LL);
    add_request(c, "[3 s i s", "getitem", 3LL, "Ann");
    add_request(c, "[2 s i", "keys", 3LL);
    add_request(c, "[3 s i s", "delitem", 3LL, "Ann");
    add_request(c, "[2 s i", "len", 3LL);
    add_request(c, "[2 s i", "create_list", 0LL);                       /* id 4 */
    add_request(c, "[3 s i s", "append", 4LL, "x");
    add_request(c, "[2 s i", "items", 4LL);
}

/* Seed i into conv; returns its name, or NULL when there is no seed i. */
static const char *make_seed(size_t i, msgpack_sbuffer *c)
{
    switch (i) {
    /* One valid request of each operation, then a whole session. */
    case 0: add_request(c, "[2 s i", "create_list", 0LL); return "ok-create-list";
    case 1: add_request(c, "[2 s i", "create_dict", 0LL); return "ok-create-dict";
    case 2: add_request(c, "[3 s i [2 s i", "append", 1LL, "Jeff", 8LL); return "ok-append";
    case 3: add_request(c, "[3 s i i", "getitem", 1LL, -1LL); return "ok-getitem-list";
    case 4: add_request(c, "[3 s i s", "getitem", 2LL, "Sam"); return "ok-getitem-dict";
    case 5: add_request(c, "[4 s i s i", "setitem", 2LL, "Jeff", 8LL); return "ok-setitem";
    case 6: add_request(c, "[3 s i s", "delitem", 2LL, "Adam"); return "ok-delitem";
    case 7: add_request(c, "[2 s i", "len", 1LL); return "ok-len";
    case 8: add_request(c, "[2 s i", "items", 1LL); return "ok-items-list";
    case 9: add_request(c, "[2 s i", "items", 2LL); return "ok-items-dict";
    case 10: add_request(c, "[2 s i", "keys", 2LL); return "ok-keys";
    case 11:
        add_request(c, "[2 s i", "shutdown", 0LL);
        add_request(c, "[2 s i", "len", 1LL);       /* never read: the manager stopped */
        return "ok-shutdown";
    case 12: add_session(c); return "ok-session";
    /* Requests the manager must refuse with an error reply. */
    case 13: add_request(c, "{1 s i", "len", 1LL); return "bad-not-an-array";
    case 14: add_request(c, "[1 s", "len"); return "bad-no-id";
    case 15: add_request(c, "[2 s i", "len", -1LL); return "bad-negative-id";
    case 16: add_request(c, "[2 i i", 1LL, 1LL); return "bad-method-not-a-string";
    case 17: add_request(c, "[2 s i", "pop", 1LL); return "bad-unknown-method";
    case 18: add_request(c, "[2 s i", "append", 1LL); return "bad-argument-count";
    case 19:
        add_request(c, "[3 s i [2 [1 s i", "append", 1LL, "Jeff", 8LL);
        return "bad-nested-value";
    case 20: add_request(c, "[3 s i f", "append", 1LL, 1.5); return "bad-float-value";
    case 21:
        add_request(c, "[3 s i u", "append", 1LL, 18446744073709551615ULL);
        return "bad-integer-over-int64";
    case 22: add_request(c, "[4 s i i i", "setitem", 2LL, 5LL, 5LL); return "bad-key-type";
    case 23: add_request(c, "[3 s i n", "getitem", 1LL); return "bad-index-type";
    case 24: add_request(c, "[3 s i i", "append", 99LL, 1LL); return "err-no-object";
    case 25: add_request(c, "[3 s i i", "append", 2LL, 1LL); return "err-wrong-kind";
    case 26: add_request(c, "[3 s i i", "getitem", 1LL, 1000LL); return "err-bad-index";
    case 27: add_request(c, "[3 s i s", "delitem", 2LL, "Nobody"); return "err-no-key";
    /* Bytes that are not one request. */
    case 28: add_frame(c, "garbage!", 8, 8); return "bad-not-msgpack";
    case 29:
        add_frame(c, "\x92\xa3" "len\x01\xc0", 7, 7);   /* ["len", 1] then nil */
        return "bad-two-objects";
    case 30: add_cut_append(c, 6, 0); return "bad-cut-payload";
    case 31: add_cut_append(c, 0, 1); return "bad-short-length";
    case 32: add_frame(c, "", 0, 0); return "empty-frame";
    case 33: msgpack_sbuffer_write(c, "\x00\x01", 2); return "bad-cut-header";
    case 34: return "nothing";
    default: return NULL;
    }
}

int fuzz_manager_seed(size_t i, char name[FUZZ_MANAGER_NAME_MAX], uint8_t *buf, size_t cap,
                      size_t *len)
{
    msgpack_sbuffer conv;
    const char *seed_name;
    int made = 0;

    msgpack_sbuffer_init(&conv);
    seed_name = make_seed(i, &conv);
    if (seed_name != NULL && conv.size <= cap) {
        snprintf(name, FUZZ_MANAGER_NAME_MAX, "%s", seed_name);
        if (conv.size > 0)
            memcpy(buf, conv.data, conv.size);
        *len = conv.size;
        made = 1;
    }
    msgpack_sbuffer_destroy(&conv);
    return made;
}

/* ------------------------------------------------------------ the rules */

/* How many objects the store has, and how many items in all. */
struct shape {
    uint64_t objects;
    size_t items;
};

static struct shape shape_of(const struct store *s)
{
    struct shape sh = { 0, 0 };
    size_t len;

    while (store_len(s, sh.objects + 1, &len) == STORE_OK) {
        sh.objects++;
        sh.items += len;
    }
    return sh;
}

/* 1 when bytes hold exactly one MessagePack object, which goes to u. The
 * checker must not hand msgpack-c impossible counts either (see
 * protocol_counts_fit): AddressSanitizer stops at a 256 GiB malloc. */
static int unpack_whole(msgpack_unpacked *u, const char *bytes, size_t len)
{
    size_t offset = 0;

    return protocol_counts_fit(bytes, len)
        && msgpack_unpack_next(u, bytes, len, &offset) == MSGPACK_UNPACK_SUCCESS
        && offset == len;
}

static int str_is(const msgpack_object *o, const char *text)
{
    return o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(text)
        && memcmp(o->via.str.ptr, text, o->via.str.size) == 0;
}

/* 1 when blob holds exactly the canonical encoding of value. */
static int blob_is(const struct blob *b, const msgpack_object *value)
{
    msgpack_sbuffer buf;
    msgpack_packer pk;
    int same;

    msgpack_sbuffer_init(&buf);
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    same = msgpack_pack_object(&pk, *value) == 0 && buf.size == b->len
        && memcmp(buf.data, b->bytes, b->len) == 0;
    msgpack_sbuffer_destroy(&buf);
    return same;
}

/* The size of an "ok" result that is an array or a map, else SIZE_MAX. */
static size_t collection_size(const msgpack_object *o)
{
    if (o->type == MSGPACK_OBJECT_ARRAY)
        return o->via.array.size;
    if (o->type == MSGPACK_OBJECT_MAP)
        return o->via.map.size;
    return SIZE_MAX;
}

/* The methods that only read: nothing changes, and what they report about
 * the object is true. */
static const char *check_read(const struct store *s, const msgpack_object *a,
                              const msgpack_object *result)
{
    size_t len = 0;

    (void)store_len(s, a[1].via.u64, &len);
    if (str_is(&a[0], "len"))
        return result->type == MSGPACK_OBJECT_POSITIVE_INTEGER && result->via.u64 == len
                   ? NULL : "len reports a length the store does not have";
    if (str_is(&a[0], "items") || str_is(&a[0], "keys"))
        return collection_size(result) == len ? NULL : "items/keys miss or add items";
    if (str_is(&a[0], "getitem") || str_is(&a[0], "shutdown"))
        return NULL;
    return "ok reply to an unknown method";
}

/* An "ok" reply: the change must be exactly the method's. */
static const char *check_ok(const struct store *s, const msgpack_object *req,
                            const msgpack_object *result, struct shape before,
                            struct shape after, int shutdown)
{
    const msgpack_object *a;
    const struct blob *value;
    uint32_t n;

    if (req->type != MSGPACK_OBJECT_ARRAY || req->via.array.size < 2)
        return "ok reply to a request that is not [method, id, ...]";
    a = req->via.array.ptr;
    n = req->via.array.size;
    if (a[0].type != MSGPACK_OBJECT_STR || a[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return "ok reply to a request that is not [method, id, ...]";
    if (shutdown != str_is(&a[0], "shutdown"))
        return "shutdown flag set without a shutdown request, or not set for one";
    if (str_is(&a[0], "create_list") || str_is(&a[0], "create_dict"))
        return after.objects == before.objects + 1 && after.items == before.items
               && result->type == MSGPACK_OBJECT_POSITIVE_INTEGER
               && result->via.u64 == after.objects
                   ? NULL : "create did not add exactly one empty object with the new id";
    if (after.objects != before.objects)
        return "an object appeared or vanished";
    if (str_is(&a[0], "append"))
        return n == 3 && after.items == before.items + 1
               && store_list_get(s, a[1].via.u64, -1, &value) == STORE_OK
               && blob_is(value, &a[2])
                   ? NULL : "append did not add exactly the value sent";
    if (str_is(&a[0], "setitem"))
        return n == 4 && a[2].type == MSGPACK_OBJECT_STR && after.items - before.items <= 1
               && store_dict_get(s, a[1].via.u64, a[2].via.str.ptr, a[2].via.str.size,
                                 &value) == STORE_OK
               && blob_is(value, &a[3])
                   ? NULL : "setitem did not store exactly the value sent";
    if (str_is(&a[0], "delitem"))
        return n == 3 && a[2].type == MSGPACK_OBJECT_STR && after.items + 1 == before.items
               && store_dict_get(s, a[1].via.u64, a[2].via.str.ptr, a[2].via.str.size,
                                 &value) == STORE_NO_KEY
                   ? NULL : "delitem did not remove exactly that key";
    if (after.items != before.items)
        return "a reading method changed the store";
    return check_read(s, a, result);
}

/* The proxy's side: protocol_parse_reply() on bytes a broken manager might
 * send. It may refuse them; it must not read outside them (AddressSanitizer
 * watches, as the bytes sit in a buffer of exactly their size). */
static void read_as_reply(const char *bytes, size_t len)
{
    msgpack_unpacked u;
    msgpack_object result;
    const char *message;
    size_t msglen;
    char text[128];

    msgpack_unpacked_init(&u);
    if (protocol_parse_reply(&u, bytes, len, &result, &message, &msglen) == 0)
        snprintf(text, sizeof text, "%.*s", (int)msglen, message);   /* as proxy.c does */
    msgpack_unpacked_destroy(&u);
}

/* One request: the rules of fuzz_manager_check.h for its reply and change. */
static const char *check_request(struct store *s, const char *req, size_t len, int *shutdown)
{
    msgpack_sbuffer reply;
    msgpack_unpacked theirs, mine;
    msgpack_object result;
    const char *broken = NULL, *message = NULL;
    size_t msglen = 0;
    struct shape before = shape_of(s), after;
    int rc, kind, whole;

    read_as_reply(req, len);
    msgpack_sbuffer_init(&reply);
    msgpack_unpacked_init(&theirs);
    msgpack_unpacked_init(&mine);
    rc = protocol_handle(s, req, len, &reply, shutdown);
    after = shape_of(s);
    kind = protocol_parse_reply(&theirs, reply.data, reply.size, &result, &message, &msglen);
    whole = unpack_whole(&mine, req, len);
    if (rc != 0)
        broken = "out of memory on a request of a few KB";
    else if (kind == -1)
        broken = "a reply that does not decode";
    else if (!whole && (kind != 0 || msglen != 17 || memcmp(message, "malformed request", 17) != 0))
        broken = "bytes that are not one object, not called a malformed request";
    else if (kind == 0 && (*shutdown || after.objects != before.objects
                           || after.items != before.items))
        broken = "an error reply, yet the store changed";
    else if (kind == 1)
        broken = check_ok(s, &mine.data, &result, before, after, *shutdown);
    msgpack_unpacked_destroy(&mine);
    msgpack_unpacked_destroy(&theirs);
    msgpack_sbuffer_destroy(&reply);
    return broken;
}

/* Every value of an object is one well-formed value. */
static int values_ok(const struct blob *values, size_t count)
{
    int ok = 1;

    for (size_t i = 0; i < count && ok; i++) {
        msgpack_unpacked u;

        msgpack_unpacked_init(&u);
        ok = unpack_whole(&u, (const char *)values[i].bytes, values[i].len)
            && protocol_value_ok(&u.data);
        msgpack_unpacked_destroy(&u);
    }
    return ok;
}

static int keys_distinct(const struct blob *keys, size_t count)
{
    for (size_t i = 0; i < count; i++)
        for (size_t j = i + 1; j < count; j++)
            if (keys[i].len == keys[j].len
                && memcmp(keys[i].bytes, keys[j].bytes, keys[i].len) == 0)
                return 0;
    return 1;
}

/* The whole store, once the conversation is over. */
static const char *check_store(const struct store *s)
{
    uint64_t objects = shape_of(s).objects;

    for (uint64_t id = 1; id <= objects; id++) {
        const struct blob *keys = NULL, *values = NULL;
        size_t count = 0, len = 0;

        if (store_list_items(s, id, &values, &count) != STORE_OK
            && store_dict_items(s, id, &keys, &values, &count) != STORE_OK)
            return "an object that is neither a list nor a dict";
        if (store_len(s, id, &len) != STORE_OK || len != count)
            return "a length that differs from the items";
        if (!values_ok(values, count))
            return "a stored value that is not one well-formed value";
        if (keys != NULL && !keys_distinct(keys, count))
            return "a dict with a key twice";
    }
    return NULL;
}

/* What a --serve manager holds (the records list, id 1), and a dict (id 2)
 * so that the dict methods work from the first request. */
static struct store *store_at_start(void)
{
    msgpack_sbuffer conv;
    struct store *s = store_new();
    const char *start;
    int shutdown;

    if (s == NULL)
        return NULL;
    msgpack_sbuffer_init(&conv);
    add_request(&conv, "[2 s i", "create_list", 0LL);
    add_request(&conv, "[3 s i [2 s i", "append", 1LL, "Sam", 10LL);
    add_request(&conv, "[3 s i [2 s i", "append", 1LL, "Adam", 9LL);
    add_request(&conv, "[3 s i [2 s i", "append", 1LL, "Kevin", 9LL);
    add_request(&conv, "[2 s i", "create_dict", 0LL);
    add_request(&conv, "[4 s i s i", "setitem", 2LL, "Sam", 10LL);
    add_request(&conv, "[4 s i s i", "setitem", 2LL, "Adam", 9LL);
    for (start = conv.data; start < conv.data + conv.size;) {
        msgpack_sbuffer reply;
        uint32_t len = frame_decode_header((const unsigned char *)start);

        msgpack_sbuffer_init(&reply);
        (void)protocol_handle(s, start + FRAME_HEADER_SIZE, len, &reply, &shutdown);
        msgpack_sbuffer_destroy(&reply);
        start += FRAME_HEADER_SIZE + len;
    }
    msgpack_sbuffer_destroy(&conv);
    return s;
}

const char *fuzz_manager_check(const uint8_t *data, size_t size)
{
    const char *broken = NULL;
    struct store *s;
    size_t at = 0;
    int shutdown = 0;

    if (size > FUZZ_MANAGER_INPUT_MAX)
        return NULL;
    s = store_at_start();
    if (s == NULL)
        return NULL;            /* out of memory: not the manager's fault */
    while (broken == NULL && !shutdown && at < size) {
        size_t len = size - at;
        char *req;

        if (len >= FRAME_HEADER_SIZE) {
            uint32_t announced = frame_decode_header(data + at);

            at += FRAME_HEADER_SIZE;
            len = announced < size - at ? announced : size - at;
        }
        /* Its own buffer of exactly its size, as the server reads it. */
        req = malloc(len > 0 ? len : 1);
        if (req == NULL)
            break;
        if (len > 0)
            memcpy(req, data + at, len);
        at += len;
        broken = check_request(s, req, len, &shutdown);
        free(req);
    }
    if (broken == NULL)
        broken = check_store(s);
    store_free(s);
    return broken;
}
