/* test_docs.c - the output shown in docs/ is what the programs print.
 *
 * A docs page marks an output block with a comment on the line before it:
 *
 *     <!-- doc-test: session1/session1 --verbose; mask: pid [0-9]+ -->
 *     ```
 *     $ session1/session1 --verbose          (optional: lines starting "$ "
 *     Result(in process p1): ...              are the command, not output)
 *     ```
 *
 * The test runs the command and compares its output with the block, line
 * by line, trailing blanks ignored. Options after the command, each after ';':
 *   mask: REGEX   run-dependent text (PIDs, addresses, racy balances): every
 *                 match is replaced by the same placeholder on both sides
 *   sorted        the lines may come in any order (several processes print)
 *   seen-in: N    with sorted: the page's order must also be a real one, printed
 *                 by at least one of N runs (the test stops at the first that
 *                 does). A page that shows an interleaving the program (almost)
 *                 never prints fails; the order a page should show is the one
 *                 most runs print, which fails N times in a row only with its
 *                 odds of failing once to the power N.
 *   exit: N       the expected exit status (default 0)
 *   stderr        compare standard error instead of standard output
 */
#define _GNU_SOURCE             /* getline, strdup in POSIX 2008 */
#include "testutil.h"

#include <check.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOCS 64
#define MAX_MASKS 8

static char *doc_files[MAX_DOCS];
static int n_docs;

struct doc_test {
    char command[512];
    regex_t masks[MAX_MASKS];
    int n_masks;
    int sorted, exit_code, use_stderr;
    int seen_in;            /* seen-in: N, or 0 */
};

static char *trim(char *s)
{
    size_t n;

    while (*s == ' ')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Parses "CMD; opt; opt" (the text between "doc-test:" and "-->"). */
static void parse_marker(char *spec, struct doc_test *t, const char *where)
{
    char *save, *part = strtok_r(spec, ";", &save);

    memset(t, 0, sizeof *t);
    snprintf(t->command, sizeof t->command, "%s", trim(part));
    while ((part = strtok_r(NULL, ";", &save)) != NULL) {
        part = trim(part);
        if (strncmp(part, "mask:", 5) == 0) {
            ck_assert_msg(t->n_masks < MAX_MASKS, "%s: too many masks", where);
            ck_assert_msg(regcomp(&t->masks[t->n_masks++], trim(part + 5), REG_EXTENDED) == 0,
                          "%s: bad mask regex '%s'", where, part + 5);
        } else if (strcmp(part, "sorted") == 0) {
            t->sorted = 1;
        } else if (strncmp(part, "exit:", 5) == 0) {
            t->exit_code = (int)strtol(part + 5, NULL, 10);
        } else if (strncmp(part, "seen-in:", 8) == 0) {
            t->seen_in = (int)strtol(part + 8, NULL, 10);
            ck_assert_msg(t->seen_in > 0 && t->seen_in <= 100, "%s: seen-in takes 1..100", where);
        } else if (strcmp(part, "stderr") == 0) {
            t->use_stderr = 1;
        } else {
            ck_abort_msg("%s: unknown doc-test option '%s'", where, part);
        }
    }
}

/* Masks, trims and (optionally) sorts text into one normal form. */
static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *normalise(const char *text, const struct doc_test *t)
{
    char *copy = strdup(text), *save, *line;
    char **lines = NULL, *out;
    size_t n = 0, size = 1;

    for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char buf[4096], masked[4096];

        snprintf(buf, sizeof buf, "%s", line);
        for (int m = 0; m < t->n_masks; m++) {
            regmatch_t match;
            char *p = buf;
            size_t used = 0;

            masked[0] = '\0';
            /* snprintf keeps every append inside masked (a long line is cut,
             * and then fails to compare, rather than overflowing). */
            while (regexec(&t->masks[m], p, 1, &match, 0) == 0 && match.rm_eo > 0) {
                used += (size_t)snprintf(masked + used, sizeof masked - used, "%.*s<?>",
                                         (int)match.rm_so, p);
                if (used >= sizeof masked)
                    used = sizeof masked - 1;
                p += match.rm_eo;
            }
            snprintf(masked + used, sizeof masked - used, "%s", p);
            snprintf(buf, sizeof buf, "%s", masked);
        }
        char **more = realloc(lines, (n + 1) * sizeof *lines);

        ck_assert_ptr_nonnull(more);
        lines = more;
        lines[n] = strdup(trim(buf));
        ck_assert_ptr_nonnull(lines[n]);
        size += strlen(lines[n]) + 1;
        n++;
    }
    /* A blank line at the end is how a page ends a block: not significant. */
    while (n > 0 && lines[n - 1][0] == '\0')
        free(lines[--n]);
    if (t->sorted && n > 1)     /* qsort(NULL, 0, ...) is undefined */
        qsort(lines, n, sizeof *lines, compare_lines);
    out = calloc(1, size);
    ck_assert_ptr_nonnull(out);
    for (size_t i = 0, used = 0; i < n; i++) {
        size_t len = strlen(lines[i]);

        memcpy(out + used, lines[i], len);  /* size counted each line + '\n' */
        out[used + len] = '\n';
        used += len + 1;
        free(lines[i]);
    }
    free(lines);
    free(copy);
    return out;
}

