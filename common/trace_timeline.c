/* trace_timeline.c - draws a --trace file as a picture with gnuplot: one
 * lane per process, time across, each span (a process's life, a wait for
 * the lock) a bar, each instant (a read, a write, a fork) a mark; session6's
 * lost updates in red. See trace.h; docs/tracing.md shows the result.
 *
 *   build/timeline [--whole] TRACE.json OUT.svg [TITLE]   draw it with gnuplot
 *   build/timeline --script [--whole] TRACE.json OUT.svg  print the script
 *
 * The time axis shows the session's own operations (every instant but the
 * processes' fork and join, and the trace's own notes): a fork takes
 * milliseconds, ten thousand updates a few hundred microseconds; and where
 * two or more children are at work, only the time they all are. --whole
 * shows everything from the first event to the last. --need-overlap: exit
 * 3, drawing nothing, when the children were never at work at once (make
 * plots then runs the program again). OUT.png draws a PNG.
 */
#include "trace.h"

#include <json-c/json.h>

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TRACKS 64
#define MAX_DEPTH 16
#define MAX_KINDS 10

struct track {
    long tid;
    const char *name;
    int lane;                       /* 1 at the bottom; main on top */
    int depth;
    const char *open_name[MAX_DEPTH];
    double open_ts[MAX_DEPTH];
    double first, last;             /* its first and last operation */
    int busy;                       /* it has operations */
};

static struct track tracks[MAX_TRACKS];
static int ntracks;
static const char *kinds[MAX_KINDS];    /* the instant events' names, in order of appearance */
static int nkinds;

static struct track *track_of(long tid)
{
    for (int i = 0; i < ntracks; i++)
        if (tracks[i].tid == tid)
            return &tracks[i];
    if (ntracks == MAX_TRACKS)
        return NULL;
    tracks[ntracks] = (struct track){ .tid = tid, .name = "?" };
    return &tracks[ntracks++];
}

static const char *str(json_object *o, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static double num(json_object *o, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0;
}

static const char *note(json_object *e)
{
    json_object *args;

    return json_object_object_get_ex(e, "args", &args) ? str(args, "note") : "";
}

/* gnuplot's strings are in double quotes: keep only what is safe there. */
static void put_label(FILE *out, const char *s)
{
    for (; *s != '\0'; s++)
        fputc(*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 ? '_' : *s, out);
}

static const char *spans[MAX_KINDS];    /* the spans' names; "" a process's life */
static int nspans;
static long span_rows[MAX_KINDS];

/* The index of name in names (*count of them), added at the end when it is
 * new; -1 when it is new and names is full (MAX_KINDS). */
static int name_index(const char **names, int *count, const char *name)
{
    for (int i = 0; i < *count; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    if (*count == MAX_KINDS)
        return -1;
    names[*count] = name;
    return (*count)++;
}

static int span_index(const char *name)
{
    return name_index(spans, &nspans, name);
}

static int kind_index(const char *name)
{
    return name_index(kinds, &nkinds, name);
}

/* An operation of one of the program's children: what the zoomed axis
 * shows (main's own events are before and after: the setup, the results). */
static int is_operation(json_object *e)
{
    return strcmp(str(e, "ph"), "M") != 0 && num(e, "tid") != 1 && strcmp(str(e, "cat"), "process") != 0
        && strcmp(str(e, "cat"), "trace") != 0 && strcmp(str(e, "name"), "lost updates") != 0;
}

static int whole, need_overlap;

/* What the picture shows: the events, the time of the first and last one
 * (ms), the span of time on the axis, and the axis with its margins. */
struct view {
    json_object *events;
    size_t n;
    double t0, t1, from, to, lo_x, hi_x;
};

static json_object *event(const struct view *v, size_t i)
{
    return json_object_array_get_idx(v->events, i);
}

/* The tracks, in the order the trace sorts them, and the time of the first
 * and last event. -1 when there are more than MAX_TRACKS. */
static int find_tracks(struct view *v)
{
    v->t0 = -1;
    v->t1 = 0;
    for (size_t i = 0; i < v->n; i++) {
        json_object *e = event(v, i), *args;
        struct track *t = track_of((long)num(e, "tid"));

        if (t == NULL)
            return -1;
        if (strcmp(str(e, "name"), "thread_name") == 0
            && json_object_object_get_ex(e, "args", &args))
            t->name = str(args, "name");
        if (strcmp(str(e, "ph"), "M") != 0) {
            double ts = num(e, "ts") / 1000.0;

            v->t0 = v->t0 < 0 || ts < v->t0 ? ts : v->t0;
            v->t1 = ts > v->t1 ? ts : v->t1;
        }
    }
    return 0;
}

/* The time axis: the children's operations (where every busy child was at
 * work at once with --need-overlap: the interesting part), or everything
 * with --whole. 3 with --need-overlap when they never were; else 0. */
static int choose_axis(struct view *v)
{
    double overlap_from = -1, overlap_to = -1;

    v->from = -1;
    v->to = 0;
    for (size_t i = 0; i < v->n && !whole; i++) {
        json_object *e = event(v, i);
        double ts = num(e, "ts") / 1000.0 - v->t0;
        struct track *t = track_of((long)num(e, "tid"));

        if (is_operation(e)) {
            v->from = v->from < 0 || ts < v->from ? ts : v->from;
            v->to = ts > v->to ? ts : v->to;
            t->first = t->busy ? t->first : ts;
            t->last = ts;
            t->busy = 1;
        }
    }
    for (int i = 0; i < ntracks; i++)
        if (tracks[i].busy) {
            overlap_from = overlap_from < 0 || tracks[i].first > overlap_from ? tracks[i].first
                                                                             : overlap_from;
            overlap_to = overlap_to < 0 || tracks[i].last < overlap_to ? tracks[i].last
                                                                       : overlap_to;
        }
    if (v->from < 0)
        v->from = 0, v->to = v->t1 - v->t0;
    else if (need_overlap && overlap_from < overlap_to)
        v->from = overlap_from, v->to = overlap_to;
    else if (need_overlap)
        return 3;
    for (int i = 0; i < ntracks; i++)
        tracks[i].lane = ntracks - i;
    v->lo_x = v->from - 0.02 * (v->to - v->from) - 1e-6;
    v->hi_x = v->to + 0.02 * (v->to - v->from) + 1e-6;
    return 0;
}

/* The spans' names, outer ones (a process's life) first, so that what
 * happens inside is drawn on top. */
static void name_spans(const struct view *v)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < v->n; i++) {
            json_object *e = event(v, i);
            struct track *t = track_of((long)num(e, "tid"));
            const char *ph = str(e, "ph");

            if (*ph == 'B' && t->depth < MAX_DEPTH) {
                if ((t->depth == 0) == (pass == 0))
                    span_index(t->depth == 0 ? "" : str(e, "name"));
                t->depth++;
            } else if (*ph == 'E' && t->depth > 0) {
                t->depth--;
            }
        }
}

