/* frame_fuzz.c - libFuzzer target for the message framing (common/frame.c).
 *
 * libFuzzer calls this with millions of byte strings, steering towards new
 * code paths; AddressSanitizer turns any overrun into a crash, and a broken
 * rule (tests/fuzz_frame_check.c) aborts. `make fuzz` runs it; a crash it
 * finds goes into fuzz/regressions/frame/, which `make check` replays.
 */
#include "fuzz_frame_check.h"
#include "target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_one_input(fuzz_frame_check, "frame", data, size);
}
