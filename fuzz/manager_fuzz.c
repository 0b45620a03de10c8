/* manager_fuzz.c - libFuzzer target for the manager's requests
 * (session3/protocol.c decoding and dispatch, session3/store.c).
 *
 * Each input is a conversation of framed requests sent by an authenticated
 * client; tests/fuzz_manager_check.c runs it on a fresh store and checks
 * every reply and the store after it. A broken rule aborts, and `make fuzz`
 * saves the input; it goes into fuzz/regressions/manager/, which
 * `make check` replays.
 */
#include "fuzz_manager_check.h"
#include "target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_one_input(fuzz_manager_check, "manager", data, size);
}
