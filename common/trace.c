/* trace.c - the recorder behind --trace FILE; see trace.h.
 *
 * One shared region, mapped before any fork: a header, then one track per
 * process, each a counter and room for `capacity` events. A process only
 * ever writes its own track, so recording needs no lock; the parent reads
 * the tracks after waitpid() has returned for every child of the trial.
 */
#include "trace.h"

#include "die.h"
#include "shm.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct trace_track {
    _Atomic long count;         /* events this process tried to record */
    pid_t pid;                  /* set by the process itself */
    int index;                  /* which track this is */
};

struct trace_shared {
    _Atomic int next_track;     /* the next track a fork may take */
    _Atomic int no_room;        /* processes that found every track taken */
};

struct trace_track *trace_self;

/* The parent's own state: only the process that opened the trace (the
 * "writer") writes the file; a child's copy of these is never used to write. */
static struct {
    struct trace_shared *shared;
    size_t size, stride;
    int tracks;
    long capacity;
    pid_t writer_pid;
    struct trace_writer *writer;
    uint64_t t0;
    char *names[TRACE_MAX_TRACKS];
    int described[TRACE_MAX_TRACKS];    /* its name is in the file */
    pid_t pids[TRACE_MAX_TRACKS];       /* the child forked on each track */
    int pending;                        /* the track the next child takes */
    long dropped;                       /* events past a full buffer, all trials */
} t = { .pending = -1 };

static const struct trace_kind kind_process = {
    NULL, "process", 'B', { "pid", "parent pid", NULL, NULL }, NULL };
static const struct trace_kind kind_exit = {
    NULL, "process", 'E', { "exit status", NULL, NULL, NULL }, NULL };
static const struct trace_kind kind_fork = {
    "fork", "process", 'i', { "pid", "track", NULL, NULL }, NULL };
static const struct trace_kind kind_join = {
    "join", "process", 'i', { "pid", "wait status", "track", NULL }, NULL };
static const struct trace_kind kind_full = {
    "trace full", "trace", 'i', { "recorded", "not recorded", NULL, NULL }, NULL };

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct trace_track *track_at(int i)
{
    return (struct trace_track *)((char *)t.shared + t.stride * (size_t)(i + 1));
}

static struct trace_event *events_of(struct trace_track *tr)
{
    return (struct trace_event *)(tr + 1);
}

/* A track for the next child: -1 when every track is taken. */
static int reserve_track(void)
{
    int n = atomic_fetch_add(&t.shared->next_track, 1);

    return n < t.tracks ? n : -1;
}

int trace_open(const char *path, const char *program, int tracks, long capacity)
{
    size_t room;

    const char *env = getenv("TRACE_CAPACITY");

    if (env != NULL) {          /* the tests' small buffers; docs/tracing.md */
        char *end;

        errno = 0;
        capacity = strtol(env, &end, 10);
        if (errno != 0 || end == env || *end != '\0' || capacity > TRACE_MAX_CAPACITY)
            capacity = 0;
    }
    if (tracks < 1 || tracks > TRACE_MAX_TRACKS || capacity < 1) {
        errno = EINVAL;
        return -1;
    }
    /* One stride holds the header too: track i lives at stride * (i + 1). */
    room = sizeof(struct trace_track) + (size_t)capacity * sizeof(struct trace_event);
    t.stride = (room + 63) / 64 * 64;
    t.size = t.stride * (size_t)(tracks + 1);
    t.tracks = tracks;
    t.capacity = capacity;
    if ((t.writer = trace_writer_open(path, program, (long)getpid())) == NULL)
        return -1;
    if ((t.shared = shared_alloc(t.size)) == NULL) {
        int saved = errno;

        trace_writer_close(t.writer, capacity, 0, 0);
        errno = saved;
        return -1;
    }
    /* Every page of the buffers now, before the children run: a page
     * touched for the first time while they race would cost them a page
     * fault (microseconds) every 42 events, and change the race. */
    for (size_t off = 0; off < t.size; off += 4096)
        ((volatile char *)t.shared)[off] = 0;
    t.writer_pid = getpid();
    t.t0 = now_ns();
    atomic_store(&t.shared->next_track, 1);
    t.pending = reserve_track();
    for (int i = 0; i < tracks; i++)
        track_at(i)->index = i;
    trace_self = track_at(0);
    trace_self->pid = getpid();
    return trace_name(0, "main");
}

int trace_name(int track, const char *name)
{
    char *copy;

    if (t.shared == NULL || track < 0 || track >= t.tracks) {
        errno = EINVAL;
        return -1;
    }
    if ((copy = strdup(name)) == NULL)
        return -1;
    free(t.names[track]);
    t.names[track] = copy;
    return 0;
}