/* One block of boxes per span name. */
static void write_spans(FILE *out, const struct view *v)
{
    name_spans(v);
    for (int k = 0; k < nspans; k++) {
        fprintf(out, "$span%d << EOD\n", k);
        for (size_t i = 0; i < v->n; i++) {
            json_object *e = event(v, i);
            struct track *t = track_of((long)num(e, "tid"));
            const char *ph = str(e, "ph");
            double ts = num(e, "ts") / 1000.0 - v->t0;

            if (*ph == 'B' && t->depth < MAX_DEPTH) {
                t->open_name[t->depth] = str(e, "name");
                t->open_ts[t->depth++] = ts;
            } else if (*ph == 'E' && t->depth > 0) {
                int d = --t->depth;
                double h = d == 0 ? 0.30 : d == 1 ? 0.20 : 0.13;  /* outer spans taller */
                /* Cut to the axis (gnuplot drops a box whose middle is off
                 * it): x, y, xlow, xhigh, ylow, yhigh. */
                double lo = t->open_ts[d] < v->lo_x ? v->lo_x : t->open_ts[d];
                double hi = ts > v->hi_x ? v->hi_x : ts;
                const char *name = d == 0 || t->open_name[d] == NULL ? "" : t->open_name[d];

                if (lo <= hi && strcmp(spans[k], name) == 0 && ++span_rows[k] > 0)
                    fprintf(out, "%.6f %d %.6f %.6f %.2f %.2f\n", (lo + hi) / 2, t->lane, lo,
                            hi, t->lane - h, t->lane + h);
            }
        }
        fprintf(out, "EOD\n");
    }
}

/* The time and lane of one event, a line of a block of marks. */
static void put_mark(FILE *out, const struct view *v, json_object *e)
{
    fprintf(out, "%.6f %d\n", num(e, "ts") / 1000.0 - v->t0, track_of((long)num(e, "tid"))->lane);
}