/* seen-in: N. The first run already matched the page as a set of lines;
 * this looks for a run whose lines also come in the page's order. */
static void check_order_was_seen(const struct doc_test *t, const char *expected,
                                 const char *where)
{
    struct doc_test in_order = *t;      /* the same masks, no sorting */
    char *want, *got = NULL;

    in_order.sorted = 0;
    want = normalise(expected, &in_order);
    for (int i = 0; i < t->seen_in; i++) {
        struct run r;
        int same;

        free(got);
        run_cmd(&r, t->command);
        got = normalise(t->use_stderr ? r.err : r.out, &in_order);
        same = strcmp(want, got) == 0;
        run_free(&r);
        if (same) {
            free(want);
            free(got);
            return;
        }
    }
    ck_abort_msg("%s: in %d runs '%s' never printed the page's order.\n"
                 "--- page:\n%s--- last run:\n%s", where, t->seen_in, t->command, want, got);
}

/* Checks every marked block of one page; returns how many there were. */
static int check_page(const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, *marker;
    size_t cap = 0;
    int lineno = 0, checked = 0;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (getline(&line, &cap, f) != -1) {
        struct doc_test t;
        char where[256], *expected = NULL, *end;
        size_t exp_len = 0;
        FILE *exp;
        struct run r;

        lineno++;
        /* A marker is a line of its own (text that merely mentions one,
         * like docs/README.md, is not). */
        marker = line + strspn(line, " ");
        if (strncmp(marker, "<!-- doc-test:", 14) != 0)
            continue;
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        ck_assert_msg((end = strstr(marker, "-->")) != NULL, "%s: marker not closed", where);
        *end = '\0';
        parse_marker(marker + strlen("<!-- doc-test:"), &t, where);

        /* The fenced block right after the marker. */
        ck_assert_msg(getline(&line, &cap, f) != -1 && strncmp(line, "```", 3) == 0,
                      "%s: no ``` block after the marker", where);
        lineno++;
        exp = open_memstream(&expected, &exp_len);
        while (getline(&line, &cap, f) != -1 && strncmp(line, "```", 3) != 0) {
            lineno++;
            if (strncmp(line, "$ ", 2) != 0)
                fputs(line, exp);
        }
        fclose(exp);

        run_cmd(&r, t.command);
        ck_assert_msg(run_exit_code(&r) == t.exit_code, "%s: '%s' exited %d, page says %d",
                      where, t.command, run_exit_code(&r), t.exit_code);
        {
            char *want = normalise(expected, &t);
            char *got = normalise(t.use_stderr ? r.err : r.out, &t);

            ck_assert_msg(strcmp(want, got) == 0,
                          "%s: output of '%s' differs from the page.\n"
                          "--- page:\n%s--- program:\n%s", where, t.command, want, got);
            free(want);
            free(got);
        }
        if (t.seen_in > 0)
            check_order_was_seen(&t, expected, where);
        for (int m = 0; m < t.n_masks; m++)
            regfree(&t.masks[m]);
        run_free(&r);
        free(expected);
        checked++;
    }
    free(line);
    fclose(f);
    return checked;
}

