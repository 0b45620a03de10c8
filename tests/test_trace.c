/* test_trace.c - --trace FILE: the recorder (common/trace.c) and what each
 * program records. Every trace is read back with json-c and checked: it is
 * JSON, every begin has its end, a process's timestamps never go back, the
 * events count the work done; session7's reads each see the write before
 * them, and session6's lost updates add up to its final balance, exactly. */
#include "testutil.h"

#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ reading */

struct trace {
    json_object *root;
    json_object *events;    /* the traceEvents array */
    size_t n;
    char path[64];
};

/* Runs cmdline with "--trace FILE" added, expects exit 0, reads FILE. */
static void run_traced(struct trace *t, const char *cmdline)
{
    char cmd[512];
    struct run r;
    int fd;

    snprintf(t->path, sizeof t->path, "/tmp/test-trace-XXXXXX");
    fd = mkstemp(t->path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    snprintf(cmd, sizeof cmd, "%s --trace %s", cmdline, t->path);
    run_checked_timeout(&r, cmd, 60, 0);
    run_free(&r);
    t->root = json_object_from_file(t->path);
    ck_assert_msg(t->root != NULL, "%s: not JSON: %s", t->path, json_util_get_last_err());
    ck_assert_msg(json_object_object_get_ex(t->root, "traceEvents", &t->events)
                  && json_object_is_type(t->events, json_type_array), "no traceEvents array");
    t->n = json_object_array_length(t->events);
}

static void trace_free(struct trace *t)
{
    json_object_put(t->root);
    unlink(t->path);
}

static json_object *event(const struct trace *t, size_t i)
{
    return json_object_array_get_idx(t->events, i);
}

static const char *str(json_object *o, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static long num(json_object *o, const char *key)
{
    json_object *v;

    ck_assert_msg(json_object_object_get_ex(o, key, &v), "no '%s' in %s", key,
                  json_object_to_json_string(o));
    return (long)json_object_get_int64(v);
}

/* args.key of an event. */
static long arg(json_object *o, const char *key)
{
    json_object *args;

    ck_assert(json_object_object_get_ex(o, "args", &args));
    return num(args, key);
}

static int has_note(json_object *o, const char *prefix)
{
    json_object *args, *note;

    return json_object_object_get_ex(o, "args", &args)
        && json_object_object_get_ex(args, "note", &note)
        && strncmp(json_object_get_string(note), prefix, strlen(prefix)) == 0;
}

static double ts(json_object *o)
{
    json_object *v;

    ck_assert(json_object_object_get_ex(o, "ts", &v));
    return json_object_get_double(v);
}

static int is(json_object *o, const char *name, const char *ph)
{
    return strcmp(str(o, "name"), name) == 0 && (ph == NULL || strcmp(str(o, "ph"), ph) == 0);
}

/* The tid of the track named name (its thread_name), or -1. */
static long track_named(const struct trace *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++) {
        json_object *e = event(t, i), *args, *v;

        if (is(e, "thread_name", "M") && json_object_object_get_ex(e, "args", &args)
            && json_object_object_get_ex(args, "name", &v)
            && strcmp(json_object_get_string(v), name) == 0)
            return num(e, "tid");
    }
    return -1;
}

/* How many events named name (any phase when ph is NULL) on track tid (any
 * track when tid is -1). */
static long count(const struct trace *t, long tid, const char *name, const char *ph)
{
    long c = 0;

    for (size_t i = 0; i < t->n; i++)
        c += is(event(t, i), name, ph) && (tid == -1 || num(event(t, i), "tid") == tid);
    return c;
}

/* ------------------------------------------------ what every trace keeps */

#define MAX_TID 64
#define MAX_DEPTH 16

/* Every event has a name, a phase, pid and tid; every one but metadata a
 * time; on each track the times never go back, and every B is closed by
 * an E of the same name, in order. Returns the number of tracks used. */
static int assert_well_formed(const struct trace *t)
{
    double last[MAX_TID + 1];
    const char *open[MAX_TID + 1][MAX_DEPTH];
    int depth[MAX_TID + 1] = { 0 }, used = 0, seen[MAX_TID + 1] = { 0 };

    for (int i = 0; i <= MAX_TID; i++)
        last[i] = -1;
    for (size_t i = 0; i < t->n; i++) {
        json_object *e = event(t, i);
        const char *ph = str(e, "ph"), *name = str(e, "name");
        long tid = num(e, "tid");

        ck_assert_msg(*name != '\0' && strlen(ph) == 1, "event %zu: no name or phase", i);
        num(e, "pid");
        ck_assert_msg(tid >= 1 && tid <= MAX_TID, "event %zu: tid %ld", i, tid);
        used += !seen[tid];
        seen[tid] = 1;
        if (*ph == 'M')
            continue;
        ck_assert_msg(!has_note(e, "its end was not recorded"), "event %zu: '%s' was closed "
                      "by the writer, not by its process", i, name);
        ck_assert_msg(ts(e) >= last[tid], "track %ld goes back in time at event %zu: %f < %f",
                      tid, i, ts(e), last[tid]);
        last[tid] = ts(e);
        if (*ph == 'B') {
            ck_assert_int_lt(depth[tid], MAX_DEPTH);
            open[tid][depth[tid]++] = name;
        } else if (*ph == 'E') {
            ck_assert_msg(depth[tid] > 0, "event %zu: an end '%s' with no begin", i, name);
            depth[tid]--;
            ck_assert_msg(strcmp(open[tid][depth[tid]], name) == 0,
                          "event %zu: '%s' ends, but '%s' began last", i, name,
                          open[tid][depth[tid]]);
        } else {
            ck_assert_msg(*ph == 'i', "event %zu: phase '%s'", i, ph);
        }
    }
    for (int i = 0; i <= MAX_TID; i++)
        ck_assert_msg(depth[i] == 0, "track %d: '%s' never ends", i,
                      depth[i] > 0 ? open[i][depth[i] - 1] : "");
    return used;
}

/* ------------------------------------------------------------ the bank */

/* A write as the trace tells it: which process (its track, 0 main), the
 * how-manieth of its writes, the value, and the tag its read saw. */
struct write {
    long writer, seq, value, parent;    /* parent: writer * 2^24 + seq, -1 none */
    int kept;
};

#define TAG(w, s) ((w) * (1L << 24) + (s))
#define MAX_WRITES 40000

/* One trial's events of the bank: the writes, and main's last read. */
struct trial {
    struct write w[MAX_WRITES];
    size_t nw;
    long final_tag, final_value, start;
    long reported_withdrawals, reported_deposits;
};

static struct write *find(struct trial *tr, long tag)
{
    for (size_t i = 0; i < tr->nw; i++)
        if (TAG(tr->w[i].writer, tr->w[i].seq) == tag)
            return &tr->w[i];
    return NULL;
}

/* Reads the trials of a session6/7 trace: the file holds each trial's
 * tracks one after the other, main's first. Returns the number of trials. */
static int read_trials(const struct trace *t, struct trial *trials, int max)
{
    int n = 0;
    long prev_tid = 0;
    long last_read[MAX_TID + 1];

    for (size_t i = 0; i < t->n; i++) {
        json_object *e = event(t, i);
        long tid = num(e, "tid");
        struct trial *tr;

        if (strcmp(str(e, "ph"), "M") == 0)
            continue;
        if (tid == 1 && prev_tid != 1) {    /* main again: a new trial */
            ck_assert_int_lt(n, max);
            memset(&trials[n], 0, sizeof trials[n]);
            trials[n].final_tag = -1;
            for (int k = 0; k <= MAX_TID; k++)
                last_read[k] = -1;
            n++;
        }
        prev_tid = tid;
        tr = &trials[n - 1];
        if (is(e, "read", "i")) {
            last_read[tid] = TAG(arg(e, "writer"), arg(e, "seq"));
            if (tid == 1) {
                tr->final_tag = last_read[tid];
                tr->final_value = arg(e, "value");
            }
        } else if (is(e, "write", "i")) {
            ck_assert_int_lt(tr->nw, MAX_WRITES);
            tr->w[tr->nw++] = (struct write){ tid - 1, arg(e, "seq"), arg(e, "value"),
                                              last_read[tid], 0 };
        } else if (is(e, "lost updates", "i")) {
            tr->reported_withdrawals = arg(e, "withdrawals lost");
            tr->reported_deposits = arg(e, "deposits lost");
            tr->start = arg(e, "start balance");
            ck_assert_int_eq(arg(e, "final balance"), tr->final_value);
        }
    }
    return n;
}

/* In one trial: each write's value is the value of the write its read saw
 * plus 1 (p2 deposits) or minus 1 (p1 withdraws); the writes the final
 * balance is built on form a chain back to main's first write; every other
 * write is a lost update; and withdrawals lost minus deposits lost is the
 * final balance minus the start (plus deposits minus withdrawals, for a
 * --schedule that has more of one), as the program's own event says. */
static void assert_lost_updates_add_up(struct trial *tr)
{
    long withdrawals = 0, deposits = 0, change = 0;
    struct write *w;

    ck_assert_msg(tr->final_tag >= 0, "no final read by main");
    for (size_t i = 0; i < tr->nw; i++) {
        struct write *x = &tr->w[i], *p;

        if (x->writer == 0) {
            ck_assert_int_eq(x->value, tr->start);
            continue;
        }
        ck_assert_msg((p = find(tr, x->parent)) != NULL, "write %ld#%ld read an unknown write",
                      x->writer, x->seq);
        ck_assert_int_eq(x->value, p->value + (x->writer == 1 ? -1 : 1));
    }
    for (w = find(tr, tr->final_tag); w != NULL; w = find(tr, w->parent)) {
        ck_assert_msg(!w->kept, "the chain loops");
        w->kept = 1;
    }
    ck_assert_int_eq(find(tr, tr->final_tag)->value, tr->final_value);
    for (size_t i = 0; i < tr->nw; i++) {
        withdrawals += !tr->w[i].kept && tr->w[i].writer == 1;
        deposits += !tr->w[i].kept && tr->w[i].writer == 2;
        change += tr->w[i].writer == 2 ? 1 : tr->w[i].writer == 1 ? -1 : 0;
        ck_assert(tr->w[i].writer != 0 || tr->w[i].kept);
    }
    /* Where the updates should have taken it (the start, in the tutorial's
     * trials: as many deposits as withdrawals), moved by what was lost. */
    ck_assert_int_eq(change + withdrawals - deposits, tr->final_value - tr->start);
    ck_assert_int_eq(withdrawals, tr->reported_withdrawals);
    ck_assert_int_eq(deposits, tr->reported_deposits);
}

static struct trial trials[5];

START_TEST(session6_trace_counts_every_read_and_write)
{
    struct trace t;
    long p1, p2;

    run_traced(&t, "session6/session6 --trials 3 --iterations 2000");
    ck_assert_int_eq(assert_well_formed(&t), 3);
    p1 = track_named(&t, "p1 (withdraw)");
    p2 = track_named(&t, "p2 (deposit)");
    ck_assert_int_eq(track_named(&t, "main"), 1);
    ck_assert_int_eq(count(&t, p1, "read", "i"), 3L * 2000);
    ck_assert_int_eq(count(&t, p1, "write", "i"), 3L * 2000);
    ck_assert_int_eq(count(&t, p2, "read", "i"), 3L * 2000);
    ck_assert_int_eq(count(&t, p2, "write", "i"), 3L * 2000);
    ck_assert_int_eq(count(&t, p1, "p1 (withdraw)", "B"), 3);
    ck_assert_int_eq(count(&t, p2, "p2 (deposit)", "E"), 3);
    ck_assert_int_eq(count(&t, 1, "fork", "i"), 6);
    ck_assert_int_eq(count(&t, 1, "join", "i"), 6);
    ck_assert_int_eq(count(&t, 1, "write", "i"), 3);    /* Value('i', 100) */
    ck_assert_int_eq(count(&t, 1, "read", "i"), 3);     /* the final balance */
    ck_assert_int_eq(count(&t, 1, "lost updates", "i"), 3);
    trace_free(&t);
}
END_TEST

START_TEST(session6_lost_updates_add_up_to_the_final_balance)
{
    struct trace t;
    int n;

    run_traced(&t, "session6/session6 --trials 5 --iterations 2000");
    n = read_trials(&t, trials, 5);
    ck_assert_int_eq(n, 5);
    for (int i = 0; i < n; i++)
        assert_lost_updates_add_up(&trials[i]);
    trace_free(&t);
}
END_TEST

/* Forced schedules, where the loss is certain: which update is lost, and
 * the stale read and the overwriting write marked. */
static const struct {
    const char *steps;
    long withdrawals, deposits;
} lost_schedules[] = {
    { "1122", 0, 0 }, { "1212", 1, 0 }, { "2121", 0, 1 }, { "12121212", 2, 0 },
    { "1221", 0, 1 }, { "112121", 0, 1 },
};

START_TEST(session6_schedule_trace_names_the_lost_update)
{
    char cmd[128];
    struct trace t;

    snprintf(cmd, sizeof cmd, "session6/session6 --schedule %s", lost_schedules[_i].steps);
    run_traced(&t, cmd);
    assert_well_formed(&t);
    ck_assert_int_eq(read_trials(&t, trials, 1), 1);
    assert_lost_updates_add_up(&trials[0]);
    ck_assert_int_eq(trials[0].reported_withdrawals, lost_schedules[_i].withdrawals);
    ck_assert_int_eq(trials[0].reported_deposits, lost_schedules[_i].deposits);
    if (lost_schedules[_i].withdrawals + lost_schedules[_i].deposits > 0) {
        long stale = 0, over = 0, lost = 0;

        for (size_t i = 0; i < t.n; i++) {
            stale += has_note(event(&t, i), "stale read");
            over += has_note(event(&t, i), "overwrote") || has_note(event(&t, i),
                                                                    "lost update, and it overwrote");
            lost += has_note(event(&t, i), "lost update");
        }
        ck_assert_int_ge(stale, 1);
        ck_assert_int_ge(over, 1);
        ck_assert_int_eq(lost, lost_schedules[_i].withdrawals + lost_schedules[_i].deposits);
    }
    trace_free(&t);
}
END_TEST

/* session7: in time order, every read of the balance sees the write just
 * before it (its value and its tag), and the two never hold the lock at
 * once. */
struct timed {
    json_object *e;
    double ts;
    size_t index;           /* in the file: a track's own order */
};

static int by_time(const void *a, const void *b)
{
    const struct timed *x = a, *y = b;

    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

START_TEST(session7_every_read_sees_the_write_before_it)
{
    struct trace t;
    struct timed *order;
    size_t n = 0;
    long last_tag = -1, last_value = 0, reads = 0, holders = 0;

    run_traced(&t, "session7/session7 --trials 2 --iterations 2000");
    ck_assert_int_eq(assert_well_formed(&t), 3);
    ck_assert_int_eq(count(&t, 2, "waits for the lock", "B"), 2L * 2000);
    ck_assert_int_eq(count(&t, 3, "holds the lock", "E"), 2L * 2000);
    ck_assert_int_eq(count(&t, -1, "lost updates", "i"), 2);
    order = malloc(t.n * sizeof *order);
    ck_assert_ptr_nonnull(order);
    for (size_t i = 0; i < t.n; i++)
        if (strcmp(str(event(&t, i), "ph"), "M") != 0)
            order[n++] = (struct timed){ event(&t, i), ts(event(&t, i)), i };
    qsort(order, n, sizeof *order, by_time);    /* trials do not overlap in time */
    for (size_t i = 0; i < n; i++) {
        json_object *e = order[i].e;

        if (is(e, "write", "i")) {
            last_tag = TAG(num(e, "tid") - 1, arg(e, "seq"));
            last_value = arg(e, "value");
        } else if (is(e, "read", "i")) {
            ck_assert_msg(TAG(arg(e, "writer"), arg(e, "seq")) == last_tag
                          && arg(e, "value") == last_value,
                          "read at %f saw %ld (writer %ld #%ld), the write before it was %ld",
                          ts(e), arg(e, "value"), arg(e, "writer"), arg(e, "seq"), last_value);
            reads++;
        } else if (is(e, "holds the lock", "B")) {
            ck_assert_msg(holders++ == 0, "two hold the lock at %f", ts(e));
        } else if (is(e, "holds the lock", "E")) {
            holders--;
        } else if (is(e, "lost updates", "i")) {
            ck_assert_int_eq(arg(e, "withdrawals lost") + arg(e, "deposits lost"), 0);
        }
    }
    ck_assert_int_eq(reads, 2L * (2 * 2000 + 1));
    free(order);
    trace_free(&t);
}
END_TEST

/* ---------------------------------------------------------- session8 */

/* Every item is one task, run once, inside a chunk of its worker; main sent
 * each chunk once and got its results once; the workers have their tracks. */
START_TEST(session8_trace_has_every_task_once)
{
    struct trace t;
    int seen[21] = { 0 };
    long depth[MAX_TID + 1] = { 0 };

    run_traced(&t, "session8/session8 -q --range 20 -c 3 -p 2");
    ck_assert_int_ge(assert_well_formed(&t), 3);
    ck_assert_int_ge(track_named(&t, "worker 1"), 2);
    ck_assert_int_ge(track_named(&t, "worker 2"), 2);
    ck_assert_int_eq(count(&t, -1, "task", "B"), 20);
    ck_assert_int_eq(count(&t, -1, "chunk", "B"), 7);          /* ceil(20 / 3) */
    ck_assert_int_eq(count(&t, 1, "send chunk", "i"), 7);
    ck_assert_int_eq(count(&t, 1, "results", "i"), 7);
    ck_assert_int_eq(count(&t, 1, "fork", "i"), 2);
    ck_assert_int_eq(count(&t, 1, "join", "i"), 2);
    for (size_t i = 0; i < t.n; i++) {
        json_object *e = event(&t, i);
        long tid = num(e, "tid");

        if (is(e, "chunk", "B") || is(e, "chunk", "E"))
            depth[tid] += is(e, "chunk", "B") ? 1 : -1;
        if (is(e, "task", "B")) {
            long item = arg(e, "item");

            ck_assert_msg(depth[tid] == 1, "a task outside a chunk");
            ck_assert(item >= 1 && item <= 20);
            seen[item]++;
        }
        if (is(e, "task", "E"))
            ck_assert_int_ge(arg(e, "result"), 1);
    }
    for (int i = 1; i <= 20; i++)
        ck_assert_int_eq(seen[i], 1);
    trace_free(&t);
}
END_TEST

/* ------------------------------------------------------ session4, 5 */

/* args.text of an event. */
static const char *text_arg(json_object *o, const char *key)
{
    json_object *args;

    ck_assert(json_object_object_get_ex(o, "args", &args));
    return str(args, key);
}

/* The tutorial's queue: p1 puts 1, 4, 9, 16, p2 gets them in that order. */
START_TEST(session4_trace_has_every_put_and_get)
{
    static const long squares[] = { 1, 4, 9, 16 };
    struct trace t;
    long p1, p2, puts = 0, gets = 0;

    run_traced(&t, "session4/session4");
    assert_well_formed(&t);
    p1 = track_named(&t, "p1");
    p2 = track_named(&t, "p2");
    ck_assert_int_eq(count(&t, p1, "q.put()", "B"), 4);
    ck_assert_int_eq(count(&t, p2, "q.get()", "E"), 4);
    for (size_t i = 0; i < t.n; i++) {
        json_object *e = event(&t, i);

        if (is(e, "q.put()", "B"))
            ck_assert_int_eq(arg(e, "item"), squares[puts++]);
        if (is(e, "q.get()", "E")) {
            ck_assert_int_eq(arg(e, "result"), 0);
            ck_assert_int_eq(arg(e, "item"), squares[gets++]);
        }
    }
    trace_free(&t);
}
END_TEST

/* Many producers and consumers: every item put is got once. */
START_TEST(session4_many_trace_gets_every_item_put)
{
    struct trace t;
    static long put[2001], got[2001];
    long puts = 0, gets = 0, putting[MAX_TID + 1] = { 0 };

    memset(put, 0, sizeof put);
    memset(got, 0, sizeof got);
    run_traced(&t, "session4/session4 --producers 2 --consumers 2 --count 1000 --maxsize 4");
    assert_well_formed(&t);
    for (size_t i = 0; i < t.n; i++) {
        json_object *e = event(&t, i);
        long tid = num(e, "tid");

        if (is(e, "q.put()", "B"))
            putting[tid] = arg(e, "item");
        if (is(e, "q.put()", "E") && arg(e, "result") == 0) {   /* it went in */
            long item = putting[tid];

            if (item >= 0 && item <= 2000)
                put[item]++;
            puts++;
        }
        if (is(e, "q.get()", "E") && arg(e, "result") == 0) {
            long item = arg(e, "item");

            if (item >= 0 && item <= 2000)
                got[item]++;
            gets++;
        }
    }
    ck_assert_int_gt(puts, 0);
    ck_assert_int_eq(gets, puts);
    for (int i = 0; i <= 2000; i++)
        ck_assert_int_eq(got[i], put[i]);
    trace_free(&t);
}
END_TEST

/* The tutorial's pipe: the four messages sent, the four received, in order. */
START_TEST(session5_trace_has_every_message)
{
    static const char *const msgs[] = { "hello", "hey", "hru?", "END" };
    struct trace t;
    long p1, p2, sent = 0, received = 0;

    run_traced(&t, "session5/session5");
    assert_well_formed(&t);
    p1 = track_named(&t, "p1 (sender)");
    p2 = track_named(&t, "p2 (receiver)");
    ck_assert_int_eq(count(&t, p1, "send", "B"), 4);
    for (size_t i = 0; i < t.n; i++) {
        json_object *e = event(&t, i);

        if (is(e, "send", "B")) {
            ck_assert_int_eq(num(e, "tid"), p1);
            ck_assert_str_eq(text_arg(e, "message"), msgs[sent++]);
        }
        if (is(e, "recv", "E") && arg(e, "result") == 1) {
            ck_assert_int_eq(num(e, "tid"), p2);
            ck_assert_str_eq(text_arg(e, "message"), msgs[received++]);
        }
    }
    ck_assert_int_eq(received, 4);
    trace_free(&t);
}
END_TEST

/* A message that is not text is shown escaped, and a long one cut with its
 * length said. */
START_TEST(session5_trace_escapes_and_cuts_messages)
{
    struct trace t;
    long found = 0;

    run_traced(&t, "session5/session5 'a\tb' 0123456789012345678901234567890123456789 END");
    assert_well_formed(&t);
    for (size_t i = 0; i < t.n; i++) {
        json_object *e = event(&t, i);

        if (!is(e, "send", "B"))
            continue;
        if (arg(e, "bytes") == 3 && strcmp(text_arg(e, "message"), "a\\x09b") == 0)
            found++;
        if (arg(e, "bytes") == 40 && strstr(text_arg(e, "message"), "... (40 bytes)") != NULL)
            found++;
    }
    ck_assert_int_eq(found, 2);
    trace_free(&t);
}
END_TEST

/* ---------------------------------------------------- sessions 1-3 */

/* session1: p1 printed its copy of `result`, four squares long, and main
 * its own, empty, at the same address: two copies, one address. Its child
 * ends with a bare _exit(), which records nothing: the writer closes its
 * span and says so. */
START_TEST(session1_trace_shows_two_copies_at_one_address)
{
    struct trace t;
    long p1, main_len = -1, p1_len = -1, main_at = 0, p1_at = 0;

    run_traced(&t, "session1/session1");
    p1 = track_named(&t, "p1");
    ck_assert_int_eq(p1, 2);
    ck_assert_int_eq(count(&t, 1, "fork", "i"), 1);
    for (size_t i = 0; i < t.n; i++) {
        json_object *e = event(&t, i);

        if (is(e, "print list", "i") && num(e, "tid") == 1)
            main_len = arg(e, "length"), main_at = arg(e, "address");
        if (is(e, "print list", "i") && num(e, "tid") == p1)
            p1_len = arg(e, "length"), p1_at = arg(e, "address");
        if (is(e, "p1", "E"))
            ck_assert(has_note(e, "its end was not recorded"));
    }
    ck_assert_int_eq(p1_len, 4);
    ck_assert_int_eq(main_len, 0);
    ck_assert_int_eq(p1_at, main_at);
    trace_free(&t);
}
END_TEST

/* session2: p1 wrote the four squares and their sum into shared memory. */
START_TEST(session2_trace_has_every_shared_write)
{
    struct trace t;
    long p1;

    run_traced(&t, "session2/session2");
    p1 = track_named(&t, "p1");
    ck_assert_int_eq(count(&t, p1, "shared write", "i"), 5);    /* 4 squares, their sum */
    ck_assert_int_eq(count(&t, 1, "shared write", "i"), 0);
    ck_assert_int_eq(count(&t, p1, "print", "i"), 2);
    ck_assert_int_eq(count(&t, 1, "print", "i"), 2);
    for (size_t i = 0; i < t.n; i++)
        if (is(event(&t, i), "shared write", "i") && arg(event(&t, i), "index") == 3)
            ck_assert_int_eq(arg(event(&t, i), "value"), 16);
    trace_free(&t);
}
END_TEST

/* session3: every call a proxy made was handled by the manager, method by
 * method, in the same order. */
START_TEST(session3_every_proxy_call_is_handled_by_the_manager)
{
    struct trace t;
    const char *called[64] = { NULL }, *handled[64] = { NULL };
    int calls = 0, handles = 0;
    long manager;

    run_traced(&t, "session3/session3");
    assert_well_formed(&t);
    manager = track_named(&t, "manager");
    ck_assert_int_ge(manager, 2);
    ck_assert_int_ge(track_named(&t, "p1"), 3);
    ck_assert_int_eq(count(&t, track_named(&t, "p1"), "proxy call", "B"), 1);   /* append */
    ck_assert_int_eq(count(&t, track_named(&t, "p2"), "proxy call", "B"), 1);   /* items */
    for (size_t i = 0; i < t.n; i++) {
        json_object *e = event(&t, i);

        if (is(e, "proxy call", "B") && calls < 64) {
            ck_assert_int_ne(num(e, "tid"), manager);
            called[calls++] = text_arg(e, "method");
        }
        if (is(e, "handle request", "B") && handles < 64) {
            ck_assert_int_eq(num(e, "tid"), manager);
            handled[handles++] = text_arg(e, "method");
        }
    }
    ck_assert_int_gt(calls, 3);
    ck_assert_int_eq(handles, calls);
    /* Per method, as many handled as called (the order across processes is
     * the manager's, so count rather than compare in place). */
    for (int i = 0; i < calls; i++) {
        int c = 0, h = 0;

        for (int k = 0; k < calls; k++) {
            c += strcmp(called[k], called[i]) == 0;
            h += strcmp(handled[k], called[i]) == 0;
        }
        ck_assert_msg(c == h, "'%s': %d calls, %d handled", called[i], c, h);
    }
    trace_free(&t);
}
END_TEST

/* --------------------------------------------------------- the picture */

/* The lines of gnuplot's data block NAME in script (from "$NAME << EOD"). */
static int block_rows(const char *script, const char *name)
{
    char head[64];
    const char *p;
    int rows = 0;

    snprintf(head, sizeof head, "$%s << EOD\n", name);
    ck_assert_msg((p = strstr(script, head)) != NULL, "no block %s", name);
    for (p += strlen(head); strncmp(p, "EOD\n", 4) != 0; p = strchr(p, '\n') + 1)
        rows++;
    return rows;
}

/* build/timeline draws a lane per process, named, and marks each lost
 * update of the trace, each overwriting write and each stale read. */
START_TEST(timeline_marks_each_lost_update)
{
    struct trace t;
    char cmd[256];
    struct run r;

    run_traced(&t, "session6/session6 --schedule 12121212");
    snprintf(cmd, sizeof cmd, "build/timeline --script %s /tmp/unused.svg", t.path);
    run_cmd(&r, cmd);
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\"main\" 3, \"p1 (withdraw)\" 2, \"p2 (deposit)\" 1"));
    ck_assert_int_eq(block_rows(r.out, "lost"), 2);
    ck_assert_int_eq(block_rows(r.out, "overwrote"), 2);
    ck_assert_int_eq(block_rows(r.out, "stale"), 2);
    ck_assert_ptr_nonnull(strstr(r.out, "title \"lost update\""));
    run_free(&r);
    trace_free(&t);
}
END_TEST

