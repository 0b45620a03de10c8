/* session3 - a Manager: one server process holds the records, and other
 * processes change and read them through proxies, over a socket.
 *
 * With no arguments it tells the tutorial's story on one machine; with
 * --serve and --connect the same story runs across terminals or computers.
 * docs/session3.md explains it.
 */
#include "args.h"
#include "die.h"
#include "output.h"
#include "proc.h"
#include "shm.h"

#include "session3/auth.h"
#include "session3/protocol.h"
#include "session3/proxy.h"
#include "session3/server.h"
#include "session3/store.h"

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The tutorial's records, and the one p1 adds. */
static const struct record initial_records[] = {
    { "Sam", 10 }, { "Adam", 9 }, { "Kevin", 9 },
};
static const struct record jeff = { "Jeff", 8 };

struct options {
    int demo_dict;              /* --demo dict */
    const char *serve, *connect; /* HOST:PORT */
    char host[256], port[16];
    int insert, print, shutdown;
    struct record new_record;   /* --insert NAME:SCORE */
    long bench;                 /* --bench N, 0 when not asked */
    unsigned char key[AUTH_KEY_MAX];
    size_t keylen;
};

/* ---------------------------------------------------------------- errors */

/* A proxy call failed: say which, stop the other processes, exit 1. In a
 * child, _exit(1) instead (die_child and the same message). */
static void check_call(int rc, const char *op, const struct manager *m, int in_child)
{
    if (rc == 0)
        return;
    if (rc == PROXY_REFUSED)
        fprintf(stderr, "%s: %s: the manager replied: %s\n", program_name(), op, m->error);
    else if (rc == PROXY_NO_ADDRESS)
        fprintf(stderr, "%s: %s: cannot look up the host: %s\n", program_name(), op, m->error);
    else if (errno == EACCES)
        fprintf(stderr, "%s: authentication failed\n", program_name());
    else if (in_child)
        die_child(op);
    else
        fprintf(stderr, "%s: %s: %s\n", program_name(), op, strerror(errno));
    if (in_child)
        _exit(1);
    proc_terminate_all(SIGTERM);
    exit(1);
}

/* ---------------------------------------------------------------- the story */

/* The printed form of the tutorial: print("Name: {0}\nScore: {1}\n"...). */
static void print_record(const struct record *r)
{
    printf("Name: %s\nScore: %lld\n\n", r->name, (long long)r->score);
}

/* What a child process gets: its own connection to the manager. */
struct client {
    int fd;
    const struct options *opt;
    uint64_t id;                /* the records list or the scores dict */
};

/* The target of p1: records.append(record); print("New record added!\n"). */
static int insert_record(void *arg)
{
    struct client *c = arg;
    struct manager m;

    check_call(manager_attach(&m, c->fd, c->opt->key, c->opt->keylen), "authenticate", &m, 1);
    if (c->opt->demo_dict)
        check_call(dict_set_score(&m, c->id, jeff.name, jeff.score), "scores[name] = score",
                   &m, 1);
    else
        check_call(list_append_record(&m, c->id, &jeff), "records.append", &m, 1);
    printf("New record added!\n\n");
    manager_close(&m);
    return 0;
}

/* The target of p2: for record in records: print(...). The loop reads one
 * snapshot, taken atomically by the manager. */
static int print_records(void *arg)
{
    struct client *c = arg;
    struct manager m;
    struct record *records;
    size_t count;

    check_call(manager_attach(&m, c->fd, c->opt->key, c->opt->keylen), "authenticate", &m, 1);
    if (c->opt->demo_dict)
        check_call(dict_records(&m, c->id, &records, &count), "scores.items", &m, 1);
    else
        check_call(list_records(&m, c->id, &records, &count), "records", &m, 1);
    for (size_t i = 0; i < count; i++)
        print_record(&records[i]);
    free(records);
    manager_close(&m);
    return 0;
}

/* The manager process: serves the three connections made before fork. */
struct manager_task {
    int server_ends[3];
    int client_ends[3];
    int count;                  /* connections made: 3 for the story */
    const struct options *opt;
};

