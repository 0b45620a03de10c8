/* protocol.c - read 3rd: the manager decodes a request, runs it on the store
 * and encodes the reply; msgpack-c parses, this file checks. Next: store.c. */
#include "protocol.h"

#include <string.h>

int protocol_value_ok(const msgpack_object *obj)
{
    switch (obj->type) {
    case MSGPACK_OBJECT_STR:
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        /* A positive integer above INT64_MAX is not a 64-bit signed integer. */
        return obj->type != MSGPACK_OBJECT_POSITIVE_INTEGER || obj->via.u64 <= INT64_MAX;
    case MSGPACK_OBJECT_ARRAY:
        for (uint32_t i = 0; i < obj->via.array.size; i++) {
            const msgpack_object *item = &obj->via.array.ptr[i];

            if (item->type == MSGPACK_OBJECT_ARRAY || !protocol_value_ok(item))
                return 0;
        }
        return 1;
    default:
        return 0;
    }
}

/* The bytes of a number of n bytes, most significant first. */
static uint64_t big_endian(const unsigned char *p, size_t n)
{
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* How one MessagePack item starts: its header's size, how many bytes follow
 * the type byte to give a length or count (0: none, or in the type byte),
 * and what that number counts. */
enum item_kind { SCALAR, BYTES, ARRAY, MAP };

struct item_head {
    size_t header, field;
    enum item_kind kind;
};

/* For the type bytes 0xc4..0xdf; the others are one-byte items or fix*
 * types, whose count or length is in the type byte itself. */
static int item_head(unsigned b, struct item_head *h)
{
    static const struct item_head heads[] = {
        { 2, 1, BYTES }, { 3, 2, BYTES }, { 5, 4, BYTES },             /* bin 8/16/32 */
        { 3, 1, BYTES }, { 4, 2, BYTES }, { 6, 4, BYTES },             /* ext 8/16/32 */
        { 5, 0, SCALAR }, { 9, 0, SCALAR },                            /* float 32/64 */
        { 2, 0, SCALAR }, { 3, 0, SCALAR }, { 5, 0, SCALAR }, { 9, 0, SCALAR }, /* uint */
        { 2, 0, SCALAR }, { 3, 0, SCALAR }, { 5, 0, SCALAR }, { 9, 0, SCALAR }, /* int */
        { 3, 0, SCALAR }, { 4, 0, SCALAR }, { 6, 0, SCALAR }, { 10, 0, SCALAR },
        { 18, 0, SCALAR },                                             /* fixext */
        { 2, 1, BYTES }, { 3, 2, BYTES }, { 5, 4, BYTES },             /* str 8/16/32 */
        { 3, 2, ARRAY }, { 5, 4, ARRAY }, { 3, 2, MAP }, { 5, 4, MAP },
    };

    if (b < 0xc4 || b > 0xdf)
        return -1;
    *h = heads[b - 0xc4];
    return 0;
}

/* msgpack-c allocates room for an array's or a map's elements as soon as it
 * reads the count, before it knows whether the bytes are there: a hundred
 * bytes of map headers that claim billions of pairs made it ask for 256 GiB
 * (the manager fuzzer found this). Like a frame's length (common/frame.h), a count is
 * only a claim, and each element takes at least one byte: this walks the
 * first item's headers and says 0 when more elements are still expected than
 * bytes are left. Anything else (bytes that end early, a byte that is not
 * MessagePack) it passes on to msgpack-c, which reports it. */
int protocol_counts_fit(const char *bytes, size_t len)
{
    const unsigned char *p = (const unsigned char *)bytes;
    uint64_t expected = 1;      /* items still to come, each at least one byte */
    size_t at = 0;

    while (expected > 0 && at < len) {
        unsigned b = p[at];
        struct item_head h = { 1, 0, SCALAR };
        uint64_t n = 0;         /* elements of an array or map, bytes of a string */

        if (b >= 0x80 && b <= 0xbf) {           /* fixmap, fixarray, fixstr */
            h.kind = b <= 0x8f ? MAP : b <= 0x9f ? ARRAY : BYTES;
            n = b & (b <= 0x9f ? 0x0f : 0x1f);
        } else {
            (void)item_head(b, &h);     /* -1 leaves h: fixint, nil, bool, 0xc1 */
        }
        if (len - at < h.header)
            return 1;           /* ends inside a header: msgpack-c says so */
        if (h.field > 0)
            n = big_endian(p + at + 1, h.field);
        at += h.header;
        expected--;
        if (h.kind == BYTES) {
            if (n > len - at)
                return 0;
            at += (size_t)n;
        } else if (h.kind != SCALAR) {
            expected += h.kind == MAP ? 2 * n : n;
        }
        if (expected > len - at)
            return 0;
    }
    return 1;
}

/* The pieces of a request, once its shape has been checked. */
struct request {
    const char *method;
    size_t method_len;
    uint64_t id;
    const msgpack_object *args;
    uint32_t nargs;
};

static int method_is(const struct request *r, const char *name)
{
    return r->method_len == strlen(name) && memcmp(r->method, name, r->method_len) == 0;
}

static void reply_error(msgpack_packer *pk, const char *message)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_str_with_body(pk, "error", 5);
    msgpack_pack_str_with_body(pk, message, strlen(message));
}