/* ----------------------------------------------------- files and usage */

/* Every program takes --trace. */
static const char *const programs[] = {
    "session1/session1", "session2/session2", "session3/session3", "session4/session4",
    "session5/session5", "session6/session6", "session7/session7", "session8/session8",
};

/* Every program with these options: nothing on stdout, exit_code, that many
 * lines on stderr, containing `says` (NULL: not checked), no process left. */
static void each_program_refuses(const char *options, int exit_code, int lines, const char *says)
{
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        char cmd[128];
        struct run r;

        snprintf(cmd, sizeof cmd, "%s %s", programs[i], options);
        run_checked(&r, cmd, exit_code);
        ck_assert_str_eq(r.out, "");
        ck_assert_int_eq(count_lines(r.err), lines);
        ck_assert_msg(says == NULL || strstr(r.err, says) != NULL, "%s", r.err);
        run_free(&r);
    }
}

START_TEST(trace_to_a_bad_path_is_a_runtime_error)
{
    each_program_refuses("--trace /nonexistent/dir/t.json", 1, 1,
                         "--trace /nonexistent/dir/t.json: No such file or directory");
}
END_TEST

START_TEST(trace_without_a_file_is_bad_usage)
{
    each_program_refuses("--trace", 2, 2, NULL);
}
END_TEST