static int run_manager(void *arg)
{
    struct manager_task *t = arg;
    struct store *s = store_new();
    struct server_config cfg = {
        .listen_fd = -1, .client_fds = t->server_ends, .nclients = (size_t)t->count,
        .key = t->opt->key, .keylen = t->opt->keylen, .log_fd = STDERR_FILENO,
    };

    for (int i = 0; i < t->count; i++)
        close(t->client_ends[i]);       /* those belong to the clients */
    if (s == NULL)
        die_child("malloc");
    if (server_run(s, &cfg) == -1)
        die_child("manager poll");
    store_free(s);
    return 0;
}

static pid_t start_or_die(proc_fn fn, void *arg)
{
    pid_t pid = proc_start(fn, arg);

    if (pid == -1) {
        int saved = errno;

        proc_terminate_all(SIGTERM);
        errno = saved;
        die("fork");
    }
    return pid;
}

/* records = manager.list([...]) or scores = manager.dict({...}). */
static uint64_t make_shared_object(struct manager *m, const struct options *opt)
{
    uint64_t id;

    if (opt->demo_dict) {
        check_call(manager_dict(m, &id), "manager.dict", m, 0);
        for (size_t i = 0; i < 3; i++)
            check_call(dict_set_score(m, id, initial_records[i].name,
                                      initial_records[i].score), "scores[name] = score", m, 0);
    } else {
        check_call(manager_list(m, &id), "manager.list", m, 0);
        for (size_t i = 0; i < 3; i++)
            check_call(list_append_record(m, id, &initial_records[i]), "records.append", m, 0);
    }
    return id;
}

/* One socketpair per process that talks to the manager: made before fork,
 * so the manager and each client hold their own end. No name, no port. */
static void make_connections(struct manager_task *t, int count)
{
    t->count = count;
    for (int i = 0; i < count; i++) {
        int sv[2];

        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
            die("socketpair");
        t->server_ends[i] = sv[0];
        t->client_ends[i] = sv[1];
    }
}

static int run_story(struct options *opt)
{
    struct manager_task task = { .opt = opt };
    struct client c1, c2;
    struct manager m;
    pid_t manager_pid, p1, p2;

    /* Like Python's process authkey: random bytes, shared by inheritance. */
    opt->keylen = 32;
    if (RAND_bytes(opt->key, (int)opt->keylen) != 1)
        fail("RAND_bytes: the random generator failed");
    make_connections(&task, 3);         /* the parent's, p1's and p2's */

    manager_pid = start_or_die(run_manager, &task);    /* manager.start() */
    for (int i = 0; i < task.count; i++)
        close(task.server_ends[i]);
    check_call(manager_attach(&m, task.client_ends[0], opt->key, opt->keylen),
               "authenticate", &m, 0);
    c1 = (struct client){ task.client_ends[1], opt, make_shared_object(&m, opt) };
    c2 = (struct client){ task.client_ends[2], opt, c1.id };

    p1 = start_or_die(insert_record, &c1);
    close(c1.fd);
    join_or_fail(p1, "p1");
    p2 = start_or_die(print_records, &c2);
    close(c2.fd);
    join_or_fail(p2, "p2");

    check_call(manager_shutdown(&m), "manager.shutdown", &m, 0);
    manager_close(&m);
    join_or_fail(manager_pid, "manager");
    return 0;
}

/* ---------------------------------------------------------------- network */

/* Listens on TCP host:port (port 0: the kernel picks a free one) and stores
 * the real port in opt->port. */
static int listen_on(struct options *opt)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *list;
    struct sockaddr_storage addr;
    socklen_t addrlen = sizeof addr;
    char port[16];            /* "65535" fits; NI_MAXSERV is not POSIX */
    int fd, one = 1, gai;

    gai = getaddrinfo(opt->host, opt->port, &hints, &list);
    if (gai != 0)
        fail("getaddrinfo %s: %s", opt->host, gai_strerror(gai));
    fd = socket(list->ai_family, list->ai_socktype, list->ai_protocol);
    if (fd == -1)
        die("socket");
    /* A restarted server may reuse its port at once (no TIME_WAIT delay). */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        die("setsockopt");
    if (bind(fd, list->ai_addr, list->ai_addrlen) == -1)
        die("bind");
    freeaddrinfo(list);
    if (listen(fd, 64) == -1)
        die("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &addrlen) == -1)
        die("getsockname");
    if (getnameinfo((struct sockaddr *)&addr, addrlen, NULL, 0, port, sizeof port,
                    NI_NUMERICSERV) != 0)
        fail("getnameinfo: cannot read the port");
    snprintf(opt->port, sizeof opt->port, "%s", port);
    return fd;
}

