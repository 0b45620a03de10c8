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

#endif
