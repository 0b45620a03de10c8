/* args.h - checked conversion of command-line text to integers.
 *
 * strtol() alone accepts "12abc", "" and " 7", and reports overflow only
 * through errno; these wrappers reject all of that and say precisely why.
 * On failure they return -1 and write a one-line message into msg, which the
 * program passes to usage_error() (exit status 2).
 */
#ifndef COMMON_ARGS_H
#define COMMON_ARGS_H

#include <stddef.h>

/* A message buffer big enough for any message these functions write. */
#define ARG_MSG_SIZE 256

/* Parses TEXT as a base-10 integer in [min, max]. WHAT names the value in the
 * message ("--trials", "list item").
 * Messages: "invalid number 'abc' for --trials (accepted: 1..1000000)" or
 *           "--trials 0 is out of range (accepted: 1..1000000)". */
int arg_long(const char *text, const char *what, long min, long max,
             long *out, char *msg, size_t msglen);

/* Parses COUNT texts into out[0..count-1], each with arg_long() rules. */
int arg_long_list(char *const texts[], size_t count, const char *what,
                  long min, long max, long *out, char *msg, size_t msglen);

/* After getopt_long() returned '?' (unknown option) or ':' (missing value;
 * give the option string a leading ':' to get it), writes what was wrong:
 * "unknown option '--nope'", "option '--trials' needs a value". The option's
 * text is taken from argv as getopt left it. */
void arg_getopt_problem(int opt, char *const argv[], char *msg, size_t msglen);

#endif
