/* target.h - what each libFuzzer target does with an input: runs its rule
 * checker (tests/fuzz_NAME_check.c) and aborts, naming the broken rule, so
 * that libFuzzer saves the input. fuzz/NAME_fuzz.c is one call to it.
 */
#ifndef FUZZ_TARGET_H
#define FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline int fuzz_one_input(const char *(*check)(const uint8_t *, size_t),
                                 const char *what, const uint8_t *data, size_t size)
{
    const char *broken = check(data, size);

    if (broken != NULL) {
        fprintf(stderr, "%s rule broken: %s\n", what, broken);
        abort();
    }
    return 0;
}

#endif
