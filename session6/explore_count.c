/* explore.c - counts every interleaving of two read-then-write updaters by
 * dynamic programming over what the schedule has done so far, with GMP
 * integers because the counts pass 2^64 at N = 17. docs/session6.md
 * ("Every interleaving, counted") explains the state and shows the output.
 */
#include "explore_count.h"

#include <errno.h>
#include <stdlib.h>

/* What the future of a schedule depends on, after process 1 has done i steps
 * and process 2 j steps: who is between its read and its write (i or j odd),
 * what each of those read, and the balance. When both are mid-update the
 * balance no longer matters (whoever writes next overwrites it), so at most
 * two numbers are ever needed: the grid of a cell is indexed by them. */
struct state {
    int mid[2];     /* process 1, process 2: read done, write not yet */
    long read[2];   /* what a process in the middle read */
    long balance;
};

/* Every value is an offset from the start balance, and lies in -n..n: a
 * withdrawal's write is one below something read while it had done fewer
 * writes, so process 1's k-th write is at least -k; the same upwards. */
struct grid {
    long n, side;   /* side = 2n + 1 offsets */
    size_t cells;   /* side * side per (i, j) */
};

static size_t slot(const struct grid *g, long x, long y)
{
    return (size_t)(x + g->n) * (size_t)g->side + (size_t)(y + g->n);
}

/* The two numbers a state is stored under. */
static void encode(const struct state *s, long *x, long *y)
{
    if (s->mid[0] && s->mid[1]) {
        *x = s->read[0];
        *y = s->read[1];
    } else if (s->mid[0] || s->mid[1]) {
        *x = s->read[s->mid[1]];
        *y = s->balance;
    } else {
        *x = s->balance;
        *y = 0;
    }
}

static struct state decode(long i, long j, long x, long y)
{
    struct state s = { { (int)(i & 1), (int)(j & 1) }, { 0, 0 }, 0 };

    if (s.mid[0] && s.mid[1]) {
        s.read[0] = x;
        s.read[1] = y;
    } else if (s.mid[0] || s.mid[1]) {
        s.read[s.mid[1]] = x;
        s.balance = y;
    } else {
        s.balance = x;
    }
    return s;
}

/* One step of process who (0 withdraws, 1 deposits): its read, or its
 * write of what it read minus or plus one. Returns 0 when the step cannot
 * happen now: with the lock, a read waits while the other is mid-update. */
static int step(struct state *s, int who, int locked)
{
    if (s->mid[who]) {
        s->balance = s->read[who] + (who == 0 ? -1 : 1);
        s->mid[who] = 0;
        return 1;
    }
    if (locked && s->mid[1 - who])
        return 0;
    s->read[who] = s->balance;
    s->mid[who] = 1;
    return 1;
}

/* Adds count to the state reached by one step of who, in cell to. */
static void push(const struct grid *g, mpz_t *to, struct state s, int who,
                 int locked, const mpz_t count)
{
    long x, y;

    if (!step(&s, who, locked))
        return;
    encode(&s, &x, &y);
    mpz_add(to[slot(g, x, y)], to[slot(g, x, y)], count);
}

static mpz_t *new_numbers(size_t count)
{
    mpz_t *z = malloc(count * sizeof *z);

    if (z == NULL)
        return NULL;
    for (size_t k = 0; k < count; k++)
        mpz_init(z[k]);     /* allocates nothing until a value is stored */
    return z;
}

static void free_numbers(mpz_t *z, size_t count)
{
    if (z == NULL)
        return;
    for (size_t k = 0; k < count; k++)
        mpz_clear(z[k]);
    free(z);
}

/* Row i holds the cells (i, 0..2n), each a grid of counts: the number of
 * step orders that reach that state. A step of process 1 moves a count to
 * row i + 1, a step of process 2 to the next cell of the same row, so two
 * rows are enough; the last cell of the last row holds the answer. */
static void count_rows(const struct grid *g, int locked, mpz_t *row, mpz_t *next,
                       struct explore_result *r)
{
    long steps = 2 * g->n;
    mpz_t *t;

