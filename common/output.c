/* output.c - see output.h. */
#include "output.h"

#include <stdio.h>
#include <unistd.h>

static int tag_on;
static pid_t tag_main;      /* the process whose lines leave out the parent */

int output_line_buffered(void)
{
    return setvbuf(stdout, NULL, _IOLBF, BUFSIZ) == 0 ? 0 : -1;
}

void output_tag_init(int on, int child)
{
    tag_on = on;
    tag_main = child ? 0 : getpid();
}

const char *output_tag_at(const char *what, const void *addr)
{
    static char tag[160];
    int used;

    if (!tag_on)
        return "";
    used = snprintf(tag, sizeof tag, "  [pid %ld", (long)getpid());
    if (getpid() != tag_main)
        used += snprintf(tag + used, sizeof tag - (size_t)used, ", parent %ld", (long)getppid());
    if (what != NULL)
        used += snprintf(tag + used, sizeof tag - (size_t)used, ", %s at %p", what, addr);
    snprintf(tag + used, sizeof tag - (size_t)used, "]");
    return tag;
}

const char *output_tag(void)
{
    return output_tag_at(NULL, NULL);
}
