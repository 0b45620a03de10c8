/* output.c - see output.h. */
#include "output.h"

#include <stdio.h>

int output_line_buffered(void)
{
    return setvbuf(stdout, NULL, _IOLBF, BUFSIZ) == 0 ? 0 : -1;
}