/* 1 when the page has a fenced ``` block: then it shows something. */
static int shows_a_block(const char *path)
{
    char line[4096];
    int found = 0;
    FILE *f = fopen(path, "r");

    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (!found && fgets(line, sizeof line, f) != NULL)
        found = strncmp(line + strspn(line, " "), "```", 3) == 0;
    fclose(f);
    return found;
}

/* Every block a page marks must match, and a page that shows any block
 * must check at least one: a page whose output nobody checks would drift
 * unseen. Only a page without a single block (the index) checks none. */
START_TEST(output_blocks_match_the_programs)
{
    int checked = check_page(doc_files[_i]);

    ck_assert_msg(checked > 0 || !shows_a_block(doc_files[_i]),
                  "%s shows blocks but checks none of them (mark one with <!-- doc-test: -->)",
                  doc_files[_i]);
}
END_TEST

/* Every session that exists has a page, and the page checks at least one
 * block: a page whose output nobody checks would drift. */
START_TEST(every_session_page_has_checked_output)
{
    for (int n = 1; n <= 8; n++) {
        char program[64], page[64];
        FILE *f;

        snprintf(program, sizeof program, "session%d/session%d.c", n, n);
        snprintf(page, sizeof page, "docs/session%d.md", n);
        if ((f = fopen(program, "r")) == NULL)
            continue;
        fclose(f);
        ck_assert_msg(check_page(page) > 0, "%s has no doc-test block", page);
    }
}
END_TEST

/* The exercises of every session page: three to five questions, each with
 * its answer folded away in <details>, and every command an answer quotes
 * ("$ CMD" in a block, or a doc-test marker) is run by the docs test, so an
 * answer cannot rot: each quoted command has a doc-test marker in the same
 * <details>, which output_blocks_match_the_programs then checks. */
#define MAX_QUOTED 32

/* "taskset -c 0 x" quoted for a reader is "/usr/bin/taskset -c 0 x" in a
 * marker (the test starts commands with execv, which needs the path). */
static const char *without_directory(const char *cmd)
{
    size_t first_word = strcspn(cmd, " ");
    const char *name = cmd;

    if (cmd[0] != '/')
        return cmd;
    for (size_t i = 0; i < first_word; i++)
        if (cmd[i] == '/')
            name = cmd + i + 1;
    return name;
}

/* A pipeline is quoted as it is typed and marked as "/bin/sh -c '...'". */
static int same_command(const char *quoted, const char *marked)
{
    const char *m = without_directory(marked);
    size_t n = strlen(m);

    if (strncmp(m, "sh -c '", 7) == 0 && n > 8 && m[n - 1] == '\'')
        return strlen(quoted) == n - 8 && strncmp(quoted, m + 7, n - 8) == 0;
    return strcmp(without_directory(quoted), m) == 0;
}

static void check_exercises(const char *page)
{
    FILE *f = fopen(page, "r");
    char *line = NULL;
    size_t cap = 0;
    int in_exercises = 0, in_details = 0, answers = 0, lineno = 0;
    char quoted[MAX_QUOTED][512], marked[MAX_QUOTED][512];
    int n_quoted = 0, n_marked = 0;

    ck_assert_msg(f != NULL, "cannot open %s", page);
    while (getline(&line, &cap, f) != -1) {
        char *t = trim(line);

        lineno++;
        if (strncmp(t, "## ", 3) == 0)
            in_exercises = strcmp(t, "## Exercises") == 0;
        if (!in_exercises)
            continue;
        if (strncmp(t, "<details>", 9) == 0) {
            in_details = 1;
            n_quoted = n_marked = 0;
        } else if (strncmp(t, "</details>", 10) == 0 && in_details) {
            ck_assert_msg(n_marked > 0, "%s:%d: an answer with no doc-test block", page, lineno);
            for (int q = 0; q < n_quoted; q++) {
                int found = 0;

                for (int m = 0; m < n_marked; m++)
                    found |= same_command(quoted[q], marked[m]);
                ck_assert_msg(found, "%s:%d: the answer quotes '$ %s', which no doc-test "
                              "marker in it runs", page, lineno, quoted[q]);
            }
            in_details = 0;
            answers++;
        } else if (in_details && strncmp(t, "$ ", 2) == 0 && n_quoted < MAX_QUOTED) {
            snprintf(quoted[n_quoted++], sizeof quoted[0], "%s", trim(t + 2));
        } else if (in_details && strncmp(t, "<!-- doc-test:", 14) == 0 && n_marked < MAX_QUOTED) {
            char *cmd = t + 14, *end = strchr(cmd, ';');

            if (end == NULL)
                end = strstr(cmd, "-->");
            if (end != NULL)
                *end = '\0';
            snprintf(marked[n_marked++], sizeof marked[0], "%s", trim(cmd));
        }
    }
    free(line);
    fclose(f);
    ck_assert_msg(answers >= 3 && answers <= 5,
                  "%s: '## Exercises' has %d answers in <details>, not 3 to 5", page, answers);
}

