/* trace.h - --trace FILE: what every process of a run did, and when, written
 * as Trace Event Format JSON (Perfetto, chrome://tracing). docs/tracing.md
 * shows how to read one.
 *
 * Recording must not change what is recorded: before any fork, trace_open
 * maps one shared region holding a fixed-size buffer per process (a
 * "track"); a process appends an event with plain stores and one
 * clock_gettime(CLOCK_MONOTONIC) (the vDSO: no system call), takes no lock
 * and touches no file. Only the parent writes the file: trace_flush, after
 * it has joined the children of a trial or run, merges the buffers.
 */
#ifndef COMMON_TRACE_H
#define COMMON_TRACE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

/* What one kind of event is. Kinds are static constants in the session's
 * code: an event stores a pointer to its kind, valid in every process
 * because fork() keeps the addresses. */
struct trace_kind {
    const char *name;       /* "read"; NULL: the track's own name */
    const char *cat;        /* "balance" */
    char phase;             /* 'i' an instant, 'B' begins a span, 'E' ends it */
    const char *arg[4];     /* the names of v[0..3] in "args"; NULL: unused */
    const char *text;       /* the name of the text argument, or NULL */
};

/* One event (96 bytes), written by one process into its own buffer. */
struct trace_event {
    uint64_t ns;                    /* CLOCK_MONOTONIC, nanoseconds */
    const struct trace_kind *kind;
    const char *note;               /* a remark added by the parent, or NULL */
    long v[4];
    char text[32];                  /* its first 31 bytes, NUL-terminated */
    size_t text_len;                /* how long the text really was */
};

/* This process's buffer while tracing, NULL otherwise: the only thing the
 * inline functions below look at when tracing is off. */
extern struct trace_track *trace_self;

/* Events a process may record per trial (or per run) by default: past it
 * the rest are counted, not stored, and the trace and stderr say so. */
#define TRACE_CAPACITY 131072L
#define TRACE_MAX_CAPACITY (1L << 24)
#define TRACE_MAX_TRACKS 64

/* Before any fork: opens (truncates) path, maps room for `tracks` processes
 * of `capacity` events each (the environment variable TRACE_CAPACITY, when
 * set, replaces it: 1..TRACE_MAX_CAPACITY, else EINVAL), and makes the caller track 0, named "main".
 * program names the trace ("session6"). Returns 0, or -1 with errno
 * (ENOSYS when the program was built without json-c). */
int trace_open(const char *path, const char *program, int tracks, long capacity);

/* The name of a track in the pictures: "p1 (withdraw)", "worker 2". A
 * track without one is "process N". Returns 0, or -1 with errno. */
int trace_name(int track, const char *name);

/* 1 while a trace is being recorded (in any process of the run). */
int trace_active(void);

/* Appends one event to this process's buffer. Cheap when tracing is off. */
void trace_record(const struct trace_kind *kind, long a, long b, long c, long d);
void trace_record_text(const struct trace_kind *kind, long a, long b,
                       const char *text, size_t len);

static inline void trace_event(const struct trace_kind *kind, long a, long b, long c, long d)
{
    if (trace_self != NULL)
        trace_record(kind, a, b, c, d);
}

static inline void trace_text(const struct trace_kind *kind, long a, long b,
                              const char *text, size_t len)
{
    if (trace_self != NULL)
        trace_record_text(kind, a, b, text, len);
}

/* The calls common/proc.c makes, so that every child has its track and
 * every fork, exit and join is in the trace (no-ops when off):
 * trace_fork_track() before fork() names the track the child will use;
 * trace_child_begin() runs first in the child; trace_child_end(status)
 * last, before _exit; trace_forked(pid) and trace_joined(pid, status) in
 * the parent. A program that forks by hand gets its child on the next
 * track too. */
int trace_fork_track(void);
void trace_child_begin(void);
void trace_child_end(int status);
void trace_forked(pid_t pid);
void trace_joined(pid_t pid, int status);

/* The track of this process (0 in main), -1 when not tracing. */
int trace_track(void);

/* How many events the track's process tried to record in this trial: more
 * than trace_events stored when its buffer was full. */
long trace_count(int track);

/* The events of a track recorded so far in this trial (the parent reads
 * them after the join, to check or to annotate them: event->note). *n is
 * the number stored. NULL when the track is not in use. */
struct trace_event *trace_events(int track, size_t *n);

/* The parent, after joining every child of a trial: writes what every
 * track recorded and empties the buffers for the next trial. A span left
 * open (a process killed, a buffer full) is closed at its track's last
 * event, with a note. Returns 0, or -1 with errno (a write error). */
int trace_flush(void);

/* For a program whose trace is one run (sessions 1-5 and 8): trace_open,
 * then the names of tracks 1, 2, ... (NULL-terminated; names[k] names track
 * k + 1), and an at-exit handler in the opening process that closes the
 * trace when the program ends, whatever its exit status; a write error
 * then is one line on stderr and exit status 1. Returns 0, or -1 with
 * errno: die(trace_what(path)) says it. */
int trace_run(const char *path, const char *program, int tracks, long capacity,
              const char *const names[]);

/* trace_run for --trace FILE, as a program calls it once its options are
 * read and checked: nothing when path is NULL (no --trace), the program's
 * name as die_init() was given it, and the tracks named as the tutorial
 * names its processes ("p1", "p2"); a failure ends the program (die). */
void trace_run_or_die(const char *path, int tracks, long capacity, const char *const names[]);

/* After trace_run: at exit, once the trace is written, also draw it in
 * `picture` (timeline_draw, titled `title`), and remove the trace file when
 * remove_trace is 1 (a temporary one). A failure to draw is one line and
 * exit status 1. Returns 0. */
int trace_run_picture(const char *picture, const char *title, int remove_trace);

/* "--trace PATH", or the line saying json-c is missing (errno ENOSYS):
 * the operation for die(). */
const char *trace_what(const char *path);

/* Flushes, ends the JSON document, closes the file and unmaps the region.
 * Says on stderr (one line) when a buffer was full. Returns 0, or -1 with
 * errno. Only the process that opened the trace writes anything. */
int trace_close(void);

/* Draws the trace in file `trace` as a picture in `out` (.svg, or .png)
 * with gnuplot: a lane per track, time across (by default only while the
 * children work: TIMELINE_WHOLE shows all), spans as bars, instants as
 * marks. With script != NULL, writes the gnuplot script there instead.
 * TIMELINE_NEED_OVERLAP shows only the time when every child was at work,
 * and returns 3 without drawing when there was none. Returns 0, 3, or -1
 * with a one-line message in msg. */
#define TIMELINE_WHOLE 1
#define TIMELINE_NEED_OVERLAP 2
int timeline_draw(const char *trace, const char *out, const char *title, int flags,
                  FILE *script, char *msg, size_t msglen);

/* --- the JSON writer (trace_json.c, with json-c; trace_without_json.c
 * stands in when the library is missing). Used by trace.c only. */
struct trace_writer;
struct trace_writer *trace_writer_open(const char *path, const char *program, long pid);
int trace_writer_meta(struct trace_writer *w, int track, const char *name);
int trace_writer_event(struct trace_writer *w, int track, const struct trace_event *e,
                       uint64_t t0, const char *track_name);
int trace_writer_close(struct trace_writer *w, long capacity, long dropped, int no_room);

#endif
