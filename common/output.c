/* output.c - see output.h. */
#include "output.h"

#include "trace.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int tag_on;
static pid_t tag_main;      /* the process whose lines leave out the parent */

int output_line_buffered(void)
{
    return setvbuf(stdout, NULL, _IOLBF, BUFSIZ) == 0 ? 0 : -1;
}

const char *output_to_dev_null(void)
{
    if (fflush(stdout) == EOF)
        return "write error";
    if (freopen("/dev/null", "w", stdout) == NULL)
        return "/dev/null";
    if (setvbuf(stdout, NULL, _IOFBF, BUFSIZ) != 0)
        return "setvbuf";
    return NULL;
}

void output_tag_init(int on, int child)
{
    tag_on = on;
    tag_main = child ? 0 : getpid();
}

/* --trace: every print of shared data that names it says where it is. */
static const struct trace_kind kind_print = {
    "print", "memory", 'i', { "address", NULL, NULL, NULL }, "what" };

const char *output_tag_at(const char *what, const void *addr)
{
    static char tag[160];
    int used;

    if (what != NULL)
        trace_text(&kind_print, (long)(uintptr_t)addr, 0, what, strlen(what));
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