START_TEST(every_session_page_has_exercises_with_checked_answers)
{
    for (int n = 1; n <= 8; n++) {
        char page[64];

        snprintf(page, sizeof page, "docs/session%d.md", n);
        check_exercises(page);
    }
}
END_TEST

/* ------------------------------------------------------------ citations */

/* Code is cited by labels, never by line numbers (CONTRIBUTING.md, "Docs"):
 * a cited line ends with a label comment, "line:NAME" in a C comment or
 * `# line:NAME` in Python, and a page cites it as `FILE:NAME` or
 * `FILE:FIRST..LAST` in a code span, optionally followed by a code span
 * that quotes the line (`...` stands for any text). A quoted block says
 * what it quotes: <!-- quote: PATH --> before it. */

/* A file's line without its label comment and trailing blanks. */
static void strip_label(char *line)
{
    char *label = strstr(line, "/* line:");
    size_t n;

    if (label == NULL)
        label = strstr(line, "# line:");
    if (label != NULL)
        *label = '\0';
    n = strlen(line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\n'))
        line[--n] = '\0';
}

/* 1 when line ends with the label comment of name. */
static int has_label(const char *line, const char *name)
{
    char c_label[128], py_label[128];
    const char *at;
    size_t n = strlen(line);

    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\n'))
        n--;
    snprintf(c_label, sizeof c_label, "/* line:%s */", name);
    snprintf(py_label, sizeof py_label, "# line:%s", name);
    for (int k = 0; k < 2; k++) {
        const char *label = k == 0 ? c_label : py_label;
        size_t len = strlen(label);

        at = line + n - len;
        if (n >= len && strncmp(at, label, len) == 0)
            return 1;
    }
    return 0;
}

/* 1 when text matches pattern, where "..." or "…" in pattern stands for
 * any text (the quotation is found anywhere in the line). */
static int quote_matches(const char *text, const char *pattern)
{
    char piece[512];
    const char *p = pattern;

    while (*p != '\0') {
        const char *dots = strstr(p, "..."), *ell = strstr(p, "\xe2\x80\xa6");
        const char *end = dots;
        size_t skip = 3;

        if (ell != NULL && (end == NULL || ell < end)) {
            end = ell;
            skip = 3;
        }
        if (end == NULL)
            end = p + strlen(p);
        snprintf(piece, sizeof piece, "%.*s", (int)(end - p), p);
        if (piece[0] != '\0') {
            const char *found = strstr(text, piece);

            if (found == NULL)
                return 0;
            text = found + strlen(piece);
        }
        p = *end != '\0' ? end + skip : end;
    }
    return 1;
}

/* Checks one citation of page: FILE:SPEC and an optional quotation. */
static void check_citation(const char *page, int lineno, const char *file, const char *spec,
                           const char *quote)
{
    char path[512], first[128], last[128], line[1024];
    const char *range = strstr(spec, "..");
    int state = 0, quoted = quote == NULL;
    FILE *f;

    if (strchr(file, '/') != NULL) {
        snprintf(path, sizeof path, "%s", file);
    } else {
        int n = 0;

        ck_assert_msg(sscanf(page, "docs/session%d", &n) == 1,
                      "%s:%d: `%s:%s` names no folder, and the page is no session's",
                      page, lineno, file, spec);
        snprintf(path, sizeof path, "session%d/%s", n, file);
    }
    snprintf(first, sizeof first, "%.*s", (int)(range ? range - spec : (long)strlen(spec)), spec);
    snprintf(last, sizeof last, "%s", range ? range + 2 : spec);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s:%d: cites %s, which does not exist", page, lineno, path);
    while (state < 2 && fgets(line, sizeof line, f) != NULL) {
        int ends = has_label(line, last);

        if (state == 0 && has_label(line, first))
            state = 1;
        if (state == 1) {
            strip_label(line);
            if (quote != NULL && quote_matches(line, quote))
                quoted = 1;
            if (ends)
                state = 2;
        }
    }
    fclose(f);
    ck_assert_msg(state == 2, "%s:%d: %s has no line:%s%s", page, lineno, path,
                  state == 0 ? first : last, state == 0 ? "" : " after its first label");
    ck_assert_msg(quoted, "%s:%d: %s:%s no longer holds `%s`", page, lineno, path, spec, quote);
}

/* The citations of one line of a page. Returns how many. */
static int check_citations_in(const char *page, int lineno, const char *text)
{
    regex_t cite;
    regmatch_t m[6];
    const char *p = text;
    int found = 0;

    ck_assert_int_eq(regcomp(&cite, "`([A-Za-z0-9_./-]+\\.(c|h|py)):([a-z0-9-]+(\\.\\.[a-z0-9-]+)?)`"
                             "(:? `([^`]+)`)?", REG_EXTENDED), 0);
    while (regexec(&cite, p, 6, m, 0) == 0) {
        char file[256], spec[256], quote[512];
        const char *after = p + m[0].rm_eo;
        int has_quote = 0;

        snprintf(file, sizeof file, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), p + m[1].rm_so);
        snprintf(spec, sizeof spec, "%.*s", (int)(m[3].rm_eo - m[3].rm_so), p + m[3].rm_so);
        /* A quotation: a code span right after (": `...`" or " `...`") that
         * is not itself a citation. */
        if (m[5].rm_so != -1) {
            regmatch_t q[1];
            regex_t again;

            snprintf(quote, sizeof quote, "%.*s", (int)(m[5].rm_eo - m[5].rm_so - 1),
                     p + m[5].rm_so + (p[m[5].rm_so] == ':' ? 3 : 2));
            quote[strcspn(quote, "`")] = '\0';
            ck_assert_int_eq(regcomp(&again, "^[A-Za-z0-9_./-]+\\.(c|h|py):[a-z0-9.-]+$",
                                     REG_EXTENDED), 0);
            has_quote = regexec(&again, quote, 1, q, 0) != 0;
            regfree(&again);
            if (!has_quote)
                after = p + m[5].rm_so;     /* the next citation */
        }
        check_citation(page, lineno, file, spec, has_quote ? quote : NULL);
        found++;
        p = after;
    }
    regfree(&cite);
    return found;
}

