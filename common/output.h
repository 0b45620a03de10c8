/* output.h - stdout that behaves the same on a terminal, a pipe or a file.
 *
 * On a terminal stdout is line-buffered; into a pipe or a file it is fully
 * buffered, so lines from several processes would come out in a different
 * order, and a buffer copied by fork() would come out twice. Programs whose
 * processes take turns printing call output_line_buffered() first; every
 * child started with proc_start() flushes before fork and ends with _exit.
 */
#ifndef COMMON_OUTPUT_H
#define COMMON_OUTPUT_H

/* Makes stdout line-buffered wherever it goes. Returns 0, or -1. */
int output_line_buffered(void);

/* Sends stdout to /dev/null, fully buffered (what was printed is flushed
 * first): a process whose lines nobody reads (session8's workers under
 * --quiet) prints into nothing at no write() per line. Returns NULL, or what
 * failed, for die(): "write error", "/dev/null" or "setvbuf". */
const char *output_to_dev_null(void);

/* --verbose's tag, the one way every program says who printed a line.
 * output_tag_init() turns it on (or leaves it off) in the process that read
 * the options; CHILD says that process is itself a child (session1's p1
 * started by exec). */
void output_tag_init(int on, int child);

/* With the tag on, "  [pid P, parent Q]" for the calling process, the parent
 * left out on the lines of the process that called output_tag_init() (unless
 * it said CHILD); WHAT adds ", WHAT at ADDR" (ADDR printed with %p). With the
 * tag off, "". The text lives until the next call. */
const char *output_tag_at(const char *what, const void *addr);

/* output_tag_at(NULL, NULL): "  [pid P, parent Q]". */
const char *output_tag(void);

#endif
