/* store.h - the objects a manager holds: lists and dicts, named by an id.
 *
 * A value is kept as its encoded MessagePack bytes (a "blob"): the store
 * never looks inside, so it cannot be confused by what a client sends.
 * docs/session3.md explains why one process owns them all.
 */
#ifndef SESSION3_STORE_H
#define SESSION3_STORE_H

#include <stddef.h>
#include <stdint.h>

enum store_kind { STORE_LIST = 1, STORE_DICT = 2 };

/* What can go wrong; each becomes an error reply, never a crash. */
enum store_error {
    STORE_OK = 0,
    STORE_NO_OBJECT,        /* no object has that id */
    STORE_WRONG_KIND,       /* a list operation on a dict, or the reverse */
    STORE_BAD_INDEX,        /* list index out of range */
    STORE_NO_KEY,           /* dict has no such key */
    STORE_NO_MEMORY,
};

struct blob {
    unsigned char *bytes;
    size_t len;
};

struct store;

struct store *store_new(void);
void store_free(struct store *s);

/* Creates an empty list or dict; its id (1, 2, ...) goes to *id. */
enum store_error store_create(struct store *s, enum store_kind kind, uint64_t *id);

/* The number of items of a list, or of keys of a dict. */
enum store_error store_len(const struct store *s, uint64_t id, size_t *len);

/* List operations. Indexes count from 0; a negative one counts from the end,
 * as in Python (-1 is the last item). */
enum store_error store_list_append(struct store *s, uint64_t id,
                                   const void *value, size_t len);
enum store_error store_list_get(const struct store *s, uint64_t id, int64_t index,
                                const struct blob **value);
/* All items, in order, without copying: valid until the next change. */
enum store_error store_list_items(const struct store *s, uint64_t id,
                                  const struct blob **items, size_t *count);

/* Dict operations. Keys are byte strings; keys() keeps insertion order. */
enum store_error store_dict_set(struct store *s, uint64_t id, const char *key,
                                size_t keylen, const void *value, size_t len);
enum store_error store_dict_get(const struct store *s, uint64_t id, const char *key,
                                size_t keylen, const struct blob **value);
enum store_error store_dict_delete(struct store *s, uint64_t id, const char *key,
                                   size_t keylen);
/* The keys, in order, and their values, without copying. */
enum store_error store_dict_items(const struct store *s, uint64_t id,
                                  const struct blob **keys, const struct blob **values,
                                  size_t *count);

/* "no such object", "index out of range", ... */
const char *store_strerror(enum store_error e);

#endif
