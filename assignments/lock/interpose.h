/* interpose.h - how the grader watches lock.c and bank.c (given).
 *
 * The grader compiles your files with this header included first
 * (-include interpose.h). It changes nothing your code means; it only lets
 * the grader
 *  - switch processes at each atomic operation on an atomic_int: each of
 *    atomic_load, atomic_store, atomic_exchange, atomic_compare_exchange_*,
 *    atomic_fetch_* (and their _explicit forms) becomes a call that first
 *    gives the grader a say (lock_atomic_hook), then does the operation
 *    (always seq_cst, the strongest order);
 *  - count your futex calls: syscall(...) goes through lock_syscall, which
 *    counts and then makes the call.
 * So: use these functions for every access to `locked` and `state`. A plain
 * `l->locked` is atomic too, but the grader cannot see it, and a loop of
 * them is a loop it cannot interrupt.
 */
#ifndef INTERPOSE_H
#define INTERPOSE_H

#include <stdatomic.h>

void lock_atomic_hook(void);
long lock_syscall(long number, ...);

static inline int interposed_load(volatile atomic_int *p)
{
    lock_atomic_hook();
    return atomic_load(p);
}

static inline void interposed_store(volatile atomic_int *p, int v)
{
    lock_atomic_hook();
    atomic_store(p, v);
}

static inline int interposed_exchange(volatile atomic_int *p, int v)
{
    lock_atomic_hook();
    return atomic_exchange(p, v);
}

static inline _Bool interposed_cas(volatile atomic_int *p, int *expected, int desired)
{
    lock_atomic_hook();
    return atomic_compare_exchange_strong(p, expected, desired);
}

/* interposed_fetch_add, _sub, _or and _and: the hook, then the operation. */
#define INTERPOSED_FETCH(op) \
    static inline int interposed_fetch_##op(volatile atomic_int *p, int v) \
    { \
        lock_atomic_hook(); \
        return atomic_fetch_##op(p, v); \
    }
INTERPOSED_FETCH(add)
INTERPOSED_FETCH(sub)
INTERPOSED_FETCH(or)
INTERPOSED_FETCH(and)
#undef INTERPOSED_FETCH

#undef atomic_load
#undef atomic_load_explicit
#undef atomic_store
#undef atomic_store_explicit
#undef atomic_exchange
#undef atomic_exchange_explicit
#undef atomic_compare_exchange_strong
#undef atomic_compare_exchange_strong_explicit
#undef atomic_compare_exchange_weak
#undef atomic_compare_exchange_weak_explicit
#undef atomic_fetch_add
#undef atomic_fetch_add_explicit
#undef atomic_fetch_sub
#undef atomic_fetch_sub_explicit
#undef atomic_fetch_or
#undef atomic_fetch_or_explicit
#undef atomic_fetch_and
#undef atomic_fetch_and_explicit

#define atomic_load(p) interposed_load(p)
#define atomic_load_explicit(p, mo) ((void)(mo), interposed_load(p))
#define atomic_store(p, v) interposed_store(p, v)
#define atomic_store_explicit(p, v, mo) ((void)(mo), interposed_store(p, v))
#define atomic_exchange(p, v) interposed_exchange(p, v)
#define atomic_exchange_explicit(p, v, mo) ((void)(mo), interposed_exchange(p, v))
#define atomic_compare_exchange_strong(p, e, d) interposed_cas(p, e, d)
#define atomic_compare_exchange_strong_explicit(p, e, d, s, f) \
    ((void)(s), (void)(f), interposed_cas(p, e, d))
#define atomic_compare_exchange_weak(p, e, d) interposed_cas(p, e, d)
#define atomic_compare_exchange_weak_explicit(p, e, d, s, f) \
    ((void)(s), (void)(f), interposed_cas(p, e, d))
#define atomic_fetch_add(p, v) interposed_fetch_add(p, v)
#define atomic_fetch_add_explicit(p, v, mo) ((void)(mo), interposed_fetch_add(p, v))
#define atomic_fetch_sub(p, v) interposed_fetch_sub(p, v)
#define atomic_fetch_sub_explicit(p, v, mo) ((void)(mo), interposed_fetch_sub(p, v))
#define atomic_fetch_or(p, v) interposed_fetch_or(p, v)
#define atomic_fetch_or_explicit(p, v, mo) ((void)(mo), interposed_fetch_or(p, v))
#define atomic_fetch_and(p, v) interposed_fetch_and(p, v)
#define atomic_fetch_and_explicit(p, v, mo) ((void)(mo), interposed_fetch_and(p, v))

/* Declared here, so that it is whatever <unistd.h> declares (or not). */
#define syscall lock_syscall

#endif
