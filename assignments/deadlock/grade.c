/* grade.c - the tests of the deadlock assignment: `make grade` runs them.
 *
 * The bank is the grader's: its account_lock knows who holds each lock and
 * who waits for which, so a cycle of waits is seen the moment it closes and
 * described, instead of hanging. The processes of a test take turns at each
 * account_lock, account_unlock, balance_get and balance_set (grade.h,
 * "turns"): P1 takes its first lock, then P2 takes its first, and so on; the
 * order that deadlocks a wrong transfer happens on every run.
 */
#define _GNU_SOURCE
#include "bank.h"
#include "grade.h"

#include <errno.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const HINT_ORDER =
    "README.md, \"What to write\" step 1; docs/session7-further.md, \"Deadlock\" (--ordered)";
static const char *const HINT_SAME = "README.md, \"What to write\" step 2";
static const char *const HINT_PATHS = "README.md, \"What to write\" step 3";

#define ACCOUNTS 4
#define PARTIES 4
#define NOBODY (-1)

struct bank {
    long balance[ACCOUNTS];
    atomic_int holder[ACCOUNTS];        /* a party, or NOBODY */
    atomic_int waiting[ACCOUNTS];       /* how many sleep on sem[a] */
    sem_t sem[ACCOUNTS];
    atomic_int waits_for[PARTIES];      /* an account, or NOBODY */
};

static int me(void)
{
    return grade_turns_me() >= 0 ? grade_turns_me() : 0;
}

/* "P2 holds account 1 and waits for account 0, which P1 holds; ..." from
 * party p round the cycle. */
static void describe_cycle(struct bank *b, int p, char *out, size_t size)
{
    size_t used = 0;

    for (int step = 0; step < PARTIES && used < size; step++) {
        int a = atomic_load(&b->waits_for[p]), h = atomic_load(&b->holder[a]);
        int held = NOBODY;

        for (int x = 0; x < ACCOUNTS; x++)
            if (atomic_load(&b->holder[x]) == p && x != a)
                held = x;
        used += (size_t)snprintf(out + used, size - used,
                                 "%sP%d holds account %d and waits for account %d",
                                 step ? "; " : "", p + 1, held, a);
        p = h;
        if (p == me())
            break;
    }
}

/* Would party p waiting for account a close a cycle of waits? */
static int closes_cycle(struct bank *b, int p, int a)
{
    int h = atomic_load(&b->holder[a]);

    for (int hops = 0; h != NOBODY && hops < PARTIES; hops++) {
        int w;

        if (h == p)
            return 1;
        if ((w = atomic_load(&b->waits_for[h])) == NOBODY)
            return 0;
        h = atomic_load(&b->holder[w]);
    }
    return 0;
}

static void check_account(int account, const char *call)
{
    if (account < 0 || account >= ACCOUNTS)
        grade_fail("%s(b, %d): there are accounts 0 to %d only", call, account, ACCOUNTS - 1);
}

void account_lock(struct bank *b, int account)
{
    int p = me();

    check_account(account, "account_lock");
    grade_step();
    if (atomic_load(&b->holder[account]) == p)
        grade_fail("P%d asked for the lock of account %d, which it already holds: the locks "
                   "are not recursive (transfer from an account to itself?)", p + 1, account);
    for (;;) {
        int free = NOBODY;

        if (atomic_compare_exchange_strong(&b->holder[account], &free, p))
            break;
        atomic_store(&b->waits_for[p], account);
        if (closes_cycle(b, p, account)) {
            char cycle[512];

            describe_cycle(b, p, cycle, sizeof cycle);
            grade_fail("deadlock: %s: does every transfer take its two locks in one order "
                       "all processes agree on (the lower account number first)?", cycle);
        }
        atomic_fetch_add(&b->waiting[account], 1);
        grade_turns_block();
        while (sem_wait(&b->sem[account]) == -1 && errno == EINTR)
            ;
        grade_turns_rejoin();
    }
    atomic_store(&b->waits_for[p], NOBODY);
}

void account_unlock(struct bank *b, int account)
{
    int p = me();

    check_account(account, "account_unlock");
    grade_step();
    if (atomic_load(&b->holder[account]) != p)
        grade_fail("P%d unlocked account %d, which it does not hold", p + 1, account);
    atomic_store(&b->holder[account], NOBODY);
    if (atomic_load(&b->waiting[account]) > 0) {
        atomic_fetch_sub(&b->waiting[account], 1);
        sem_post(&b->sem[account]);
    }
}

