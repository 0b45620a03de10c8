/* test_present_slides.c - make slides (tools/slides) in a real browser:
 * Debian's chromium, headless, at 1280x720. A copy of the slides with a
 * test script added at its end steps through every slide with the keys a
 * reader presses and measures each box (what a screenshot would show cut
 * off is a box whose content is larger than the box); --dump-dom prints what
 * it found. The printed PDF (chromium --print-to-pdf) has one page per
 * slide, counted by pdfinfo. Without chromium or pdfinfo the tests say so
 * on stderr and check nothing else.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIR "build/tests/slides"
#define SLIDES 15               /* a title, and the 14 screens of make present */

/* The path of program `name` found on PATH (run_cmd starts a path), or
 * NULL. The answer stays valid until the next call. */
static const char *on_path(const char *name)
{
    static char file[4200];
    const char *path = getenv("PATH");

    while (path != NULL && *path != '\0') {
        size_t n = strcspn(path, ":");

        snprintf(file, sizeof file, "%.*s/%s", (int)n, path, name);
        if (access(file, X_OK) == 0)
            return file;
        path += n + (path[n] == ':');
    }
    return NULL;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text;
    long size;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    ck_assert_int_ge(size, 0);
    rewind(f);
    text = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    return text;
}

/* The slides, built once for both tests (an unchecked fixture runs in the
 * test runner itself, before each test's process is forked from it). */
static int built = -1;
static char build_error[512];

static void build_slides_once(void)
{
    struct run r;

    run_cmd_timeout(&r, "tools/slides " DIR "/index.html", 120);
    built = run_exit_code(&r);
    snprintf(build_error, sizeof build_error, "%s", r.err);
    run_free(&r);
}

static void build_slides(void)
{
    ck_assert_msg(built == 0, "tools/slides exited %d: %s", built, build_error);
}

/* chromium, headless, sandbox-less as root, with nothing to fetch and a
 * fresh profile; `what` is the rest of the command line. */
static void chromium(struct run *r, const char *what)
{
    char profile[] = DIR "/profile-XXXXXX", cmd[1024];
    struct run rm;

    ck_assert_ptr_nonnull(mkdtemp(profile));
    snprintf(cmd, sizeof cmd,
             "%s --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
             " --disable-background-networking --disable-component-update --disable-sync"
             " --hide-scrollbars --user-data-dir=%s --window-size=1280,720 %s", on_path("chromium"),
             profile, what);
    run_cmd_timeout(r, cmd, 90);
    snprintf(cmd, sizeof cmd, "/bin/rm -rf %s", profile);
    run_cmd(&rm, cmd);
    run_free(&rm);
}

/* A headless window's viewport is not always its --window-size (chromium
 * 156 takes room for a toolbar it does not draw), so the test lays every
 * slide out at 1280x720 itself, as --screenshot at that size shows it. */
static const char test_script[] =
    "<style>.slide { width: 1280px !important; height: 720px !important; }</style>\n"
    "<script>\n"
    "(async () => {\n"
    "  await document.fonts.ready;\n"
    "  const r = [];\n"
    "  const at = () => slides.findIndex((s) => s.classList.contains('current'));\n"
    "  const key = (k) => document.dispatchEvent(new KeyboardEvent('keydown',\n"
    "      { key: k, bubbles: true, cancelable: true }));\n"
    "  r.push('slides ' + slides.length);\n"
    "  key('Home');\n"
    "  for (let i = 0; i < slides.length; i++) {\n"
    "    const s = slides[i];\n"
    "    if (at() !== i) r.push('moved to ' + at() + ', not ' + i);\n"
    "    for (const e of [s, ...s.querySelectorAll('.box, .code, .run, .picture')]) {\n"
    "      if (e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)\n"
    "        r.push('overflow on slide ' + (i + 1) + ': ' + e.tagName + '.' + e.className + ' '\n"
    "               + e.scrollWidth + 'x' + e.scrollHeight + ' in ' + e.clientWidth + 'x'\n"
    "               + e.clientHeight);\n"
    "    }\n"
    "    const b = s.getBoundingClientRect();\n"
    "    if (b.width !== 1280 || b.height !== 720) r.push('slide ' + (i + 1) + ' is ' + b.width + 'x' + b.height);\n"
    "    key('ArrowRight');\n"
    "  }\n"
    "  r.push('right at the end: ' + at());\n"
    "  key('ArrowLeft'); r.push('left: ' + at());\n"
    "  key('PageUp'); r.push('pageup: ' + at());\n"
    "  key('PageDown'); r.push('pagedown: ' + at());\n"
    "  key('Home'); key('ArrowLeft'); r.push('left at the start: ' + at());\n"
    "  key('End'); r.push('end: ' + at());\n"
    "  const pre = document.createElement('pre');\n"
    "  pre.id = 'slides-test';\n"
    "  pre.textContent = 'BEGIN\\n' + r.join('\\n') + '\\nEND';\n"
    "  document.body.appendChild(pre);\n"
    "})();\n"
    "</script>\n";