int trace_active(void)
{
    return t.shared != NULL;
}

static struct trace_event *next_event(void)
{
    struct trace_track *tr = trace_self;
    long i = atomic_load_explicit(&tr->count, memory_order_relaxed);

    /* Only this process writes its count: a plain load and store. */
    atomic_store_explicit(&tr->count, i + 1, memory_order_relaxed);
    return i < t.capacity ? &events_of(tr)[i] : NULL;
}

void trace_record(const struct trace_kind *kind, long a, long b, long c, long d)
{
    struct trace_event *e = next_event();

    if (e == NULL)
        return;     /* counted: trace_flush says how many are missing */
    e->ns = now_ns();
    e->kind = kind;
    e->note = NULL;
    e->v[0] = a, e->v[1] = b, e->v[2] = c, e->v[3] = d;
    e->text[0] = '\0';
    e->text_len = 0;
}

void trace_record_text(const struct trace_kind *kind, long a, long b,
                       const char *text, size_t len)
{
    struct trace_event *e = next_event();
    size_t keep = len < sizeof e->text - 1 ? len : sizeof e->text - 1;

    if (e == NULL)
        return;
    e->ns = now_ns();
    e->kind = kind;
    e->note = NULL;
    e->v[0] = a, e->v[1] = b, e->v[2] = e->v[3] = 0;
    memcpy(e->text, text, keep);
    e->text[keep] = '\0';
    e->text_len = len;
}

/* ------------------------------------------------------- processes */

int trace_fork_track(void)
{
    if (t.shared == NULL || trace_self == NULL)
        return -1;
    if (t.pending < 0)
        t.pending = reserve_track();
    return t.pending;
}

void trace_child_begin(void)
{
    int track = trace_fork_track();

    if (t.shared == NULL)
        return;
    t.pending = -1;     /* a child of this child reserves its own */
    if (track < 0) {
        atomic_fetch_add(&t.shared->no_room, 1);
        trace_self = NULL;
        return;
    }
    trace_self = track_at(track);
    trace_self->pid = getpid();
    /* Map the buffer's pages into this process now, not while it works. */
    for (size_t off = 0; off < t.stride; off += 4096)
        (void)((volatile char *)trace_self)[off];
    trace_record(&kind_process, (long)getpid(), (long)getppid(), 0, 0);
}

void trace_child_end(int status)
{
    trace_event(&kind_exit, status, 0, 0, 0);
}

void trace_forked(pid_t pid)
{
    int track = t.pending;

    if (trace_self == NULL)
        return;
    trace_record(&kind_fork, (long)pid, track, 0, 0);
    if (track >= 0)
        t.pids[track] = pid;
    /* The program's main forks the children: it keeps one track ready, so
     * its children's tracks follow the order of its forks. */
    t.pending = getpid() == t.writer_pid ? reserve_track() : -1;
}

void trace_joined(pid_t pid, int status)
{
    long track = -1;

    if (trace_self == NULL)
        return;
    for (int i = 1; i < t.tracks; i++)
        if (t.pids[i] == pid)
            track = i;
    trace_record(&kind_join, (long)pid, status, track, 0);
}

int trace_track(void)
{
    return trace_self != NULL ? trace_self->index : -1;
}

long trace_count(int track)
{
    if (t.shared == NULL || track < 0 || track >= t.tracks)
        return 0;
    return atomic_load(&track_at(track)->count);
}

struct trace_event *trace_events(int track, size_t *n)
{
    long count;

    if (t.shared == NULL || track < 0 || track >= t.tracks)
        return NULL;
    count = atomic_load(&track_at(track)->count);
    *n = (size_t)(count < t.capacity ? count : t.capacity);
    return events_of(track_at(track));
}

/* ------------------------------------------------------- writing */

#define MAX_DEPTH 16