/* One block of marks per kind of instant. */
static void write_instants(FILE *out, const struct view *v)
{
    for (size_t i = 0; i < v->n; i++) {
        json_object *e = event(v, i);

        if (strcmp(str(e, "ph"), "i") == 0 && (whole || is_operation(e)))
            kind_index(str(e, "name"));   /* the spans have no key */
    }
    for (int k = 0; k < nkinds; k++) {
        fprintf(out, "$kind%d << EOD\n", k);
        for (size_t i = 0; i < v->n; i++) {
            json_object *e = event(v, i);

            if (strcmp(str(e, "ph"), "i") == 0 && strcmp(str(e, "name"), kinds[k]) == 0)
                put_mark(out, v, e);
        }
        fprintf(out, "EOD\n");
    }
}

/* Block $NAME: the events whose note starts with `prefix` (anywhere: holds
 * it). Returns how many. */
static long write_noted(FILE *out, const struct view *v, const char *name, const char *prefix,
                        int anywhere)
{
    long count = 0;

    fprintf(out, "$%s << EOD\n", name);
    for (size_t i = 0; i < v->n; i++) {
        json_object *e = event(v, i);
        const char *text = note(e);

        if (anywhere ? strstr(text, prefix) != NULL
                     : strncmp(text, prefix, strlen(prefix)) == 0) {
            put_mark(out, v, e);
            count++;
        }
    }
    fprintf(out, "EOD\n");
    return count;
}

/* The terminal, the title and the axes. */
static void write_settings(FILE *out, const struct view *v, const char *svg, const char *title)
{
    size_t len = strlen(svg);
    int png = len > 4 && strcmp(svg + len - 4, ".png") == 0;

    fprintf(out, "set terminal %s size 900,%d font \"Helvetica,11\" background \"white\"\n",
            png ? "pngcairo" : "svg", 170 + 55 * ntracks);
    fprintf(out, "set output \"");
    put_label(out, svg);
    fprintf(out, "\"\nset title \"");
    put_label(out, title);
    if (whole)
        fprintf(out, "\" noenhanced\nset xlabel \"time since the first event (ms)\"\n"
                     "X(x) = x\n");
    else if (v->to - v->from > 10)
        fprintf(out, "\" noenhanced\nset xlabel \"time since the children's first operation "
                     "(ms)\"\nX(x) = x - %.6f\n", v->from);
    else
        fprintf(out, "\" noenhanced\nset xlabel \"time since the children's first operation "
                     "(microseconds)\"\nX(x) = (x - %.6f) * 1000\n", v->from);
    fprintf(out, "set yrange [0.4:%.1f]\nset ytics (", ntracks + 0.6);
    for (int i = 0; i < ntracks; i++) {
        fprintf(out, "%s\"", i > 0 ? ", " : "");
        put_label(out, tracks[i].name);
        fprintf(out, "\" %d", tracks[i].lane);
    }
    fprintf(out, ") noenhanced\nset xrange [X(%.6f):X(%.6f)]\n", v->lo_x, v->hi_x);
    fprintf(out, "set grid xtics\nset key outside bottom center horizontal noenhanced\n"
                 "set style fill solid 1.0\n");
}

/* The plot command: every block, with its key; session6's marks when
 * there were lost updates. */
static void write_plot(FILE *out, long marked)
{
    static const char *const fill[] = { "#dde6f5", "#bbbbbb", "#ee7733", "#228833", "#66ccee",
                                         "#aa3377", "#ccbb44", "#4477aa", "#999933", "#882255" };
    static const int pt[] = { 6, 4, 8, 12, 10, 14, 1, 3, 5, 7 };
    static const char *const colour[] = { "#222222", "#4477aa", "#228833", "#aa3377", "#66ccee",
                                          "#ccbb44", "#555555", "#4477aa", "#228833", "#aa3377" };

    fprintf(out, "plot NaN notitle");
    for (int k = 0; k < nspans; k++) {
        if (span_rows[k] == 0)
            continue;   /* gnuplot warns about an empty block */
        fprintf(out, ", \\\n     $span%d using (X($1)):2:(X($3)):(X($4)):5:6 with boxxyerror "
                "fs solid 1.0 %s lc rgb \"%s\" ", k, *spans[k] == '\0' ? "border lc rgb \"#888888\""
                : "border lc rgb \"white\"", fill[k]);
        if (*spans[k] == '\0') {
            fprintf(out, "notitle");
        } else {
            fprintf(out, "title \"");
            put_label(out, spans[k]);
            fprintf(out, "\"");
        }
    }
    for (int k = 0; k < nkinds; k++) {
        fprintf(out, ", \\\n     $kind%d using (X($1)):2 with points pt %d ps 0.6 lc rgb \"%s\" "
                "title \"", k, pt[k], colour[k]);
        put_label(out, kinds[k]);
        fprintf(out, "\"");
    }
    if (marked > 0)
        fprintf(out, ", \\\n     $stale using (X($1)):2 with points pt 7 ps 1.0 lc rgb \"#ee7733\" "
                     "title \"stale read\", \\\n"
                     "     $overwrote using (X($1)):2 with points pt 9 ps 1.2 lc rgb \"#cc3311\" "
                     "title \"write that overwrote\", \\\n"
                     "     $lost using (X($1)):2 with points pt 2 ps 1.6 lw 2 lc rgb \"#cc3311\" "
                     "title \"lost update\"");
    fprintf(out, "\n");
}