/* A block after <!-- quote: PATH -->: each line is a line of PATH, in
 * order; a line "..." (or "…", or a comment of either) stands for lines
 * left out. */
static void check_quoted_block(const char *page, int lineno, const char *path, FILE *md)
{
    char *line = NULL, text[1024];
    size_t cap = 0;
    FILE *f = fopen(path, "r");
    int n = lineno, next_line_only = 0;

    ck_assert_msg(f != NULL, "%s:%d: quotes %s, which does not exist", page, lineno, path);
    ck_assert_msg(getline(&line, &cap, md) != -1 && strncmp(line, "```", 3) == 0,
                  "%s:%d: no ``` block after the quote marker", page, lineno);
    while (getline(&line, &cap, md) != -1 && strncmp(line, "```", 3) != 0) {
        char *want = line, *t;
        int found = 0;

        n++;
        strip_label(want);
        t = trim(want);
        if (strcmp(t, "...") == 0 || strcmp(t, "\xe2\x80\xa6") == 0 || strcmp(t, "/* ... */") == 0
            || strcmp(t, "# ...") == 0) {
            next_line_only = 0;     /* lines left out: look further on */
            continue;
        }
        /* The first line, and the first after "...", may be anywhere
         * further on; every other is the file's very next line. */
        do {
            if (fgets(text, sizeof text, f) == NULL)
                break;
            strip_label(text);
            found = strcmp(text, want) == 0;
        } while (!found && !next_line_only);
        ck_assert_msg(found, "%s:%d: the quoted line '%s' is not %s %s", page, n + 1, want,
                      next_line_only ? "the next line of" : "in", path);
        next_line_only = 1;
    }
    free(line);
    fclose(f);
}

