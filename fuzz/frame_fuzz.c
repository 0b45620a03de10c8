/* frame_fuzz.c - libFuzzer target for the message framing (common/frame.c).
 *
 * libFuzzer calls this with millions of byte strings, steering towards new
 * code paths; AddressSanitizer turns any overrun into a crash, and a broken
 * rule (tests/fuzz_frame_check.c) aborts. `make fuzz` runs it; a crash it
 * finds goes into fuzz/regressions/frame/, which `make check` replays.
 */
#include "fuzz_frame_check.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *broken = fuzz_frame_check(data, size);

    if (broken != NULL) {
        fprintf(stderr, "frame rule broken: %s\n", broken);
        abort();
    }
    return 0;
}
