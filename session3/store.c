/* store.c - read 4th: the lists and dicts the manager holds, as growable
 * arrays of encoded values (store.h). Next: server.c. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

struct object {
    enum store_kind kind;
    size_t count, cap;
    struct blob *keys;      /* dicts only */
    struct blob *values;
};

struct store {
    struct object *objects; /* id N is objects[N - 1] */
    size_t count, cap;
};

struct store *store_new(void)
{
    return calloc(1, sizeof(struct store));
}

static void blob_free(struct blob *b)
{
    free(b->bytes);
    b->bytes = NULL;
    b->len = 0;
}

static int blob_copy(struct blob *b, const void *bytes, size_t len)
{
    b->bytes = malloc(len > 0 ? len : 1);
    if (b->bytes == NULL)
        return -1;
    memcpy(b->bytes, bytes, len);
    b->len = len;
    return 0;
}

void store_free(struct store *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->count; i++) {
        struct object *o = &s->objects[i];

        for (size_t j = 0; j < o->count; j++) {
            if (o->keys != NULL)
                blob_free(&o->keys[j]);
            blob_free(&o->values[j]);
        }
        free(o->keys);
        free(o->values);
    }
    free(s->objects);
    free(s);
}

/* Doubles an array's capacity when it is full. */
static int grow(void **items, size_t *cap, size_t count, size_t size)
{
    size_t new_cap;
    void *bigger;

    if (count < *cap)
        return 0;
    new_cap = *cap == 0 ? 8 : *cap * 2;
    bigger = realloc(*items, new_cap * size);
    if (bigger == NULL)
        return -1;
    *items = bigger;
    *cap = new_cap;
    return 0;
}

enum store_error store_create(struct store *s, enum store_kind kind, uint64_t *id)
{
    void *objects = s->objects;

    if (grow(&objects, &s->cap, s->count, sizeof *s->objects) == -1)
        return STORE_NO_MEMORY;
    s->objects = objects;
    memset(&s->objects[s->count], 0, sizeof *s->objects);
    s->objects[s->count].kind = kind;
    *id = ++s->count;
    return STORE_OK;
}

static enum store_error find(const struct store *s, uint64_t id,
                             enum store_kind kind, struct object **o)
{
    if (id == 0 || id > s->count)
        return STORE_NO_OBJECT;
    *o = &s->objects[id - 1];
    if (kind != 0 && (*o)->kind != kind)
        return STORE_WRONG_KIND;
    return STORE_OK;
}

enum store_error store_len(const struct store *s, uint64_t id, size_t *len)
{
    struct object *o;
    enum store_error e = find(s, id, 0, &o);

    if (e == STORE_OK)
        *len = o->count;
    return e;
}

/* Makes room for one more item (and key, for a dict). */
static enum store_error make_room(struct object *o)
{
    size_t cap = o->cap;
    void *values = o->values, *keys = o->keys;

    if (grow(&values, &cap, o->count, sizeof *o->values) == -1)
        return STORE_NO_MEMORY;
    o->values = values;
    if (o->kind == STORE_DICT) {
        cap = o->cap;
        if (grow(&keys, &cap, o->count, sizeof *o->keys) == -1)
            return STORE_NO_MEMORY;
        o->keys = keys;
    }
    o->cap = cap;
    return STORE_OK;
}

enum store_error store_list_append(struct store *s, uint64_t id,
                                   const void *value, size_t len)
{
    struct object *o;
    enum store_error e = find(s, id, STORE_LIST, &o);

    if (e == STORE_OK)
        e = make_room(o);
    if (e != STORE_OK)
        return e;
    if (blob_copy(&o->values[o->count], value, len) == -1)
        return STORE_NO_MEMORY;
    o->count++;
    return STORE_OK;
}

enum store_error store_list_get(const struct store *s, uint64_t id, int64_t index,
                                const struct blob **value)
{
    struct object *o;
    enum store_error e = find(s, id, STORE_LIST, &o);

    if (e != STORE_OK)
        return e;
    if (index < 0)
        index += (int64_t)o->count;
    if (index < 0 || (uint64_t)index >= o->count)
        return STORE_BAD_INDEX;
    *value = &o->values[index];
    return STORE_OK;
}

