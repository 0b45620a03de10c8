/* trace_without_json.c - the trace writer on a machine without json-c: the
 * Makefile builds this instead of trace_json.c when libjson-c-dev is missing
 * (and could not be installed), so every program still builds and teaches;
 * --trace and --timeline then say what they need. See trace.h.
 */
#include "trace.h"

#include <errno.h>
#include <stdio.h>

struct trace_writer *trace_writer_open(const char *path, const char *program, long pid)
{
    (void)path, (void)program, (void)pid;
    errno = ENOSYS;
    return NULL;
}

int trace_writer_meta(struct trace_writer *w, int track, const char *name)
{
    (void)w, (void)track, (void)name;
    errno = ENOSYS;
    return -1;
}

int trace_writer_event(struct trace_writer *w, int track, const struct trace_event *e,
                       uint64_t t0, const char *track_name)
{
    (void)w, (void)track, (void)e, (void)t0, (void)track_name;
    errno = ENOSYS;
    return -1;
}

int trace_writer_close(struct trace_writer *w, long capacity, long dropped, int no_room)
{
    (void)w, (void)capacity, (void)dropped, (void)no_room;
    return 0;
}

int timeline_draw(const char *trace, const char *out, const char *title, int flags,
                  FILE *script, char *msg, size_t msglen)
{
    (void)trace, (void)out, (void)title, (void)flags, (void)script;
    snprintf(msg, msglen, "the timeline needs json-c, and this program was built without it "
             "(apt-get install libjson-c-dev, then make)");
    return -1;
}
