/* test_packages.c - one list of packages (mk/packages.txt), and everyone who
 * installs or names packages takes it from there: the README's install line,
 * .ci/run and tools/setup. docs/testing.md explains make check-fresh, which
 * proves the list on a fresh machine.
 */
#define _GNU_SOURCE             /* getline, strdup in POSIX 2008 */
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sorts the words of text (space-separated) into one normal form. */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *word_set(const char *text)
{
    char *copy = strdup(text), *save, *w, *words[128] = { NULL }, *out;
    size_t n = 0, size = 1;

    ck_assert_ptr_nonnull(copy);
    for (w = strtok_r(copy, " \t\n\\", &save); w != NULL && n < 128;
         w = strtok_r(NULL, " \t\n\\", &save)) {
        words[n++] = w;
        size += strlen(w) + 1;
    }
    qsort(words, n, sizeof words[0], by_name);
    out = calloc(1, size);
    ck_assert_ptr_nonnull(out);
    for (size_t i = 0, used = 0; i < n; i++)
        used += (size_t)snprintf(out + used, size - used, "%s ", words[i]);
    free(copy);
    return out;
}

static char *packages_of(const char *groups)
{
    char cmd[256];
    struct run r;
    char *set;

    snprintf(cmd, sizeof cmd, "tools/packages %s", groups);
    run_cmd(&r, cmd);
    ck_assert_msg(run_exit_code(&r) == 0, "%s: %s", cmd, r.err);
    set = word_set(r.out);
    run_free(&r);
    return set;
}

/* The text of a file, or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;
    FILE *m;
    int c;

    if (f == NULL)
        return NULL;
    m = open_memstream(&text, &len);
    while ((c = getc(f)) != EOF)
        putc(c, m);
    fclose(m);
    fclose(f);
    return text;
}

/* The README's "everything at once" line names every package of the list
 * (but debootstrap, which only make check-fresh needs, and says so). */
START_TEST(readme_install_line_is_the_list)
{
    char *readme = slurp("README.md"), *line, *end, *got, *want;

    ck_assert_ptr_nonnull(readme);
    line = strstr(readme, "sudo apt-get install -y build-essential");
    ck_assert_msg(line != NULL, "README.md has no 'sudo apt-get install -y build-essential ...' line");
    line += strlen("sudo apt-get install -y build-essential");
    end = strstr(line, "\n```");
    ck_assert_ptr_nonnull(end);
    *end = '\0';
    got = word_set(line);
    want = packages_of("build check optional hardening");
    ck_assert_msg(strcmp(got, want) == 0, "README installs '%s'; mk/packages.txt lists '%s'",
                  got, want);
    free(got);
    free(want);
    free(readme);
}
END_TEST

/* .ci/run and tools/setup ask tools/packages instead of keeping a list. */
START_TEST(ci_and_setup_take_the_list)
{
    static const char *const users[][2] = {
        { ".ci/run", "tools/packages fresh" },
        { ".ci/run", "tools/packages build check optional hardening" },
        { "tools/setup", "/packages\" --missing $groups" },
    };

    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        char *text = slurp(users[i][0]);

        ck_assert_msg(text != NULL, "cannot read %s", users[i][0]);
        ck_assert_msg(strstr(text, users[i][1]) != NULL, "%s does not call '%s'",
                      users[i][0], users[i][1]);
        ck_assert_msg(strstr(text, "libmsgpack-dev") == NULL,
                      "%s names a package itself instead of taking the list", users[i][0]);
        free(text);
    }
}
END_TEST

/* Every group the list has is one of those the tools know. */
START_TEST(every_group_is_known)
{
    struct run r;
    char *got, *want;

    run_checked(&r, "tools/packages --groups", 0);
    got = word_set(r.out);
    want = word_set("build check optional hardening fresh");
    ck_assert_str_eq(got, want);
    free(got);
    free(want);
    run_free(&r);
    run_checked(&r, "tools/packages nosuchgroup", 2);
    ck_assert_ptr_nonnull(strstr(r.err, "no group 'nosuchgroup'"));
    run_free(&r);
}
END_TEST

TEST_SUITE(packages)
{
    add_case(s, "one list", 0, readme_install_line_is_the_list, ci_and_setup_take_the_list,
             every_group_is_known);
}