/* Bad usage starts nothing, not even the trace: each program's options
 * refused with --trace FILE given first leave no FILE. */
static const char *const refused_with_trace[] = {
    "session1/session1 --trace %s --child --start fork",
    "session2/session2 --trace %s --type x",
    "session3/session3 --trace %s --serve a:1 --connect b:2",
    "session4/session4 --trace %s --concurrent -p 2",
    "session4/session4 --trace %s -p 64 -n 10000000",
    "session5/session5 --trace %s --oneway --duplex",
    "session6/session6 --trace %s --csv --summary",
    "session7/session7 --trace %s --ordered",
    "session8/session8 --trace %s --serial",
};

START_TEST(bad_usage_with_trace_writes_no_file)
{
    char path[] = "/tmp/test-trace-XXXXXX", cmd[256];
    int fd = mkstemp(path);
    struct run r;

    ck_assert_int_ge(fd, 0);
    close(fd);
    unlink(path);
    snprintf(cmd, sizeof cmd, refused_with_trace[_i], path);
    run_cmd(&r, cmd);
    ck_assert_msg(run_exit_code(&r) == 2, "%s: exit %d", cmd, run_exit_code(&r));
    ck_assert_msg(access(path, F_OK) == -1, "%s: the trace file was written", cmd);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
    unlink(path);
}
END_TEST