START_TEST(every_slide_fits_1280x720_and_an_arrow_moves_one_slide)
{
    char *html, *end, *report, *stop, expect[128];
    FILE *f;
    struct run r;

    if (on_path("chromium") == NULL) {
        fprintf(stderr, "note: chromium not found, the slides are not tested in a browser "
                "(apt-get install chromium)\n");
        return;
    }
    build_slides();
    html = slurp(DIR "/index.html");
    /* Self-contained: nothing is fetched from anywhere. */
    ck_assert_ptr_null(strstr(html, "src=\"http"));
    ck_assert_ptr_null(strstr(html, "href=\"http"));
    ck_assert_ptr_null(strstr(html, "url(http"));
    ck_assert_ptr_null(strstr(html, "<link"));
    end = strstr(html, "</body>");
    ck_assert_ptr_nonnull(end);
    f = fopen(DIR "/test.html", "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%.*s%s%s", (int)(end - html), html, test_script, end);
    ck_assert_int_eq(fclose(f), 0);
    free(html);

    chromium(&r, "--virtual-time-budget=20000 --dump-dom " DIR "/test.html");
    ck_assert_msg(run_exit_code(&r) == 0, "chromium: %s", r.err);
    report = strstr(r.out, "BEGIN\n");
    ck_assert_msg(report != NULL, "the test script left no report: %s", r.err);
    stop = strstr(report, "\nEND");
    ck_assert_ptr_nonnull(stop);
    stop[1] = '\0';
    snprintf(expect, sizeof expect, "BEGIN\nslides %d\n"
             "right at the end: %d\nleft: %d\npageup: %d\npagedown: %d\n"
             "left at the start: 0\nend: %d\n",
             SLIDES, SLIDES - 1, SLIDES - 2, SLIDES - 3, SLIDES - 2, SLIDES - 1);
    ck_assert_str_eq(report, expect);
    run_free(&r);
}
END_TEST

START_TEST(the_printed_pdf_has_one_page_per_slide)
{
    struct run r;
    const char *pages;

    if (on_path("chromium") == NULL || on_path("pdfinfo") == NULL) {
        fprintf(stderr, "note: chromium or pdfinfo not found, the printed slides are not "
                "tested (apt-get install chromium poppler-utils)\n");
        return;
    }
    build_slides();
    unlink(DIR "/slides.pdf");
    chromium(&r, "--no-pdf-header-footer --print-to-pdf=" DIR "/slides.pdf " DIR "/index.html");
    ck_assert_msg(run_exit_code(&r) == 0, "chromium: %s", r.err);
    run_free(&r);
    {
        char cmd[4300];

        snprintf(cmd, sizeof cmd, "%s " DIR "/slides.pdf", on_path("pdfinfo"));
        run_cmd(&r, cmd);
    }
    ck_assert_msg(run_exit_code(&r) == 0, "pdfinfo: %s", r.err);
    pages = strstr(r.out, "Pages:");
    ck_assert_ptr_nonnull(pages);
    ck_assert_int_eq(atoi(pages + strlen("Pages:")), SLIDES);
    ck_assert_ptr_nonnull(strstr(r.out, "960 x 540 pts"));  /* 1280 x 720 CSS pixels */
    run_free(&r);
}
END_TEST

TEST_SUITE(present_slides)
{
    TCase *tc = add_case(s, "browser", 240,
                         every_slide_fits_1280x720_and_an_arrow_moves_one_slide,
                         the_printed_pdf_has_one_page_per_slide);

    tcase_add_unchecked_fixture(tc, build_slides_once, NULL);
}
