/* test_fuzz.c - replays the fuzzers' inputs as ordinary tests: the committed
 * seed corpus, and every input a fuzzer ever crashed on (fuzz/regressions/),
 * so a bug `make fuzz` once found stays fixed. docs/testing.md explains it.
 */
#include "fuzz_frame_check.h"
#include "fuzz_manager_check.h"
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for the longest input either checker accepts, and more: a longer file
 * is read in part, and the checker, told a size over its limit, skips it. */
#define INPUT_MAX (FUZZ_FRAME_INPUT_MAX + FUZZ_MANAGER_INPUT_MAX)

struct checker {
    const char *(*check)(const uint8_t *data, size_t size);
};

/* Feeds the file at path to the checker; returns 1. */
static int replay_file(const char *path, void *arg)
{
    const struct checker *c = arg;
    uint8_t data[INPUT_MAX + 1];
    size_t size;
    const char *broken;
    FILE *f = fopen(path, "rb");

    ck_assert_msg(f != NULL, "cannot open %s", path);
    size = fread(data, 1, sizeof data, f);
    fclose(f);
    broken = c->check(data, size);
    ck_assert_msg(broken == NULL, "%s: %s", path, broken);
    return 1;
}

/* Feeds every file in dir (but dot files) to check; returns how many. A
 * missing directory has no inputs. */
static int replay_dir(const char *dir, const char *(*check)(const uint8_t *, size_t))
{
    struct checker c = { check };

    return each_file(dir, replay_file, &c);
}

/* The seed corpus must be there (else the fuzzer starts blind), and no input
 * in it or among past crashes may break a rule. */
START_TEST(frame_corpus_and_past_crashes_keep_every_rule)
{
    ck_assert_int_gt(replay_dir("fuzz/corpus/frame", fuzz_frame_check), 5);
    replay_dir("fuzz/regressions/frame", fuzz_frame_check);
}
END_TEST

START_TEST(manager_corpus_and_past_crashes_keep_every_rule)
{
    ck_assert_int_gt(replay_dir("fuzz/corpus/manager", fuzz_manager_check), 30);
    replay_dir("fuzz/regressions/manager", fuzz_manager_check);
}
END_TEST

/* The committed manager seeds are the ones its encoder makes today: after a
 * change of the protocol, `make fuzz-seeds` writes them again. */
START_TEST(manager_seeds_are_what_the_encoder_makes)
{
    static uint8_t seed[FUZZ_MANAGER_INPUT_MAX], file[FUZZ_MANAGER_INPUT_MAX + 1];
    char name[FUZZ_MANAGER_NAME_MAX], path[512];
    size_t len, i;

    for (i = 0; fuzz_manager_seed(i, name, seed, sizeof seed, &len); i++) {
        FILE *f;
        size_t got;

        snprintf(path, sizeof path, "fuzz/corpus/manager/%s", name);
        f = fopen(path, "rb");
        ck_assert_msg(f != NULL, "%s is missing: run make fuzz-seeds", path);
        got = fread(file, 1, sizeof file, f);
        fclose(f);
        ck_assert_msg(got == len && (len == 0 || memcmp(file, seed, len) == 0),
                      "%s differs from the encoder's: run make fuzz-seeds", path);
    }
    ck_assert_uint_gt(i, 30);
}
END_TEST

TEST_SUITE(fuzz)
{
    add_case(s, "replay", 30, frame_corpus_and_past_crashes_keep_every_rule,
             manager_corpus_and_past_crashes_keep_every_rule,
             manager_seeds_are_what_the_encoder_makes);
}
