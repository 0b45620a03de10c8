/* fuzz_frame_check.h - what must hold for ANY bytes fed to frame_recv().
 *
 * Shared by the libFuzzer target (fuzz/frame_fuzz.c, `make fuzz`), which
 * feeds it random bytes, and by tests/test_fuzz.c, which replays the
 * committed corpus and every crash found so far. docs/testing.md explains it.
 */
#ifndef TESTS_FUZZ_FRAME_CHECK_H
#define TESTS_FUZZ_FRAME_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* The receiver's limit used by the check: small, so that both "fits" and
 * "refused before allocating" are easy for the fuzzer to reach. */
#define FUZZ_FRAME_MAX 1024

/* The biggest input the check accepts (it must fit in a pipe's buffer);
 * longer inputs are skipped and count as passing. */
#define FUZZ_FRAME_INPUT_MAX 4096

/* Puts the bytes in a pipe and reads frames from it until the end or an
 * error. Returns NULL when every rule held, else the rule that broke:
 * a frame's length and bytes are exactly what the stream said, each payload
 * is NUL-terminated, re-sending it gives back the same bytes, the stream is
 * consumed exactly, and an error is EMSGSIZE exactly when the length is over
 * the limit and EPROTO exactly when the stream ends inside a frame. */
const char *fuzz_frame_check(const uint8_t *data, size_t size);

#endif