static int check_code_citations(const char *page)
{
    FILE *f = fopen(page, "r");
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, found = 0;

    ck_assert_msg(f != NULL, "cannot open %s", page);
    while (getline(&line, &cap, f) != -1) {
        char *marker = line + strspn(line, " ");

        lineno++;
        if (strncmp(marker, "<!-- quote:", 11) == 0) {
            char path[512];

            ck_assert_msg(sscanf(marker + 11, " %511s", path) == 1, "%s:%d: no path", page, lineno);
            check_quoted_block(page, lineno, path, f);
            found++;
            continue;
        }
        found += check_citations_in(page, lineno, line);
    }
    free(line);
    fclose(f);
    return found;
}

START_TEST(code_citations_and_quoted_blocks_match_the_files)
{
    check_code_citations(doc_files[_i]);
}
END_TEST

/* A page cites a line by its label, not by its number, which every edit
 * above it moves. */
START_TEST(no_page_cites_code_by_line_number)
{
    regex_t by_number;
    regmatch_t m[1];

    ck_assert_int_eq(regcomp(&by_number, "(\\.(c|h|py)`?\\]?(\\([^)]*\\))?,? lines? [0-9]|"
                             "\\| lines? [0-9]+|\\(lines? [0-9]|, lines? [0-9]|"
                             "` \\([0-9]+(-[0-9]+)?\\))", REG_EXTENDED), 0);
    for (int n = 1; n <= 16; n++) {      /* sessionN.md, then sessionN-further.md */
        char page[64], *line = NULL;
        size_t cap = 0;
        int lineno = 0;
        FILE *f;

        snprintf(page, sizeof page, n <= 8 ? "docs/session%d.md" : "docs/session%d-further.md",
                 n <= 8 ? n : n - 8);
        f = fopen(page, "r");
        ck_assert_msg(f != NULL, "no %s", page);
        while (getline(&line, &cap, f) != -1) {
            lineno++;
            ck_assert_msg(regexec(&by_number, line, 1, m, 0) != 0,
                          "%s:%d: cites code by line number: %s", page, lineno, line);
        }
        free(line);
        fclose(f);
    }
    regfree(&by_number);
}
END_TEST

static void find_pages(void)
{
    DIR *dir = opendir("docs");
    struct dirent *e;

    if (dir == NULL)
        return;
    while ((e = readdir(dir)) != NULL && n_docs < MAX_DOCS) {
        size_t n = strlen(e->d_name);
        char path[300];

        if (n > 3 && strcmp(e->d_name + n - 3, ".md") == 0) {
            snprintf(path, sizeof path, "docs/%s", e->d_name);
            doc_files[n_docs++] = strdup(path);
        }
    }
    closedir(dir);
    qsort(doc_files, (size_t)n_docs, sizeof doc_files[0], compare_lines);
}

TEST_SUITE(docs)
{
    TCase *tc = add_case(s, "pages", 120, every_session_page_has_checked_output,
                         every_session_page_has_exercises_with_checked_answers);

    find_pages();
    tcase_add_loop_test(tc, output_blocks_match_the_programs, 0, n_docs);
    tcase_add_loop_test(tc, code_citations_and_quoted_blocks_match_the_files, 0, n_docs);
    tcase_add_test(tc, no_page_cites_code_by_line_number);
}
