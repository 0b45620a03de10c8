/* args.c - checked integer parsing; see args.h. */
#include "args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int arg_long(const char *text, const char *what, long min, long max,
             long *out, char *msg, size_t msglen)
{
    char *end;
    long value;

    /* strtol skips leading blanks and accepts a bare sign: we do not. */
    if (text[0] == '\0' || text[0] == ' ' || text[0] == '\t'
        || ((text[0] == '-' || text[0] == '+') && text[1] == '\0')) {
        snprintf(msg, msglen, "invalid number '%s' for %s (accepted: %ld..%ld)",
                 text, what, min, max);
        return -1;
    }
    errno = 0;
    value = strtol(text, &end, 10);
    if (*end != '\0' || end == text) {
        snprintf(msg, msglen, "invalid number '%s' for %s (accepted: %ld..%ld)",
                 text, what, min, max);
        return -1;
    }
    if (errno == ERANGE || value < min || value > max) {
        snprintf(msg, msglen, "%s %s is out of range (accepted: %ld..%ld)",
                 what, text, min, max);
        return -1;
    }
    *out = value;
    return 0;
}

int arg_long_list(char *const texts[], size_t count, const char *what,
                  long min, long max, long *out, char *msg, size_t msglen)
{
    for (size_t i = 0; i < count; i++)
        if (arg_long(texts[i], what, min, max, &out[i], msg, msglen) == -1)
            return -1;
    return 0;
}

void arg_getopt_problem(int opt, char *const argv[], char *msg, size_t msglen)
{
    /* For a long option getopt leaves its text just before optind; for a
     * short one optopt holds the letter (which may be grouped, as in -vx). */
    const char *text = argv[optind - 1];
    int is_long = strncmp(text, "--", 2) == 0;

    if (opt == ':') {
        if (is_long)
            snprintf(msg, msglen, "option '%s' needs a value", text);
        else
            snprintf(msg, msglen, "option '-%c' needs a value", optopt);
    } else if (is_long) {
        snprintf(msg, msglen, "unknown or misused option '%s'", text);
    } else {
        snprintf(msg, msglen, "unknown option '-%c'", optopt);
    }
}
