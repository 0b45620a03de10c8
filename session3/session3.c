/* session3 - a Manager: one server process holds the records; p1 and p2
 * change and read them through proxies, over sockets. This file is the
 * tutorial's story; the labs (--demo dict, --bench, --serve, --connect) are
 * in labs.c and remote.c. docs/session3.md explains it and the modules.
 */
#include "args.h"
#include "die.h"
#include "output.h"
#include "proc.h"

#include "labs.h"
#include "manager.h"
#include "options.h"
#include "proxy.h"

#include <openssl/rand.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static struct options opt;      /* global: p1 and p2 use their fork()ed copy */

/* A proxy, as a child process holds it: its own connection to the manager,
 * and the id of the manager's list. Python pickles the same two things. */
struct records_proxy {
    int fd;
    uint64_t id;
};

/* What p1 gets: args=(new_record, records). */
struct insert_args {
    const struct record *new_record;
    struct records_proxy records;
};

/* def print_records(records): */
static int print_records(void *arg)
{
    const struct records_proxy *records = arg;
    struct manager m;
    struct record *items;
    size_t count;

    check(manager_attach(&m, records->fd, opt.key, opt.keylen), "authenticate", &m);
    check(list_records(&m, records->id, &items, &count), "records", &m);
    for (size_t i = 0; i < count; i++)                  /* for record in records: */
        print("p2", "Name: %s\nScore: %lld\n\n",        /* print("Name: {0}\nScore: {1}\n" */
              name_shown(items[i].name).text, (long long)items[i].score); /* .format(...)) */
    free(items);
    manager_close(&m);
    return 0;
}

/* def insert_record(record, records): */
static int insert_record(void *arg)
{
    const struct insert_args *a = arg;
    struct manager m;

    check(manager_attach(&m, a->records.fd, opt.key, opt.keylen), "authenticate", &m);
    check(list_append_record(&m, a->records.id, a->new_record), /* records.append(record) */ /* line:append */
          "records.append", &m);
    print("p1", "New record added!\n\n");              /* print("New record added!\n") */
    manager_close(&m);
    return 0;
}

int main(int argc, char *argv[])
{
    static const struct record initial[] = { { "Sam", 10 }, { "Adam", 9 }, { "Kevin", 9 } };
    static const struct record new_record = { "Jeff", 8 };   /* new_record = ('Jeff', 8) */
    struct manager_task task = { .count = 3, .key = opt.key };
    struct insert_args p1_args;
    struct records_proxy p2_args;
    struct manager manager;
    pid_t manager_pid, p1, p2;
    uint64_t records;

    die_init("session3");
    parse_options(argc, argv, &opt);
    if (output_line_buffered() == -1)
        die("setvbuf");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");
    set_verbose(opt.verbose);
    if (opt.demo_dict)
        return lab_dict(&opt);
    if (opt.serve != NULL)
        return lab_serve(&opt);
    if (opt.connect != NULL)
        return lab_connect(&opt);
    if (opt.bench > 0)
        return lab_bench(&opt);

    /* with multiprocessing.Manager() as manager: */
    opt.keylen = task.keylen = 32;      /* the authkey: random, inherited by the children */
    if (RAND_bytes(opt.key, (int)opt.keylen) != 1)
        fail("RAND_bytes: the random generator failed");
    for (int i = 0; i < task.count; i++)    /* a socket pair each: parent, p1, p2 */
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, task.pairs[i]) == -1)
            die("socketpair");
    manager_pid = start(manager_process, &task);        /* the manager's server process */ /* line:manager */
    for (int i = 0; i < task.count; i++)
        close(task.pairs[i][0]);        /* the manager has its own copy of these ends */
    check(manager_attach(&manager, task.pairs[0][1], opt.key, opt.keylen),
          "authenticate", &manager);

    check(manager_list(&manager, &records), "manager.list", &manager);
    for (size_t i = 0; i < sizeof initial / sizeof initial[0]; i++) /* manager.list([...]) */ /* line:list */
        check(list_append_record(&manager, records, &initial[i]), "manager.list",
              &manager);
    /* p1 = Process(target=insert_record, args=(new_record, records)) */
    p1_args = (struct insert_args){ &new_record, { task.pairs[1][1], records } };
    /* p2 = Process(target=print_records, args=(records,)) */
    p2_args = (struct records_proxy){ task.pairs[2][1], records };

    p1 = start(insert_record, &p1_args); /* p1.start() */ /* line:start */
    close(p1_args.records.fd);              /* that end is p1's now */
    join_or_fail(p1, "p1");                 /* p1.join() */
    p2 = start(print_records, &p2_args); /* p2.start() */
    close(p2_args.fd);
    join_or_fail(p2, "p2");                 /* p2.join() */

    /* The end of the with block: manager.shutdown(). */
    check(manager_shutdown(&manager), "manager.shutdown", &manager);
    manager_close(&manager);
    join_or_fail(manager_pid, "manager");
    return 0;
}
