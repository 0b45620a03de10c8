/* fuzz_manager_check.h - what must hold for ANY bytes a client sends the
 * manager once it is authenticated (session3/protocol.c and store.c).
 *
 * Shared by the libFuzzer target (fuzz/manager_fuzz.c, `make fuzz`), by
 * tests/test_fuzz.c, which replays the committed corpus and every crash found
 * so far, and by fuzz/manager_seeds.c, which writes the seed corpus with the
 * protocol's encoder. docs/testing.md explains it.
 */
#ifndef TESTS_FUZZ_MANAGER_CHECK_H
#define TESTS_FUZZ_MANAGER_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* The biggest input the check accepts; longer inputs are skipped and count
 * as passing (`make fuzz` never makes longer ones: -max_len=4096). */
#define FUZZ_MANAGER_INPUT_MAX 4096

/* The input is a conversation, as on the wire: requests one after another,
 * each in a frame (4-byte big-endian length, then the bytes). A length that
 * runs past the end takes what is left, and fewer than 4 bytes at the end
 * are one last request, so any bytes at all reach the decoder.
 *
 * Each request goes to protocol_handle() on a store that starts as a
 * --serve manager's (the records list, id 1) plus a dict (id 2). Returns
 * NULL when every rule held, else the rule that broke:
 *  - the reply decodes (protocol_parse_reply) as "ok" or "error";
 *  - bytes that are not exactly one MessagePack object get the error
 *    "malformed request";
 *  - an error changes nothing: the same objects with the same lengths;
 *  - an "ok" changes exactly what the method says (append adds one item,
 *    and it is the value sent; create adds one object; len and items agree
 *    with the store; shutdown, and only shutdown, stops the conversation);
 *  - at the end, every stored value is one well-formed value, every length
 *    matches the items, and no dict holds a key twice.
 * The proxy's reply decoder also reads each request's bytes, as if a broken
 * manager had sent them: it must not read outside them. */
const char *fuzz_manager_check(const uint8_t *data, size_t size);

/* The seed corpus, made with the protocol's encoder (msgpack-c): seed i's
 * file name (at most FUZZ_MANAGER_NAME_MAX bytes with the '\0') goes to
 * name and its bytes to buf (cap bytes). Returns 1 with *len set, or 0 when
 * there is no seed i. */
#define FUZZ_MANAGER_NAME_MAX 40
int fuzz_manager_seed(size_t i, char name[FUZZ_MANAGER_NAME_MAX], uint8_t *buf, size_t cap,
                      size_t *len);

#endif