/* A record as the manager stores it: the MessagePack array [name, score]. */
static void store_record(struct store *s, uint64_t id, const struct record *r)
{
    msgpack_sbuffer buf;
    msgpack_packer pk;

    msgpack_sbuffer_init(&buf);
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 2);
    msgpack_pack_str_with_body(&pk, r->name, strlen(r->name));
    msgpack_pack_int64(&pk, r->score);
    if (store_list_append(s, id, buf.data, buf.size) != STORE_OK)
        fail("malloc: out of memory");
    msgpack_sbuffer_destroy(&buf);
}

/* --serve: only the manager, in this process, until shutdown or a signal. */
static int run_serve(struct options *opt)
{
    struct store *s = store_new();
    struct server_config cfg = { .client_fds = NULL, .nclients = 0, .key = opt->key,
                                 .keylen = opt->keylen, .log_fd = STDERR_FILENO };
    uint64_t id;

    if (s == NULL || store_create(s, STORE_LIST, &id) != STORE_OK)
        fail("malloc: out of memory");
    for (size_t i = 0; i < 3; i++)      /* id is PROTOCOL_RECORDS_ID */
        store_record(s, id, &initial_records[i]);
    cfg.listen_fd = listen_on(opt);
    printf("manager serving on %s:%s\n", opt->host, opt->port);
    if (fflush(stdout) == EOF)
        die("write");
    if (server_run(s, &cfg) == -1)
        die("poll");
    close(cfg.listen_fd);
    store_free(s);
    return 0;
}

/* --connect with --insert, --print or --shutdown: one client, in this process. */
static int run_connect(struct options *opt)
{
    struct manager m = { .fd = -1 };
    struct client c = { -1, opt, PROTOCOL_RECORDS_ID };
    struct record *records;
    size_t count;

    check_call(manager_connect(&m, opt->host, opt->port, opt->key, opt->keylen),
               "connect", &m, 0);
    if (opt->insert) {
        check_call(list_append_record(&m, c.id, &opt->new_record), "records.append", &m, 0);
        printf("New record added!\n\n");
    } else if (opt->shutdown) {
        check_call(manager_shutdown(&m), "manager.shutdown", &m, 0);
    } else {
        check_call(list_records(&m, c.id, &records, &count), "records", &m, 0);
        for (size_t i = 0; i < count; i++)
            print_record(&records[i]);
        free(records);
    }
    manager_close(&m);
    return 0;
}

/* ---------------------------------------------------------------- --bench */

static double seconds_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* N appends through the manager, then N stores into shared memory (what
 * session 2 does), each timed from the calling process. */
static int run_bench(struct options *opt)
{
    struct manager_task task = { .opt = opt };
    struct manager m;
    struct timespec start;
    _Atomic long long *shared;
    double manager_s, shared_s;
    uint64_t id;
    pid_t manager_pid;

    opt->keylen = 32;
    if (RAND_bytes(opt->key, (int)opt->keylen) != 1)
        fail("RAND_bytes: the random generator failed");
    shared = shared_alloc(sizeof *shared);
    if (shared == NULL)
        die("mmap");
    make_connections(&task, 1);
    manager_pid = start_or_die(run_manager, &task);
    close(task.server_ends[0]);
    check_call(manager_attach(&m, task.client_ends[0], opt->key, opt->keylen),
               "authenticate", &m, 0);
    check_call(manager_list(&m, &id), "manager.list", &m, 0);

    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < opt->bench; i++)
        check_call(list_append_record(&m, id, &jeff), "records.append", &m, 0);
    manager_s = seconds_since(&start);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < opt->bench; i++)
        atomic_store_explicit(shared, i, memory_order_relaxed);
    shared_s = seconds_since(&start);

    check_call(manager_shutdown(&m), "manager.shutdown", &m, 0);
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

/* ---------------------------------------------------------------- options */