static void reply_ok(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_str_with_body(pk, "ok", 2);
}

/* A stored value is already MessagePack: copy its bytes into the reply. */
static void pack_blob(msgpack_sbuffer *buf, const struct blob *b)
{
    msgpack_sbuffer_write(buf, (const char *)b->bytes, b->len);
}

static int parse_request(const msgpack_object *obj, struct request *r)
{
    const msgpack_object *a;

    if (obj->type != MSGPACK_OBJECT_ARRAY || obj->via.array.size < 2)
        return -1;
    a = obj->via.array.ptr;
    if (a[0].type != MSGPACK_OBJECT_STR || a[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return -1;
    r->method = a[0].via.str.ptr;
    r->method_len = a[0].via.str.size;
    r->id = a[1].via.u64;
    r->args = a + 2;
    r->nargs = obj->via.array.size - 2;
    return 0;
}

/* The methods that need no object, or make one. */
static enum store_error run_create(struct store *s, enum store_kind kind,
                                   msgpack_packer *pk)
{
    uint64_t id;
    enum store_error e = store_create(s, kind, &id);

    if (e == STORE_OK) {
        reply_ok(pk);
        msgpack_pack_uint64(pk, id);
    }
    return e;
}

/* Packs a value into *out (initialized here; the caller destroys it) to
 * store it in its canonical encoding. */
static enum store_error encode_value(const msgpack_object *v, msgpack_sbuffer *out)
{
    msgpack_packer pk;

    msgpack_sbuffer_init(out);
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    return msgpack_pack_object(&pk, *v) == 0 ? STORE_OK : STORE_NO_MEMORY;
}

/* The reply of a call that returns None: nil, when e is STORE_OK. Returns e. */
static enum store_error reply_none(msgpack_packer *pk, enum store_error e)
{
    if (e == STORE_OK) {
        reply_ok(pk);
        msgpack_pack_nil(pk);
    }
    return e;
}

static enum store_error run_append(struct store *s, const struct request *r,
                                   msgpack_packer *pk)
{
    msgpack_sbuffer value;
    enum store_error e = encode_value(&r->args[0], &value);

    if (e == STORE_OK)
        e = store_list_append(s, r->id, value.data, value.size);
    msgpack_sbuffer_destroy(&value);
    return reply_none(pk, e);
}

static enum store_error run_setitem(struct store *s, const struct request *r,
                                    msgpack_packer *pk)
{
    msgpack_sbuffer value;
    enum store_error e = encode_value(&r->args[1], &value);

    if (e == STORE_OK)
        e = store_dict_set(s, r->id, r->args[0].via.str.ptr, r->args[0].via.str.size,
                           value.data, value.size);
    msgpack_sbuffer_destroy(&value);
    return reply_none(pk, e);
}

/* getitem: an integer index for a list, a string key for a dict. */
static enum store_error run_getitem(struct store *s, const struct request *r,
                                    msgpack_packer *pk, msgpack_sbuffer *buf)
{
    const msgpack_object *k = &r->args[0];
    const struct blob *value;
    enum store_error e;

    if (k->type == MSGPACK_OBJECT_STR)
        e = store_dict_get(s, r->id, k->via.str.ptr, k->via.str.size, &value);
    else if (k->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        e = store_list_get(s, r->id, k->via.u64 > INT64_MAX ? INT64_MAX : (int64_t)k->via.u64,
                           &value);
    else
        e = store_list_get(s, r->id, k->via.i64, &value);
    if (e == STORE_OK) {
        reply_ok(pk);
        pack_blob(buf, value);
    }
    return e;
}

/* items: a list's values in an array, or a dict's pairs in a map. */
static enum store_error run_items(struct store *s, const struct request *r,
                                  msgpack_packer *pk, msgpack_sbuffer *buf)
{
    const struct blob *keys, *values;
    size_t count;
    enum store_error e = store_list_items(s, r->id, &values, &count);

    if (e == STORE_OK) {
        reply_ok(pk);
        msgpack_pack_array(pk, count);
        for (size_t i = 0; i < count; i++)
            pack_blob(buf, &values[i]);
        return e;
    }
    if (e != STORE_WRONG_KIND)
        return e;
    e = store_dict_items(s, r->id, &keys, &values, &count);
    if (e == STORE_OK) {
        reply_ok(pk);
        msgpack_pack_map(pk, count);
        for (size_t i = 0; i < count; i++) {
            msgpack_pack_str_with_body(pk, keys[i].bytes, keys[i].len);
            pack_blob(buf, &values[i]);
        }
    }
    return e;
}

static enum store_error run_keys(struct store *s, const struct request *r,
                                 msgpack_packer *pk)
{
    const struct blob *keys, *values;
    size_t count;
    enum store_error e = store_dict_items(s, r->id, &keys, &values, &count);

    if (e == STORE_OK) {
        reply_ok(pk);
        msgpack_pack_array(pk, count);
        for (size_t i = 0; i < count; i++)
            msgpack_pack_str_with_body(pk, keys[i].bytes, keys[i].len);
    }
    return e;
}

static enum store_error run_simple(struct store *s, const struct request *r,
                                   msgpack_packer *pk)
{
    enum store_error e;
    size_t len;

    if (method_is(r, "len")) {
        e = store_len(s, r->id, &len);
        if (e == STORE_OK) {
            reply_ok(pk);
            msgpack_pack_uint64(pk, len);
        }
        return e;
    }
    /* delitem */
    return reply_none(pk, store_dict_delete(s, r->id, r->args[0].via.str.ptr,
                                            r->args[0].via.str.size));
}

/* Checks the arguments' count and types before anything runs. Returns the
 * message for a bad call, or NULL. */
static const char *check_args(const struct request *r)
{
    static const struct {
        const char *method;
        uint32_t nargs;
        const char *types;     /* per argument: v value, s string, k index or key */
    } methods[] = {
        { "create_list", 0, "" }, { "create_dict", 0, "" }, { "shutdown", 0, "" },
        { "len", 0, "" },         { "items", 0, "" },       { "keys", 0, "" },
        { "append", 1, "v" },     { "getitem", 1, "k" },    { "delitem", 1, "s" },
        { "setitem", 2, "sv" },
    };

    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!method_is(r, methods[i].method))
            continue;
        if (r->nargs != methods[i].nargs)
            return "wrong number of arguments";
        for (uint32_t a = 0; a < r->nargs; a++) {
            const msgpack_object *o = &r->args[a];
            char t = methods[i].types[a];

            if ((t == 'v' && !protocol_value_ok(o))
                || (t == 's' && o->type != MSGPACK_OBJECT_STR)
                || (t == 'k' && o->type != MSGPACK_OBJECT_STR
                    && o->type != MSGPACK_OBJECT_POSITIVE_INTEGER
                    && o->type != MSGPACK_OBJECT_NEGATIVE_INTEGER))
                return "argument of the wrong type";
        }
        return NULL;
    }
    return "unknown method";
}

static enum store_error dispatch(struct store *s, const struct request *r,
                                 msgpack_packer *pk, msgpack_sbuffer *buf)
{
    if (method_is(r, "create_list"))
        return run_create(s, STORE_LIST, pk);
    if (method_is(r, "create_dict"))
        return run_create(s, STORE_DICT, pk);
    if (method_is(r, "append"))
        return run_append(s, r, pk);
    if (method_is(r, "setitem"))
        return run_setitem(s, r, pk);
    if (method_is(r, "getitem"))
        return run_getitem(s, r, pk, buf);
    if (method_is(r, "items"))
        return run_items(s, r, pk, buf);
    if (method_is(r, "keys"))
        return run_keys(s, r, pk);
    return run_simple(s, r, pk);        /* len, delitem */
}

int protocol_handle(struct store *s, const char *request, size_t len,
                    msgpack_sbuffer *reply, int *shutdown)
{
    msgpack_unpacked unpacked;
    msgpack_packer pk;
    struct request r;
    const char *problem = NULL;
    size_t offset = 0;
    enum store_error e = STORE_OK;

    *shutdown = 0;
    msgpack_packer_init(&pk, reply, msgpack_sbuffer_write);
    msgpack_unpacked_init(&unpacked);
    /* Exactly one object must fill the frame: no more, no less. */
    if (!protocol_counts_fit(request, len)
        || msgpack_unpack_next(&unpacked, request, len, &offset) != MSGPACK_UNPACK_SUCCESS
        || offset != len || parse_request(&unpacked.data, &r) == -1)
        problem = "malformed request";
    else
        problem = check_args(&r);
    if (problem == NULL && method_is(&r, "shutdown")) {
        *shutdown = 1;
        reply_ok(&pk);
        msgpack_pack_nil(&pk);
    } else if (problem == NULL) {
        e = dispatch(s, &r, &pk, reply);
        if (e != STORE_OK)
            problem = store_strerror(e);
    }
    if (problem != NULL) {
        reply->size = 0;        /* drop any half-written reply */
        reply_error(&pk, problem);
    }
    msgpack_unpacked_destroy(&unpacked);
    return e == STORE_NO_MEMORY ? -1 : 0;
}

int protocol_parse_reply(msgpack_unpacked *unpacked, const char *reply, size_t len,
                         msgpack_object *result, const char **message, size_t *msglen)
{
    const msgpack_object *a;
    size_t offset = 0;

    if (!protocol_counts_fit(reply, len)
        || msgpack_unpack_next(unpacked, reply, len, &offset) != MSGPACK_UNPACK_SUCCESS
        || offset != len || unpacked->data.type != MSGPACK_OBJECT_ARRAY
        || unpacked->data.via.array.size != 2)
        return -1;
    a = unpacked->data.via.array.ptr;
    if (a[0].type != MSGPACK_OBJECT_STR)
        return -1;
    if (a[0].via.str.size == 2 && memcmp(a[0].via.str.ptr, "ok", 2) == 0) {
        *result = a[1];
        return 1;
    }
    if (a[0].via.str.size == 5 && memcmp(a[0].via.str.ptr, "error", 5) == 0
        && a[1].type == MSGPACK_OBJECT_STR) {
        *message = a[1].via.str.ptr;
        *msglen = a[1].via.str.size;
        return 0;
    }
    return -1;
}
