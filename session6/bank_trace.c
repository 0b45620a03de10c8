/* bank_trace.c - --trace for session6 and session7; see bank_trace.h.
 * docs/tracing.md shows a trace and the lost-update accounting.
 */
#include "bank_trace.h"

#include "die.h"
#include "trace.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRITERS 3               /* main, p1, p2: the tracks */
#define SEQ_MASK BANK_TAG_MAX_SEQ

static const struct trace_kind kind_read = {
    "read", "balance", 'i', { "value", "writer", "seq", NULL }, NULL };
static const struct trace_kind kind_write = {
    "write", "balance", 'i', { "value", "seq", "overwrote writer", "overwrote seq" }, NULL };
static const struct trace_kind kind_lost = {
    "lost updates", "balance", 'i',
    { "withdrawals lost", "deposits lost", "final balance", "start balance" }, NULL };

/* This process's writes so far: the seq of its next tag. */
static long seq;
static int seq_track = -2;

static long value_of(long word)
{
    return (long)(int32_t)(uint32_t)((unsigned long)word & 0xffffffffUL);
}

static long writer_of(long word)
{
    return (long)(((unsigned long)word >> 32) >> BANK_TAG_SEQ_BITS);
}

static long seq_of(long word)
{
    return (long)(((unsigned long)word >> 32) & SEQ_MASK);
}

long bank_trace_peek(struct account *acc)
{
    long word = atomic_load_explicit(&acc->balance, memory_order_relaxed);

    return acc->tagged ? value_of(word) : word;
}

long bank_trace_read(long word)
{
    long value = value_of(word);

    trace_event(&kind_read, value, writer_of(word), seq_of(word), 0);
    return value;
}

void bank_trace_write(_Atomic long *balance, long value)
{
    int track = trace_track();
    unsigned long tag, word;
    long old;

    if (track != seq_track) {   /* a new process (fork keeps the old count) */
        seq_track = track;
        seq = 0;
    }
    seq = (seq + 1) & SEQ_MASK;
    tag = ((unsigned long)(track < 0 ? 0xff : track) << BANK_TAG_SEQ_BITS) | (unsigned long)seq;
    word = (tag << 32) | ((unsigned long)value & 0xffffffffUL);
    /* One store, as without the trace; the exchange also hands back the
     * word this write replaced, so the trace knows what it overwrote. */
    old = atomic_exchange_explicit(balance, (long)word, memory_order_relaxed);
    trace_event(&kind_write, value, seq, writer_of(old), seq_of(old));
}

/* ------------------------------------------------------------ the file */

int bank_trace_begin(struct options *o)
{
    if (trace_open(o->trace, program_name(), WRITERS, TRACE_CAPACITY) == -1
        || trace_name(1, "p1 (withdraw)") == -1 || trace_name(2, "p2 (deposit)") == -1)
        return -1;
    return 0;
}

const char *bank_trace_error(const struct options *o)
{
    return trace_what(o->trace);
}

/* ------------------------------------------------- the lost updates */

/* One write of one process, found by its tag. */
struct write_info {
    struct trace_event *write, *read;   /* the write and the read it was computed from */
    long parent;                        /* the tag that read saw; -1: none */
    int kept;                           /* the final balance is built on it */
};

static long tag(long writer, long s)
{
    return writer << BANK_TAG_SEQ_BITS | s;
}

/* One track's writes by their sequence number (w[1..], *nw the highest),
 * each with the read before it; on main's track (is_main), *final is its
 * last read: the final balance. */
static void index_writes(struct trace_event *ev, size_t n, struct write_info *w, size_t *nw,
                         struct trace_event **final, int is_main)
{
    struct trace_event *last_read = NULL;

    for (size_t k = 0; k < n; k++) {
        struct trace_event *e = &ev[k];

        if (e->kind == &kind_read) {
            last_read = e;
            if (is_main)
                *final = e;
        } else if (e->kind == &kind_write && e->v[1] > 0 && (size_t)e->v[1] <= n) {
            struct write_info *wi = &w[e->v[1]];

            wi->write = e;
            wi->read = last_read;
            wi->parent = last_read != NULL ? tag(last_read->v[1], last_read->v[2]) : -1;
            *nw = (size_t)e->v[1] > *nw ? (size_t)e->v[1] : *nw;
        }
    }
}

/* The chain the final balance stands on, from the write tagged `at` back:
 * each write's value is the value its read saw, plus or minus one. */
static void keep_chain(struct write_info *w[WRITERS], const size_t nw[WRITERS], long at)
{
    while (at >= 0) {
        long wr = at >> BANK_TAG_SEQ_BITS, s = at & SEQ_MASK;

        if (wr >= WRITERS || s < 1 || (size_t)s > nw[wr] || w[wr][s].write == NULL
            || w[wr][s].kept)
            break;
        w[wr][s].kept = 1;
        at = w[wr][s].parent;
    }
}

/* Notes one track's writes (w[1..nw]) that were lost or overwrote another,
 * and the stale reads; returns how many were lost. */
static long note_writes(struct write_info *w, size_t nw)
{
    long lost = 0;

    for (size_t s = 1; s <= nw; s++) {
        struct write_info *wi = &w[s];

        if (wi->write == NULL)
            continue;
        if (!wi->kept) {
            lost++;
            wi->write->note = "lost update: no later write and not the final balance "
                              "was computed from it";
        }
        if (wi->parent >= 0 && tag(wi->write->v[2], wi->write->v[3]) != wi->parent) {
            if (wi->kept)
                wi->write->note = "overwrote a write its read had not seen";
            else
                wi->write->note = "lost update, and it overwrote a write its read "
                                  "had not seen";
            wi->read->note = "stale read: another write came before this process's write";
        }
    }
    return lost;
}

/* Marks the trial's events: every lost update (a write no later write, nor
 * the final balance, was computed from), every write that overwrote a
 * write its own read had not seen, and that stale read. Adds main's "lost
 * updates" event. Returns -1 when the events are incomplete (a full
 * buffer) and nothing was marked. */
static int mark_lost_updates(struct account *acc, long start)
{
    struct write_info *w[WRITERS] = { NULL };
    size_t n[WRITERS], nw[WRITERS] = { 0 };
    struct trace_event *ev[WRITERS], *final = NULL;
    long lost[WRITERS] = { 0 };
    int rc = -1;

    for (int t = 0; t < WRITERS; t++) {
        if ((ev[t] = trace_events(t, &n[t])) == NULL || trace_count(t) > (long)n[t]
            || (w[t] = calloc(n[t] + 2, sizeof *w[t])) == NULL)
            goto out;   /* frees the tracks before this one's */
    }
    for (int t = 0; t < WRITERS; t++)
        index_writes(ev[t], n[t], w[t], &nw[t], &final, t == 0);
    if (final == NULL)
        goto out;
    keep_chain(w, nw, tag(final->v[1], final->v[2]));
    for (int t = 0; t < WRITERS; t++)
        lost[t] = note_writes(w[t], nw[t]);
    trace_event(&kind_lost, lost[1], lost[2], value_of(atomic_load(&acc->balance)), start);
    rc = 0;
out:
    for (int t = 0; t < WRITERS; t++)
        free(w[t]);
    return rc;
}

void bank_trace_trial(const struct options *o, struct account *balance)
{
    mark_lost_updates(balance, o->balance);
    if (trace_flush() == -1)
        fail("--trace %s: %s", o->trace, strerror(errno));
}

void bank_trace_end(const struct options *o)
{
    if (trace_close() == -1)
        fail("--trace %s: %s", o->trace, strerror(errno));
}