/* A buffer that fills up is said, in the trace and on stderr, never cut
 * silently: 3 updates per process fit in a buffer of 16 events, 20 do not. */
START_TEST(a_full_buffer_is_noted_in_the_trace_and_on_stderr)
{
    char path[] = "/tmp/test-trace-XXXXXX", cmd[256];
    int fd = mkstemp(path);
    json_object *root, *events;
    struct run r;
    long full = 0;

    ck_assert_int_ge(fd, 0);
    close(fd);
    snprintf(cmd, sizeof cmd, "/usr/bin/env TRACE_CAPACITY=16 session6/session6 --trials 1 "
             "--iterations 20 --trace %s", path);
    run_cmd(&r, cmd);
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_msg(strstr(r.err, "events were not recorded") != NULL, "stderr: '%s'", r.err);
    root = json_object_from_file(path);
    ck_assert_ptr_nonnull(root);
    ck_assert(json_object_object_get_ex(root, "traceEvents", &events));
    for (size_t i = 0; i < json_object_array_length(events); i++)
        full += is(json_object_array_get_idx(events, i), "trace full", "i");
    ck_assert_int_eq(full, 2);
    json_object_put(root);
    run_free(&r);
    unlink(path);
}
END_TEST

TEST_SUITE(trace)
{
    TCase *bank = add_case(s, "sessions", 120, session6_trace_counts_every_read_and_write,
                           session6_lost_updates_add_up_to_the_final_balance,
                           session7_every_read_sees_the_write_before_it,
                           session8_trace_has_every_task_once, session4_trace_has_every_put_and_get,
                           session4_many_trace_gets_every_item_put, session5_trace_has_every_message,
                           session5_trace_escapes_and_cuts_messages,
                           session1_trace_shows_two_copies_at_one_address,
                           session2_trace_has_every_shared_write,
                           session3_every_proxy_call_is_handled_by_the_manager);

    TCase *files = add_case(s, "files", 60, timeline_marks_each_lost_update,
                            trace_to_a_bad_path_is_a_runtime_error,
                            trace_without_a_file_is_bad_usage,
                            a_full_buffer_is_noted_in_the_trace_and_on_stderr);

    add_loop(files, bad_usage_with_trace_writes_no_file, refused_with_trace);
    add_loop(bank, session6_schedule_trace_names_the_lost_update, lost_schedules);
}
