/* protocol.h - the manager's messages, encoded with MessagePack (msgpack-c).
 *
 * A request is an array [method, object id, arguments...], like a Python
 * proxy's call of a method on its referent:  ["append", 1, ["Jeff", 8]].
 * A reply is ["ok", result] or ["error", message]. Each travels in one frame
 * of common/frame.h. docs/session3.md lists every method.
 */
#ifndef SESSION3_PROTOCOL_H
#define SESSION3_PROTOCOL_H

#include "store.h"

#include <msgpack.h>
#include <stddef.h>

/* The largest request the server reads; longer frames cost the connection. */
#define PROTOCOL_REQUEST_MAX (64 * 1024)
/* The largest reply a client reads (a snapshot of a big list). */
#define PROTOCOL_REPLY_MAX ((size_t)64 * 1024 * 1024)

/* The object every --serve manager creates first: the records list. */
#define PROTOCOL_RECORDS_ID 1

/* 1 when obj is a value the manager stores: a string, a 64-bit integer, or
 * an array (tuple) of those. */
int protocol_value_ok(const msgpack_object *obj);

/* 0 when the bytes cannot hold one whole MessagePack item because an array
 * or map in it claims more elements than there are bytes left; else 1.
 * Checked before msgpack-c decodes, which allocates for the claimed count
 * first. */
int protocol_counts_fit(const char *bytes, size_t len);

/* Decodes one request, runs it on the store, and writes the encoded reply
 * into reply (which the caller initialised). Sets *shutdown to 1 for a
 * "shutdown" request. Every malformed request gets an error reply. Returns
 * 0, or -1 when out of memory. */
int protocol_handle(struct store *s, const char *request, size_t len,
                    msgpack_sbuffer *reply, int *shutdown);

/* For tests and clients: decodes a reply. Returns 1 for "ok" (*result points
 * into unpacked), 0 for "error" (*message and *msglen point into unpacked),
 * -1 when it is not a well-formed reply. */
int protocol_parse_reply(msgpack_unpacked *unpacked, const char *reply, size_t len,
                         msgpack_object *result, const char **message, size_t *msglen);

#endif
