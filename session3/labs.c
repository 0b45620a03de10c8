/* labs.c - the story told with a dict (--demo dict) and the price of a
 * manager call (--bench); docs/session3.md, "Going further", explains both.
 */
#include "labs.h"

#include "clock.h"
#include "die.h"
#include "manager.h"
#include "proc.h"
#include "shm.h"

#include <openssl/rand.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const struct record initial_records[] = {
    { "Sam", 10 }, { "Adam", 9 }, { "Kevin", 9 },
};
static const struct record jeff = { "Jeff", 8 };

/* Like Python's process authkey: random bytes, shared by inheritance. */
static void make_key(struct options *opt)
{
    opt->keylen = 32;
    if (RAND_bytes(opt->key, (int)opt->keylen) != 1)
        fail("RAND_bytes: the random generator failed");
}

/* count socket pairs, then the manager process; returns its pid and leaves
 * the parent's connection (pair 0) authenticated in *m. */
static pid_t start_manager(struct manager_task *t, int count, struct options *opt,
                           struct manager *m)
{
    pid_t pid;

    make_key(opt);
    *t = (struct manager_task){ .count = count, .key = opt->key, .keylen = opt->keylen };
    for (int i = 0; i < count; i++)
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, t->pairs[i]) == -1)
            die("socketpair");
    pid = start(manager_process, t);
    for (int i = 0; i < count; i++)
        close(t->pairs[i][0]);
    check(manager_attach(m, t->pairs[0][1], opt->key, opt->keylen), "authenticate", m);
    return pid;
}

/* ---------------------------------------------------------------- --demo dict */

struct dict_client {
    int fd;
    const struct options *opt;
    uint64_t scores;
};

/* p1: scores['Jeff'] = 8 */
static int insert_score(void *arg)
{
    const struct dict_client *c = arg;
    struct manager m;

    check(manager_attach(&m, c->fd, c->opt->key, c->opt->keylen), "authenticate", &m);
    check(dict_set_score(&m, c->scores, jeff.name, jeff.score), "scores[name] = score", &m);
    print("p1", "New record added!\n\n");
    manager_close(&m);
    return 0;
}

/* p2: for name, score in scores.items(): print(...) */
static int print_scores(void *arg)
{
    const struct dict_client *c = arg;
    struct record *records;
    struct manager m;
    size_t count;

    check(manager_attach(&m, c->fd, c->opt->key, c->opt->keylen), "authenticate", &m);
    check(dict_records(&m, c->scores, &records, &count), "scores.items", &m);
    for (size_t i = 0; i < count; i++)
        print("p2", "Name: %s\nScore: %lld\n\n", name_shown(records[i].name).text,
              (long long)records[i].score);
    free(records);
    manager_close(&m);
    return 0;
}

int lab_dict(struct options *opt)
{
    struct manager_task task;
    struct dict_client c1, c2;
    struct manager m;
    pid_t manager_pid, p1, p2;
    uint64_t scores;

    manager_pid = start_manager(&task, 3, opt, &m);
    check(manager_dict(&m, &scores), "manager.dict", &m);
    for (size_t i = 0; i < 3; i++)
        check(dict_set_score(&m, scores, initial_records[i].name, initial_records[i].score),
              "scores[name] = score", &m);
    c1 = (struct dict_client){ task.pairs[1][1], opt, scores };
    c2 = (struct dict_client){ task.pairs[2][1], opt, scores };
    p1 = start(insert_score, &c1);
    close(c1.fd);
    join_or_fail(p1, "p1");
    p2 = start(print_scores, &c2);
    close(c2.fd);
    join_or_fail(p2, "p2");
    check(manager_shutdown(&m), "manager.shutdown", &m);
    manager_close(&m);
    join_or_fail(manager_pid, "manager");
    return 0;
}

/* ---------------------------------------------------------------- --bench */

/* N appends through the manager, then N stores into shared memory (what
 * session 2 does), each timed from the calling process. */
int lab_bench(struct options *opt)
{
    struct manager_task task;
    struct manager m;
    struct timespec start;
    _Atomic long long *shared;
    double manager_s, shared_s;
    uint64_t id;
    pid_t manager_pid;

    shared = shared_alloc(sizeof *shared);
    if (shared == NULL)
        die("mmap");
    manager_pid = start_manager(&task, 1, opt, &m);
    check(manager_list(&m, &id), "manager.list", &m);

    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < opt->bench; i++)
        check(list_append_record(&m, id, &jeff), "records.append", &m);
    manager_s = seconds_since(&start);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < opt->bench; i++)
        atomic_store_explicit(shared, i, memory_order_relaxed);
    shared_s = seconds_since(&start);

    check(manager_shutdown(&m), "manager.shutdown", &m);
    manager_close(&m);
    join_or_fail(manager_pid, "manager");
    shared_free((void *)shared, sizeof *shared);
    printf("manager list append:     %ld calls,  %10.1f ns each\n", opt->bench,
           manager_s / (double)opt->bench * 1e9);
    printf("shared memory write:     %ld writes, %10.1f ns each\n", opt->bench,
           shared_s / (double)opt->bench * 1e9);
    printf("the manager call is about %.0f times slower\n",
           shared_s > 0 ? manager_s / shared_s : 0.0);
    return 0;
}