static void usage(void)
{
    printf("Usage: session3 [--demo list|dict] [--bench N]\n"
           "       session3 --serve HOST:PORT [--authkey-file FILE]\n"
           "       session3 --connect HOST:PORT (--insert NAME:SCORE | --print | --shutdown)\n"
           "                [--authkey-file FILE]\n"
           "A manager server process holds the records; other processes change and read\n"
           "them through proxies, over an authenticated socket.\n"
           "\n"
           "  -d, --demo=KIND          the shared object of the story: list (default) of\n"
           "                           (name, score) records, or dict of name -> score\n"
           "  -b, --bench=N            time N manager calls against N shared memory writes\n"
           "                           (1..10000000; default: no benchmark)\n"
           "  -s, --serve=HOST:PORT    run only the manager, on TCP (port 0: any free port);\n"
           "                           serves until SIGINT/SIGTERM or a shutdown request\n"
           "  -c, --connect=HOST:PORT  talk to a manager started with --serve\n"
           "  -i, --insert=NAME:SCORE  with --connect: append the record (NAME at most %d\n"
           "                           bytes, SCORE a 64-bit integer)\n"
           "  -p, --print              with --connect: print every record\n"
           "  -q, --shutdown           with --connect: ask the manager to stop\n"
           "  -k, --authkey-file=FILE  the shared secret for --serve and --connect (default:\n"
           "                           the environment variable MANAGER_AUTHKEY; one final\n"
           "                           newline of the file is ignored)\n"
           "  -h, --help               print this help and exit\n"
           "\n"
           "Explained in docs/session3.md.\n", RECORD_NAME_MAX - 1);
}

/* "HOST:PORT" into opt->host and opt->port; the port is checked for range. */
static void parse_address(const char *text, const char *what, long min_port,
                          struct options *opt)
{
    const char *colon = strrchr(text, ':');
    char msg[ARG_MSG_SIZE];
    size_t hostlen;
    long port;

    if (colon == NULL || colon == text)
        usage_error("invalid %s '%s' (accepted: HOST:PORT, e.g. 127.0.0.1:5000)", what, text);
    hostlen = (size_t)(colon - text);
    if (hostlen >= sizeof opt->host)
        usage_error("%s host is too long (accepted: at most %zu bytes)", what,
                    sizeof opt->host - 1);
    if (arg_long(colon + 1, "port", min_port, 65535, &port, msg, sizeof msg) == -1)
        usage_error("%s", msg);
    memcpy(opt->host, text, hostlen);
    opt->host[hostlen] = '\0';
    snprintf(opt->port, sizeof opt->port, "%ld", port);
}

/* "NAME:SCORE" into opt->new_record. */
static void parse_record(const char *text, struct options *opt)
{
    const char *colon = strrchr(text, ':');
    char msg[ARG_MSG_SIZE];
    size_t namelen;
    long score;

    if (colon == NULL || colon == text)
        usage_error("invalid --insert '%s' (accepted: NAME:SCORE, e.g. Jeff:8)", text);
    namelen = (size_t)(colon - text);
    if (namelen >= RECORD_NAME_MAX)
        usage_error("--insert name is too long (accepted: at most %d bytes)",
                    RECORD_NAME_MAX - 1);
    if (arg_long(colon + 1, "score", INT64_MIN, INT64_MAX, &score, msg, sizeof msg) == -1)
        usage_error("%s", msg);
    memcpy(opt->new_record.name, text, namelen);
    opt->new_record.name[namelen] = '\0';
    opt->new_record.score = score;
}

/* The whole of a key file, at most AUTH_KEY_MAX bytes; its length. */
static size_t read_key_file(const char *file, unsigned char key[AUTH_KEY_MAX])
{
    FILE *f = fopen(file, "rb");
    size_t len;
    int failed, too_long;

    if (f == NULL)
        usage_error("cannot open --authkey-file '%s': %s", file, strerror(errno));
    len = fread(key, 1, AUTH_KEY_MAX, f);
    too_long = len == AUTH_KEY_MAX && fgetc(f) != EOF;
    failed = ferror(f);
    fclose(f);
    if (failed || too_long)
        usage_error("cannot read --authkey-file '%s' (accepted: a readable file of at "
                    "most %d bytes)", file, AUTH_KEY_MAX);
    return len;
}

/* The authkey, from --authkey-file or MANAGER_AUTHKEY: never from the
 * command line, where `ps` shows it to every user. */