static void check_holds(struct bank *b, int account, const char *call)
{
    check_account(account, call);
    grade_step();
    if (atomic_load(&b->holder[account]) != me())
        grade_fail("%s(b, %d) without holding account %d's lock: another transfer can come "
                   "between this read and the write that depends on it", call, account, account);
}

long balance_get(struct bank *b, int account)
{
    check_holds(b, account, "balance_get");
    return __atomic_load_n(&b->balance[account], __ATOMIC_SEQ_CST);
}

void balance_set(struct bank *b, int account, long value)
{
    check_holds(b, account, "balance_set");
    __atomic_store_n(&b->balance[account], value, __ATOMIC_SEQ_CST);
}

/* ---------------------------------------------------------- the tests */

static struct bank *bank_new(long each)
{
    struct bank *b = grade_shared(sizeof *b);

    for (int a = 0; a < ACCOUNTS; a++) {
        b->balance[a] = each;
        b->holder[a] = NOBODY;
        if (sem_init(&b->sem[a], 1, 0) == -1)
            grade_fail("sem_init: the grader could not start");
    }
    for (int p = 0; p < PARTIES; p++)
        b->waits_for[p] = NOBODY;
    return b;
}

/* transfer(), then: did it give back every lock? */
static int checked_transfer(struct bank *b, int from, int to, long amount)
{
    int rc = transfer(b, from, to, amount);

    for (int a = 0; a < ACCOUNTS; a++)
        if (atomic_load(&b->holder[a]) == me())
            grade_fail("transfer(b, %d, %d, %ld) returned %d still holding the lock of "
                       "account %d: does every way out of transfer unlock what it locked?",
                       from, to, amount, rc, a);
    return rc;
}

struct plan {
    struct bank *bank;
    int from[PARTIES], to[PARTIES];
    long amount[PARTIES];
    int times;
    int random;                 /* 1: each party picks its own accounts */
    atomic_long moved;          /* transfers that returned 0 */
};

static void party(int p, struct plan *plan)
{
    unsigned seed = 12345u + 977u * (unsigned)p;

    for (int i = 0; i < plan->times; i++) {
        int from = plan->from[p], to = plan->to[p];

        if (plan->random) {
            seed = seed * 1103515245u + 12345u;
            from = (int)((seed >> 16) % ACCOUNTS);
            seed = seed * 1103515245u + 12345u;
            to = (int)((seed >> 16) % ACCOUNTS);
            if (to == from)         /* same_account tests that case */
                to = (to + 1) % ACCOUNTS;
        }
        if (checked_transfer(plan->bank, from, to, plan->amount[p]) == 0)
            atomic_fetch_add(&plan->moved, 1);
    }
}

/* n parties run their transfers, taking turns. */
static void run(struct plan *plan, int n)
{
    struct grade_turns *t = grade_turns_new(n);
    pid_t pid[PARTIES];

    for (int p = 0; p < n; p++) {
        if ((pid[p] = grade_fork()) == -1)
            grade_fail("the grader could not fork");
        if (pid[p] == 0) {
            grade_turns_join(t, p);
            party(p, plan);
            grade_turns_leave();
            _exit(0);
        }
    }
    for (int p = 0; p < n; p++) {
        int status = -1;

        for (int tenths = 0; status == -1 && tenths < 200; tenths++) {
            status = grade_wait(pid[p], 0.1);
            if (status == -1 && grade_turns_asleep(t))
                grade_fail("every process still in transfer waits for a lock nobody will "
                           "give back");
        }
        if (status == -1)
            grade_fail("the transfers did not finish in 20 s");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            grade_fail("P%d %s", p + 1, WIFSIGNALED(status) ? "crashed" : "failed");
    }
}

static void expect_balances(struct bank *b, const long *want, const char *what)
{
    for (int a = 0; a < ACCOUNTS; a++)
        if (b->balance[a] != want[a])
            grade_fail("after %s, account %d holds %ld, not %ld", what, a, b->balance[a],
                       want[a]);
}

static void test_two_way(void)
{
    struct plan *plan = grade_shared(sizeof *plan);
    const long want[ACCOUNTS] = { 1000 - 50 * 3 + 50 * 2, 1000 + 50 * 3 - 50 * 2, 1000, 1000 };

    plan->bank = bank_new(1000);
    plan->times = 50;
    plan->from[0] = 0, plan->to[0] = 1, plan->amount[0] = 3;
    plan->from[1] = 1, plan->to[1] = 0, plan->amount[1] = 2;
    run(plan, 2);
    expect_balances(plan->bank, want, "P1 moved 50 x 3 from 0 to 1 and P2 50 x 2 back");
}