    mpz_set_ui(row[slot(g, 0, 0)], 1);  /* nothing done, balance at start */
    for (long i = 0; i <= steps; i++) {
        for (long j = 0; j <= steps; j++) {
            mpz_t *cell = row + (size_t)j * g->cells;

            for (long x = -g->n; x <= g->n; x++)
                for (long y = -g->n; y <= g->n; y++) {
                    mpz_t *count = &cell[slot(g, x, y)];
                    struct state s = decode(i, j, x, y);

                    if (mpz_sgn(*count) == 0)
                        continue;
                    if (i < steps)
                        push(g, next + (size_t)j * g->cells, s, 0, locked, *count);
                    if (j < steps)
                        push(g, cell + g->cells, s, 1, locked, *count);
                    if (i == steps && j == steps)
                        mpz_set(r->counts[x + g->n], *count);
                    mpz_set_ui(*count, 0);
                }
        }
        t = row;
        row = next;
        next = t;
    }
}

int explore_count(long n, int locked, struct explore_result *r)
{
    struct grid g;
    size_t row_size;
    mpz_t *row, *next;

    if (n < 1 || n > EXPLORE_MAX_N) {
        errno = EINVAL;
        return -1;
    }
    g.n = n;
    g.side = 2 * n + 1;
    g.cells = (size_t)g.side * (size_t)g.side;
    row_size = (size_t)g.side * g.cells;
    r->n = n;
    r->counts = new_numbers((size_t)g.side);
    row = new_numbers(row_size);
    next = new_numbers(row_size);
    if (r->counts == NULL || row == NULL || next == NULL) {
        free_numbers(r->counts, (size_t)g.side);
        free_numbers(row, row_size);
        free_numbers(next, row_size);
        errno = ENOMEM;
        return -1;
    }
    count_rows(&g, locked, row, next, r);
    free_numbers(row, row_size);
    free_numbers(next, row_size);
    mpz_init(r->total);
    for (long k = 0; k < g.side; k++)
        mpz_add(r->total, r->total, r->counts[k]);
    return 0;
}

void explore_free(struct explore_result *r)
{
    free_numbers(r->counts, (size_t)(2 * r->n + 1));
    r->counts = NULL;
    mpz_clear(r->total);
}

void explore_print(FILE *out, const struct explore_result *r, long start, int csv)
{
    int width = (int)mpz_sizeinbase(r->total, 10);  /* digits, or one more */
    mpz_srcptr correct = r->counts[r->n];
    mpq_t share;

    if (width < 9)
        width = 9;
    if (csv)
        fprintf(out, "final_balance,schedules\n");
    else
        fprintf(out, "Every schedule of %ld update%s per process (a read and a write "
                "each, %ld steps in all):\n%13s  %*s\n", r->n, r->n == 1 ? "" : "s",
                4 * r->n, "final balance", width, "schedules");
    for (long k = 0; k <= 2 * r->n; k++) {
        if (mpz_sgn(r->counts[k]) == 0)
            continue;
        if (csv)
            gmp_fprintf(out, "%ld,%Zd\n", start - r->n + k, r->counts[k]);
        else
            gmp_fprintf(out, "%13ld  %*Zd%s\n", start - r->n + k, width, r->counts[k],
                        k == r->n ? "  <- correct" : "");
    }
    if (csv)
        return;
    mpq_init(share);
    mpz_set(mpq_numref(share), correct);
    mpz_set(mpq_denref(share), r->total);
    mpq_canonicalize(share);
    gmp_fprintf(out, "Total: %Zd schedules\n", r->total);
    gmp_fprintf(out, "Correct (%ld): %Zd of them, %.3g%%\n", start, correct,
                100.0 * mpq_get_d(share));
    mpq_clear(share);
}

int explore_run(FILE *out, long n, int locked, long start, int csv)
{
    struct explore_result r;

    if (explore_count(n, locked, &r) == -1)
        return -1;
    explore_print(out, &r, start, csv);
    explore_free(&r);
    return 0;
}