enum store_error store_list_items(const struct store *s, uint64_t id,
                                  const struct blob **items, size_t *count)
{
    struct object *o;
    enum store_error e = find(s, id, STORE_LIST, &o);

    if (e == STORE_OK) {
        *items = o->values;
        *count = o->count;
    }
    return e;
}

/* The position of key in a dict, or -1. */
static long key_index(const struct object *o, const char *key, size_t keylen)
{
    for (size_t i = 0; i < o->count; i++)
        if (o->keys[i].len == keylen && memcmp(o->keys[i].bytes, key, keylen) == 0)
            return (long)i;
    return -1;
}

enum store_error store_dict_set(struct store *s, uint64_t id, const char *key,
                                size_t keylen, const void *value, size_t len)
{
    struct object *o;
    struct blob copy;
    enum store_error e = find(s, id, STORE_DICT, &o);
    long at;

    if (e != STORE_OK)
        return e;
    if (blob_copy(&copy, value, len) == -1)
        return STORE_NO_MEMORY;
    at = key_index(o, key, keylen);
    if (at >= 0) {              /* an existing key keeps its place */
        blob_free(&o->values[at]);
        o->values[at] = copy;
        return STORE_OK;
    }
    if (make_room(o) != STORE_OK || blob_copy(&o->keys[o->count], key, keylen) == -1) {
        blob_free(&copy);
        return STORE_NO_MEMORY;
    }
    o->values[o->count++] = copy;
    return STORE_OK;
}

/* The dict id and the index of key in it, or why not. */
static enum store_error find_key(const struct store *s, uint64_t id, const char *key,
                                 size_t keylen, struct object **o, size_t *at)
{
    enum store_error e = find(s, id, STORE_DICT, o);
    long i;

    if (e != STORE_OK)
        return e;
    i = key_index(*o, key, keylen);
    if (i < 0)
        return STORE_NO_KEY;
    *at = (size_t)i;
    return STORE_OK;
}

enum store_error store_dict_get(const struct store *s, uint64_t id, const char *key,
                                size_t keylen, const struct blob **value)
{
    struct object *o;
    size_t at;
    enum store_error e = find_key(s, id, key, keylen, &o, &at);

    if (e == STORE_OK)
        *value = &o->values[at];
    return e;
}

enum store_error store_dict_delete(struct store *s, uint64_t id, const char *key,
                                   size_t keylen)
{
    struct object *o;
    size_t at;
    enum store_error e = find_key(s, id, key, keylen, &o, &at);

    if (e != STORE_OK)
        return e;
    blob_free(&o->keys[at]);
    blob_free(&o->values[at]);
    /* Close the gap so the remaining keys keep their insertion order. */
    memmove(&o->keys[at], &o->keys[at + 1], (o->count - at - 1) * sizeof *o->keys);
    memmove(&o->values[at], &o->values[at + 1], (o->count - at - 1) * sizeof *o->values);
    o->count--;
    return STORE_OK;
}

enum store_error store_dict_items(const struct store *s, uint64_t id,
                                  const struct blob **keys, const struct blob **values,
                                  size_t *count)
{
    struct object *o;
    enum store_error e = find(s, id, STORE_DICT, &o);

    if (e == STORE_OK) {
        *keys = o->keys;
        *values = o->values;
        *count = o->count;
    }
    return e;
}

const char *store_strerror(enum store_error e)
{
    switch (e) {
    case STORE_OK:          return "success";
    case STORE_NO_OBJECT:   return "no such object";
    case STORE_WRONG_KIND:  return "wrong kind of object for this operation";
    case STORE_BAD_INDEX:   return "list index out of range";
    case STORE_NO_KEY:      return "no such key";
    case STORE_NO_MEMORY:   return "out of memory";
    }
    return "unknown error";
}