static void test_three_way(void)
{
    struct plan *plan = grade_shared(sizeof *plan);
    const long want[ACCOUNTS] = { 1000, 1000, 1000, 1000 };

    plan->bank = bank_new(1000);
    plan->times = 50;
    for (int p = 0; p < 3; p++) {
        plan->from[p] = p;
        plan->to[p] = (p + 1) % 3;
        plan->amount[p] = 5;
    }
    run(plan, 3);
    expect_balances(plan->bank, want, "P1, P2, P3 moved 50 x 5 round 0 -> 1 -> 2 -> 0");
}

static void test_same_account(void)
{
    struct plan *plan = grade_shared(sizeof *plan);
    const long want[ACCOUNTS] = { 100, 100, 100, 100 };
    int rc;

    plan->bank = bank_new(100);
    grade_turns_join(grade_turns_new(1), 0);
    if ((rc = checked_transfer(plan->bank, 2, 2, 10)) != 0)
        grade_fail("transfer(b, 2, 2, 10) returned %d from an account holding 100", rc);
    expect_balances(plan->bank, want, "transfer(b, 2, 2, 10)");
}

static void test_refused(void)
{
    struct plan *plan = grade_shared(sizeof *plan);
    const long want[ACCOUNTS] = { 10, 10, 10, 10 };
    int rc;

    plan->bank = bank_new(10);
    grade_turns_join(grade_turns_new(1), 0);
    if ((rc = checked_transfer(plan->bank, 1, 3, 11)) != -1)
        grade_fail("transfer(b, 1, 3, 11) returned %d from an account holding 10, not -1", rc);
    expect_balances(plan->bank, want, "a refused transfer(b, 1, 3, 11)");
    if ((rc = checked_transfer(plan->bank, 3, 1, 10)) != 0)
        grade_fail("transfer(b, 3, 1, 10) returned %d from an account holding 10, not 0", rc);
}

static void test_check_inside_lock(void)
{
    struct plan *plan = grade_shared(sizeof *plan);
    long total = 0;

    plan->bank = bank_new(10);
    plan->times = 1;
    plan->from[0] = 0, plan->to[0] = 1, plan->amount[0] = 10;
    plan->from[1] = 0, plan->to[1] = 2, plan->amount[1] = 10;
    run(plan, 2);
    for (int a = 0; a < ACCOUNTS; a++)
        total += plan->bank->balance[a];
    if (atomic_load(&plan->moved) != 1 || plan->bank->balance[0] != 0 || total != 40)
        grade_fail("two transfers of 10 each from account 0, which held 10: %ld succeeded, "
                   "account 0 holds %ld and the bank %ld (was 40)",
                   atomic_load(&plan->moved), plan->bank->balance[0], total);
}

static void test_many(void)
{
    struct plan *plan = grade_shared(sizeof *plan);
    long total = 0;

    plan->bank = bank_new(100);
    plan->times = 100;
    plan->random = 1;
    for (int p = 0; p < PARTIES; p++)
        plan->amount[p] = 7 + p;
    run(plan, PARTIES);
    for (int a = 0; a < ACCOUNTS; a++) {
        if (plan->bank->balance[a] < 0)
            grade_fail("account %d ended at %ld, below zero", a, plan->bank->balance[a]);
        total += plan->bank->balance[a];
    }
    if (total != 100L * ACCOUNTS)
        grade_fail("4 processes x 100 transfers among 4 accounts: the bank holds %ld, "
                   "not %d", total, 100 * ACCOUNTS);
}

static const struct grade_test tests[] = {
    { "two_way_transfers", 25, 30, test_two_way, HINT_ORDER, 0 },
    { "three_way_cycle", 20, 30, test_three_way, HINT_ORDER, 0 },
    { "same_account", 10, 10, test_same_account, HINT_SAME, 0 },
    { "refused_transfer", 15, 10, test_refused, HINT_PATHS, 0 },
    { "funds_checked_inside_lock", 15, 30, test_check_inside_lock, HINT_PATHS, 0 },
    { "many_transfers", 15, 30, test_many, HINT_ORDER, 0 },
};

int main(int argc, char *argv[])
{
    return grade_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