static void read_key(const char *file, struct options *opt)
{
    const char *env = getenv("MANAGER_AUTHKEY");
    size_t len;

    if (file != NULL) {
        len = read_key_file(file, opt->key);
    } else if (env != NULL) {
        len = strlen(env);
        if (len > AUTH_KEY_MAX)
            usage_error("MANAGER_AUTHKEY is too long (accepted: at most %d bytes)",
                        AUTH_KEY_MAX);
        memcpy(opt->key, env, len);
    } else {
        usage_error("%s needs an authkey: give --authkey-file FILE or set MANAGER_AUTHKEY",
                    opt->serve != NULL ? "--serve" : "--connect");
    }
    if (len > 0 && opt->key[len - 1] == '\n')
        len--;
    if (len == 0)
        usage_error("the authkey is empty (accepted: at least one byte)");
    opt->keylen = len;
}

/* Which options go together; everything is checked before anything starts. */
static void check_combination(const struct options *opt, int demo_given, const char *keyfile)
{
    if (opt->serve != NULL && opt->connect != NULL)
        usage_error("--serve and --connect cannot be used together");
    if ((opt->serve != NULL || opt->connect != NULL) && (demo_given || opt->bench > 0))
        usage_error("--demo and --bench run the local story; they do not go with "
                    "--serve or --connect");
    if ((opt->insert || opt->print || opt->shutdown) && opt->connect == NULL)
        usage_error("--insert, --print and --shutdown need --connect HOST:PORT");
    if (opt->connect != NULL && opt->insert + opt->print + opt->shutdown != 1)
        usage_error("--connect needs exactly one of --insert NAME:SCORE, --print "
                    "or --shutdown");
    if (keyfile != NULL && opt->serve == NULL && opt->connect == NULL)
        usage_error("--authkey-file goes with --serve or --connect");
}

static void parse_options(int argc, char *argv[], struct options *opt)
{
    static const struct option options[] = {
        { "demo", required_argument, NULL, 'd' },
        { "bench", required_argument, NULL, 'b' },
        { "serve", required_argument, NULL, 's' },
        { "connect", required_argument, NULL, 'c' },
        { "insert", required_argument, NULL, 'i' },
        { "print", no_argument, NULL, 'p' },
        { "shutdown", no_argument, NULL, 'q' },
        { "authkey-file", required_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *keyfile = NULL;
    char msg[ARG_MSG_SIZE];
    int opt_char, demo_given = 0;

    opterr = 0;
    while ((opt_char = getopt_long(argc, argv, ":d:b:s:c:i:pqk:h", options, NULL)) != -1) {
        switch (opt_char) {
        case 'd':
            if (strcmp(optarg, "list") != 0 && strcmp(optarg, "dict") != 0)
                usage_error("invalid --demo '%s' (accepted: list, dict)", optarg);
            opt->demo_dict = strcmp(optarg, "dict") == 0;
            demo_given = 1;
            break;
        case 'b':
            if (arg_long(optarg, "--bench", 1, 10000000, &opt->bench, msg, sizeof msg) == -1)
                usage_error("%s", msg);
            break;
        case 's': opt->serve = optarg; parse_address(optarg, "--serve", 0, opt); break;
        case 'c': opt->connect = optarg; parse_address(optarg, "--connect", 1, opt); break;
        case 'i': opt->insert = 1; parse_record(optarg, opt); break;
        case 'p': opt->print = 1; break;
        case 'q': opt->shutdown = 1; break;
        case 'k': keyfile = optarg; break;
        case 'h':
            usage();
            exit(0);
        default:
            arg_getopt_problem(opt_char, argv, msg, sizeof msg);
            usage_error("%s", msg);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s' (session3 takes options only)", argv[optind]);
    check_combination(opt, demo_given, keyfile);
    if (opt->serve != NULL || opt->connect != NULL)
        read_key(keyfile, opt);
}

int main(int argc, char *argv[])
{
    static struct options opt;
    int rc;

    die_init("session3");
    parse_options(argc, argv, &opt);
    if (output_line_buffered() == -1)
        die("setvbuf");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");

    if (opt.serve != NULL)
        rc = run_serve(&opt);
    else if (opt.connect != NULL)
        rc = run_connect(&opt);
    else if (opt.bench > 0)
        rc = run_bench(&opt);
    else
        rc = run_story(&opt);
    return fflush(stdout) == 0 ? rc : 1;
}
