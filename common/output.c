/* output.c - see output.h. */
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int output_line_buffered(void)
{
    return setvbuf(stdout, NULL, _IOLBF, BUFSIZ) == 0 ? 0 : -1;
}

int output_use_colour(void)
{
    const char *no_colour = getenv("NO_COLOR");

    return isatty(STDOUT_FILENO) && (no_colour == NULL || no_colour[0] == '\0');
}
