/* trace_json.c - writes a trace as Trace Event Format JSON with json-c: one
 * event object at a time, so a long trace never sits in memory as a tree.
 * The format: {"traceEvents": [ {...}, ... ], "displayTimeUnit": "ns",
 * "otherData": {...}}; docs/tracing.md shows an example. See trace.h.
 */
#include "trace.h"

#include <json-c/json.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct trace_writer {
    FILE *f;
    long pid;
    const char *program;
    long events;
};

#define STRING_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct trace_writer *trace_writer_open(const char *path, const char *program, long pid)
{
    struct trace_writer *w = calloc(1, sizeof *w);
    int fd;

    if (w == NULL)
        return NULL;
    /* Close-on-exec: a child that runs another program does not keep it. */
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1
        || (w->f = fdopen(fd, "w")) == NULL) {
        int saved = errno;

        if (fd != -1)
            close(fd);
        free(w);
        errno = saved;
        return NULL;
    }
    w->pid = pid;
    w->program = program;
    fputs("{\"traceEvents\": [\n", w->f);
    return w;
}

/* One object, written and freed. */
static int put(struct trace_writer *w, json_object *o)
{
    int rc = fprintf(w->f, "%s%s", w->events++ > 0 ? ",\n" : "",
                     json_object_to_json_string_ext(o, STRING_FLAGS)) < 0 ? -1 : 0;

    json_object_put(o);
    return rc;
}

static json_object *header(const struct trace_writer *w, const char *name, const char *ph,
                           int track)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "ph", json_object_new_string(ph));
    json_object_object_add(o, "pid", json_object_new_int64(w->pid));
    json_object_object_add(o, "tid", json_object_new_int(track + 1));
    return o;
}

/* A metadata event ("M") of track: its args hold key: value. */
static int put_meta(struct trace_writer *w, const char *name, int track, const char *key,
                    json_object *value)
{
    json_object *o = header(w, name, "M", track), *args = json_object_new_object();

    json_object_object_add(args, key, value);
    json_object_object_add(o, "args", args);
    return put(w, o);
}

int trace_writer_meta(struct trace_writer *w, int track, const char *name)
{
    if (track == 0
        && put_meta(w, "process_name", 0, "name", json_object_new_string(w->program)) == -1)
        return -1;
    if (put_meta(w, "thread_name", track, "name", json_object_new_string(name)) == -1)
        return -1;
    return put_meta(w, "thread_sort_index", track, "sort_index", json_object_new_int(track));
}

/* Text from a process (a message, a key) as Python's repr shows it:
 * printable ASCII as it is, any other byte as \xNN, so the file is always
 * valid UTF-8 and a terminal escape never reaches a viewer. */
static json_object *text_value(const struct trace_event *e)
{
    char out[4 * sizeof e->text + 32] = "";
    size_t n = 0;

    for (const unsigned char *c = (const unsigned char *)e->text; *c != '\0'; c++)
        n += (size_t)snprintf(out + n, sizeof out - n, *c >= 0x20 && *c < 0x7f ? "%c" : "\\x%02x",
                              *c);
    if (e->text_len >= sizeof e->text)
        snprintf(out + n, sizeof out - n, "... (%zu bytes)", e->text_len);
    return json_object_new_string(out);
}

int trace_writer_event(struct trace_writer *w, int track, const struct trace_event *e,
                       uint64_t t0, const char *track_name)
{
    const struct trace_kind *k = e->kind;
    char ph[2] = { k->phase, '\0' }, ts[32];
    json_object *o = header(w, k->name != NULL ? k->name : track_name, ph, track);
    json_object *args = json_object_new_object();
    uint64_t ns = e->ns >= t0 ? e->ns - t0 : 0;

    json_object_object_add(o, "cat", json_object_new_string(k->cat));
    /* Microseconds, to the nanosecond: written as text, so no rounding. */
    snprintf(ts, sizeof ts, "%llu.%03u", (unsigned long long)(ns / 1000), (unsigned)(ns % 1000));
    json_object_object_add(o, "ts", json_object_new_double_s((double)ns / 1e3, ts));
    if (k->phase == 'i')
        json_object_object_add(o, "s", json_object_new_string("t"));
    for (int i = 0; i < 4; i++)
        if (k->arg[i] != NULL)
            json_object_object_add(args, k->arg[i], json_object_new_int64(e->v[i]));
    if (k->text != NULL)
        json_object_object_add(args, k->text, text_value(e));
    if (e->note != NULL)
        json_object_object_add(args, "note", json_object_new_string(e->note));
    json_object_object_add(o, "args", args);
    return put(w, o);
}

int trace_writer_close(struct trace_writer *w, long capacity, long dropped, int no_room)
{
    json_object *other = json_object_new_object();
    int rc;

    json_object_object_add(other, "program", json_object_new_string(w->program));
    json_object_object_add(other, "clock", json_object_new_string("CLOCK_MONOTONIC"));
    json_object_object_add(other, "capacity per process and trial",
                           json_object_new_int64(capacity));
    json_object_object_add(other, "events not recorded", json_object_new_int64(dropped));
    json_object_object_add(other, "processes not recorded", json_object_new_int(no_room));
    rc = fprintf(w->f, "\n],\n\"displayTimeUnit\": \"ns\",\n\"otherData\": %s}\n",
                 json_object_to_json_string_ext(other, STRING_FLAGS)) < 0 ? -1 : 0;
    json_object_put(other);
    if (fflush(w->f) == EOF || ferror(w->f))
        rc = -1;
    if (fclose(w->f) == EOF)
        rc = -1;
    free(w);
    return rc;
}
