/* test_fuzz.c - replays the fuzzers' inputs as ordinary tests: the committed
 * seed corpus, and every input a fuzzer ever crashed on (fuzz/regressions/),
 * so a bug `make fuzz` once found stays fixed. docs/testing.md explains it.
 */
#include "fuzz_frame_check.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

/* Feeds every file in dir (but dot files) to check; returns how many. A
 * missing directory has no inputs. */
static int replay_dir(const char *dir, const char *(*check)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int count = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char path[512];
        uint8_t data[FUZZ_FRAME_INPUT_MAX + 1];
        size_t size;
        const char *broken;
        FILE *f;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "rb");
        ck_assert_msg(f != NULL, "cannot open %s", path);
        size = fread(data, 1, sizeof data, f);
        fclose(f);
        broken = check(data, size);
        ck_assert_msg(broken == NULL, "%s: %s", path, broken);
        count++;
    }
    closedir(d);
    return count;
}

/* The seed corpus must be there (else the fuzzer starts blind), and no input
 * in it or among past crashes may break a rule. */
START_TEST(frame_corpus_and_past_crashes_keep_every_rule)
{
    ck_assert_int_gt(replay_dir("fuzz/corpus/frame", fuzz_frame_check), 5);
    replay_dir("fuzz/regressions/frame", fuzz_frame_check);
}
END_TEST

Suite *suite_fuzz(void)
{
    Suite *s = suite_create("fuzz");
    TCase *tc = tcase_create("replay");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, frame_corpus_and_past_crashes_keep_every_rule);
    suite_add_tcase(s, tc);
    return s;
}