static int write_track(int i)
{
    struct trace_track *tr = track_at(i);
    long count = atomic_load(&tr->count);
    long stored = count < t.capacity ? count : t.capacity;
    const struct trace_event *e = events_of(tr), *open[MAX_DEPTH];
    int depth = 0;
    char fallback[32];
    const char *name = t.names[i];

    if (count == 0)
        return 0;
    if (name == NULL) {
        snprintf(fallback, sizeof fallback, "process %d", i);
        name = fallback;
    }
    if (!t.described[i]) {
        if (trace_writer_meta(t.writer, i, name) == -1)
            return -1;
        t.described[i] = 1;
    }
    for (long k = 0; k < stored; k++) {
        char phase = e[k].kind->phase;

        if (phase == 'B' && depth < MAX_DEPTH)
            open[depth++] = &e[k];
        else if (phase == 'E' && depth > 0)
            depth--;
        if (trace_writer_event(t.writer, i, &e[k], t.t0, name) == -1)
            return -1;
    }
    if (count > stored) {
        struct trace_event full = e[stored - 1];

        full.kind = &kind_full;
        full.note = "this process's buffer was full: the trace holds its first events only";
        full.v[0] = stored;
        full.v[1] = count - stored;
        full.text[0] = '\0';
        if (trace_writer_event(t.writer, i, &full, t.t0, name) == -1)
            return -1;
        t.dropped += count - stored;
    }
    /* A span whose end was never recorded (its process was killed, or its
     * buffer full) ends at the track's last event, and says so. */
    while (depth > 0) {
        struct trace_event end = *open[--depth];
        static const struct trace_kind unnamed_end = {
            NULL, "process", 'E', { NULL, NULL, NULL, NULL }, NULL };

        end.ns = e[stored - 1].ns;
        end.kind = end.kind->name == NULL ? &unnamed_end : end.kind;
        end.note = "its end was not recorded: closed at the track's last event";
        if (trace_writer_event(t.writer, i, &end, t.t0, name) == -1)
            return -1;
    }
    return 0;
}

int trace_flush(void)
{
    if (t.shared == NULL || getpid() != t.writer_pid)
        return 0;
    for (int i = 0; i < t.tracks; i++) {
        if (write_track(i) == -1)
            return -1;
        atomic_store(&track_at(i)->count, 0);
        t.pids[i] = 0;
    }
    atomic_store(&t.shared->next_track, 1);
    t.pending = reserve_track();
    return 0;
}

int trace_close(void)
{
    int rc = 0, saved = 0, no_room;

    if (t.shared == NULL || getpid() != t.writer_pid)
        return 0;
    if (trace_flush() == -1)
        rc = -1, saved = errno;
    no_room = atomic_load(&t.shared->no_room);
    if (trace_writer_close(t.writer, t.capacity, t.dropped, no_room) == -1 && rc == 0)
        rc = -1, saved = errno;
    shared_free(t.shared, t.size);
    t.shared = NULL;
    trace_self = NULL;
    for (int i = 0; i < TRACE_MAX_TRACKS; i++) {
        free(t.names[i]);
        t.names[i] = NULL;
        t.described[i] = 0;
    }
    if (t.dropped > 0)
        fprintf(stderr, "%s: --trace: %ld events were not recorded: a process's buffer holds "
                "%ld per trial (the trace marks where, 'trace full')\n", program_name(), t.dropped, t.capacity);
    if (no_room > 0)
        fprintf(stderr, "%s: --trace: %d processes were not recorded: the trace has room for "
                "%d\n", program_name(), no_room, t.tracks);
    errno = saved;
    return rc;
}

/* ------------------------------------------------------- one run */

static const char *run_path, *run_picture, *run_title;
static int run_remove;

static void close_at_exit(void)
{
    char msg[512];

    if (t.shared == NULL || getpid() != t.writer_pid)
        return;
    if (trace_close() == -1) {
        fprintf(stderr, "%s: %s: %s\n", program_name(), trace_what(run_path), strerror(errno));
        _exit(1);
    }
    if (run_picture != NULL
        && timeline_draw(run_path, run_picture, run_title, 0, NULL, msg, sizeof msg) == -1) {
        fprintf(stderr, "%s: --timeline %s: %s\n", program_name(), run_picture, msg);
        if (run_remove)
            unlink(run_path);
        _exit(1);
    }
    if (run_remove)
        unlink(run_path);
}

int trace_run_picture(const char *picture, const char *title, int remove_trace)
{
    run_picture = picture;
    run_title = title;
    run_remove = remove_trace;
    return 0;
}

int trace_run(const char *path, const char *program, int tracks, long capacity,
              const char *const names[])
{
    if (trace_open(path, program, tracks, capacity) == -1)
        return -1;
    for (int k = 0; names != NULL && names[k] != NULL && k + 1 < tracks; k++)
        if (trace_name(k + 1, names[k]) == -1)
            return -1;
    run_path = path;
    return atexit(close_at_exit) == 0 ? 0 : -1;
}

void trace_run_or_die(const char *path, int tracks, long capacity, const char *const names[])
{
    if (path != NULL && trace_run(path, program_name(), tracks, capacity, names) == -1)
        die(trace_what(path));
}

const char *trace_what(const char *path)
{
    static char what[160];

    if (errno == ENOSYS)
        snprintf(what, sizeof what, "--trace needs json-c, and this program was built "
                 "without it (apt-get install libjson-c-dev, then make)");
    else
        snprintf(what, sizeof what, "--trace %s", path);
    return what;
}
