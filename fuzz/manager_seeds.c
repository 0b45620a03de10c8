/* manager_seeds.c - writes the manager fuzzer's seed corpus: one file per
 * seed of tests/fuzz_manager_check.c, made with the protocol's encoder, so
 * the seeds follow the protocol when it changes.
 *
 *     make fuzz-seeds      (runs: manager_seeds fuzz/corpus/manager)
 *
 * tests/test_fuzz.c fails when the committed corpus and these seeds differ.
 */
#include "fuzz_manager_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char *argv[])
{
    static uint8_t seed[FUZZ_MANAGER_INPUT_MAX];
    char name[FUZZ_MANAGER_NAME_MAX], path[512];
    size_t len, i;

    if (argc != 2) {
        fprintf(stderr, "usage: manager_seeds DIRECTORY\n");
        return 2;
    }
    for (i = 0; fuzz_manager_seed(i, name, seed, sizeof seed, &len); i++) {
        FILE *f;
        int written;

        snprintf(path, sizeof path, "%s/%s", argv[1], name);
        f = fopen(path, "wb");
        if (f == NULL) {
            fprintf(stderr, "manager_seeds: %s: %s\n", path, strerror(errno));
            return 1;
        }
        written = fwrite(seed, 1, len, f) == len;
        if (fclose(f) == EOF || !written) {
            fprintf(stderr, "manager_seeds: cannot write %s\n", path);
            return 1;
        }
    }
    printf("manager_seeds: %zu seeds in %s\n", i, argv[1]);
    return 0;
}