/* The script: data blocks, then one plot. -1 for too many tracks or a
 * write error; 3 (--need-overlap) when the children never overlapped. */
static int write_script(FILE *out, json_object *events, const char *svg, const char *title)
{
    struct view v = { events, json_object_array_length(events), 0, 0, 0, 0, 0, 0 };
    long marked;
    int rc;

    ntracks = nkinds = nspans = 0;
    memset(span_rows, 0, sizeof span_rows);
    if (find_tracks(&v) == -1)
        return -1;
    if ((rc = choose_axis(&v)) != 0)
        return rc;
    write_spans(out, &v);
    write_instants(out, &v);
    /* session6: the lost updates (red crosses), the writes that overwrote
     * (red triangles) and the stale reads (orange circles), from the notes. */
    marked = write_noted(out, &v, "lost", "lost update", 0);
    write_noted(out, &v, "overwrote", "overwrote", 1);
    write_noted(out, &v, "stale", "stale read", 0);
    write_settings(out, &v, svg, title);
    write_plot(out, marked);
    return ferror(out) ? -1 : 0;
}

/* The trace's events, or NULL with a message. */
static json_object *load(const char *trace, json_object **events, char *msg, size_t msglen)
{
    json_object *root = json_object_from_file(trace);

    if (root == NULL) {
        snprintf(msg, msglen, "%s: %s", trace, json_util_get_last_err());
        return NULL;
    }
    if (!json_object_object_get_ex(root, "traceEvents", events)
        || !json_object_is_type(*events, json_type_array)) {
        snprintf(msg, msglen, "%s: no traceEvents array", trace);
        json_object_put(root);
        return NULL;
    }
    return root;
}

extern char **environ;

/* gnuplot, reading its script from the returned stream (no shell between). */
static FILE *start_gnuplot(pid_t *pid)
{
    char name[] = "gnuplot";
    char *argv[] = { name, NULL };
    posix_spawn_file_actions_t actions;
    int fds[2], err;
    FILE *f;

    if (pipe(fds) == -1)
        return NULL;
    if ((err = posix_spawn_file_actions_init(&actions)) == 0) {
        if ((err = posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO)) == 0
            && (err = posix_spawn_file_actions_addclose(&actions, fds[0])) == 0
            && (err = posix_spawn_file_actions_addclose(&actions, fds[1])) == 0)
            err = posix_spawnp(pid, "gnuplot", &actions, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
    }
    close(fds[0]);
    if (err != 0 || (f = fdopen(fds[1], "w")) == NULL) {
        close(fds[1]);
        if (err != 0) {
            errno = err;
            return NULL;
        }
        waitpid(*pid, NULL, 0);
        return NULL;
    }
    return f;
}

static int finish_gnuplot(FILE *f, pid_t pid)
{
    int status, rc = fclose(f) == EOF ? -1 : 0;

    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return -1;
    return rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int timeline_draw(const char *trace, const char *out, const char *title, int flags,
                  FILE *script, char *msg, size_t msglen)
{
    json_object *events, *root = load(trace, &events, msg, msglen);
    FILE *to = script;
    pid_t pid = 0;
    int rc, drawn;

    if (root == NULL)
        return -1;
    whole = (flags & TIMELINE_WHOLE) != 0;
    need_overlap = (flags & TIMELINE_NEED_OVERLAP) != 0;
    if (to == NULL && (to = start_gnuplot(&pid)) == NULL) {
        snprintf(msg, msglen, "gnuplot: %s (apt-get install gnuplot-nox)", strerror(errno));
        json_object_put(root);
        return -1;
    }
    rc = write_script(to, events, out, title);
    json_object_put(root);
    if (script != NULL)
        return rc == 3 ? 3 : rc == 0 && fflush(script) == 0 ? 0 : -1;
    drawn = finish_gnuplot(to, pid);
    if (rc == 3)
        return 3;
    if (rc == -1 || drawn == -1) {
        snprintf(msg, msglen, "gnuplot could not draw %s (is gnuplot installed? apt-get "
                 "install gnuplot-nox)", out);
        return -1;
    }
    return 0;
}
