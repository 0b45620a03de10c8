/* test_session3_peers.c - session3 under hostile or broken peers: a client
 * that never reads its replies, a manager that goes silent or stops inside
 * a reply, a manager out of file descriptors or out of slots, IPv6 in
 * brackets, and key files that are unsafe or not files at all. Each test
 * fails on the bug it exists for; docs/testing.md lists the classes.
 */
#define _GNU_SOURCE             /* prlimit */
#include "testutil.h"

#include "auth.h"
#include "frame.h"
#include "protocol.h"
#include "proxy.h"
#include "server.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <msgpack.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEY "classroom secret"
#define KEYLEN 16

static char key_path[] = "/tmp/session3-peers-key-XXXXXX";
static struct spawned server;
static char port[16];

static void write_key(void)
{
    int fd = mkstemp(key_path);

    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(write(fd, KEY "\n", KEYLEN + 1), KEYLEN + 1);
    close(fd);
}

static void remove_key(void)
{
    unlink(key_path);
    strcpy(key_path, "/tmp/session3-peers-key-XXXXXX");
}

/* Starts `[shell prefix] session3 --serve ADDRESS` and reads the port it
 * announced after `announced` ("manager serving on 127.0.0.1:"). */
static void server_start_as(const char *prefix, const char *address, const char *announced)
{
    char script[512];
    char *argv[] = { "/bin/sh", "-c", script, NULL };

    write_key();
    snprintf(script, sizeof script, "%s exec session3/session3 --serve '%s' --authkey-file %s",
             prefix, address, key_path);
    ck_assert_int_eq(spawn_start(&server, argv), 0);
    ck_assert_int_eq(spawn_wait_for(&server, "\n", RUN_TIMEOUT), 0);
    ck_assert_msg(strncmp(server.out, announced, strlen(announced)) == 0,
                  "the manager announced '%s'", server.out);
    ck_assert_int_eq(sscanf(server.out + strlen(announced), "%15[0-9]", port), 1);
}

static void server_start(void)
{
    server_start_as("", "127.0.0.1:0", "manager serving on 127.0.0.1:");
}

/* SIGTERM, then the server's whole run in r (exit 143 expected). */
static void server_stop(struct run *r)
{
    ck_assert_int_eq(kill(server.pid, SIGTERM), 0);
    spawn_finish(&server, RUN_TIMEOUT, r);
    server.pid = 0;
    remove_key();
    ck_assert_int_eq(run_exit_code(r), 143);
    ck_assert_int_eq(r->strays, 0);
}

static void stop_a_server_left_running(void)
{
    if (server.pid > 0) {
        spawn_kill(&server);
    }
    remove_key();
}

/* A TCP connection to 127.0.0.1:port; rcvbuf > 0 makes its receive buffer
 * that small (before connect, so the window is small from the start). */
static int tcp_connect(const char *to_port, int rcvbuf)
{
    struct sockaddr_in addr = { .sin_family = AF_INET,
                                .sin_port = htons((uint16_t)atoi(to_port)) };
    struct timeval tv = { .tv_sec = RUN_TIMEOUT, .tv_usec = 0 };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ne(fd, -1);
    if (rcvbuf > 0)
        ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf), 0);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    return fd;
}

static void run_client(struct run *r, const char *address, const char *args)
{
    char cmd[512];

    snprintf(cmd, sizeof cmd, "session3/session3 --connect %s %s --authkey-file %s", address,
             args, key_path);
    run_cmd(r, cmd);
}

/* ------------------------------------------------------- a slow reader */

#define BIG_RECORDS 1000        /* each about 64 bytes packed: ~64 KiB per snapshot */

/* Makes the records list big, so that each "items" reply is ~64 KiB; returns
 * the size of one reply frame (header included). */
static size_t make_the_list_big(void)
{
    struct manager m;
    struct record r = { "", 0 };
    size_t frame;
    char *reply;
    size_t len;

    memset(r.name, 'x', RECORD_NAME_MAX - 5);
    ck_assert_int_eq(manager_connect(&m, "127.0.0.1", port, KEY, KEYLEN), 0);
    for (int i = 0; i < BIG_RECORDS; i++)
        ck_assert_int_eq(list_append_record(&m, PROTOCOL_RECORDS_ID, &r), 0);
    ck_assert_int_eq(frame_send(m.fd, "\x92\xa5items\x01", 8), 0);
    ck_assert_int_eq(frame_recv(m.fd, PROTOCOL_REPLY_MAX, &reply, &len), 1);
    frame = FRAME_HEADER_SIZE + len;
    free(reply);
    manager_close(&m);
    return frame;
}

/* n requests ["items", 1] in one write, from an authenticated connection
 * that then reads nothing; returns when the first reply byte has arrived,
 * so the manager is provably busy with this client's requests (it reads
 * all of them, queued before it started, in one go). */
static int flood_without_reading(int n)
{
    static const char request[] = "\x92\xa5items\x01";
    size_t one = FRAME_HEADER_SIZE + sizeof request - 1;
    char *all = malloc(one * (size_t)n);
    struct pollfd p;
    int fd = tcp_connect(port, 4096);

    ck_assert_int_eq(auth_client(fd, KEY, KEYLEN), 0);
    for (int i = 0; i < n; i++) {
        frame_encode_header(sizeof request - 1, (unsigned char *)all + i * one);
        memcpy(all + i * one + FRAME_HEADER_SIZE, request, sizeof request - 1);
    }
    ck_assert_int_eq(write(fd, all, one * (size_t)n), (ssize_t)(one * (size_t)n));
    free(all);
    p = (struct pollfd){ .fd = fd, .events = POLLIN };
    ck_assert_int_eq(poll(&p, 1, (int)(RUN_TIMEOUT * 1000)), 1);
    return fd;
}

/* A good client, served while the flooder's replies wait unread. */
static void good_client_is_served(void)
{
    struct manager m;
    size_t len;

    ck_assert_int_eq(manager_connect_within(&m, "127.0.0.1", port, KEY, KEYLEN, 5), 0);
    ck_assert_int_eq(proxy_len(&m, PROTOCOL_RECORDS_ID, &len), 0);
    ck_assert_uint_eq(len, 3 + BIG_RECORDS);
    manager_close(&m);
}

/* 24 replies (~1.5 MiB) left unread: more than the sockets buffer, less
 * than SERVER_OUTPUT_MAX. Another client is served meanwhile, and the slow
 * one still gets every reply when it reads at last. A manager that writes
 * replies with a blocking send() stalls in it (the other client waits), and
 * then gives the slow client up: its replies end early. */
START_TEST(a_client_that_does_not_read_does_not_stall_the_others)
{
    enum { REQUESTS = 24 };
    struct run r;
    size_t frame;
    int slow;

    server_start();
    frame = make_the_list_big();
    ck_assert_uint_lt(frame * REQUESTS, SERVER_OUTPUT_MAX);
    slow = flood_without_reading(REQUESTS);
    good_client_is_served();
    for (int i = 0; i < REQUESTS; i++) {
        char *reply;
        size_t len;

        ck_assert_msg(frame_recv(slow, PROTOCOL_REPLY_MAX, &reply, &len) == 1,
                      "reply %d of %d to the slow client is missing", i + 1, REQUESTS);
        ck_assert_uint_eq(FRAME_HEADER_SIZE + len, frame);
        free(reply);
    }
    close(slow);
    server_stop(&r);
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

/* 160 replies (~10 MiB) left unread: past the cap, that client alone is
 * dropped (fewer bytes than it asked for, then end of file), with one log
 * line; the other client is served. */
START_TEST(a_client_whose_replies_pile_up_past_the_cap_is_dropped_alone)
{
    enum { REQUESTS = 160 };
    static char buf[65536];
    size_t frame, got = 0;
    struct run r;
    ssize_t n;
    int slow;

    server_start();
    frame = make_the_list_big();
    ck_assert_uint_gt(frame * REQUESTS, 4 * SERVER_OUTPUT_MAX);
    slow = flood_without_reading(REQUESTS);
    good_client_is_served();
    while ((n = read(slow, buf, sizeof buf)) > 0)
        got += (size_t)n;
    ck_assert_msg(n == 0 || errno == ECONNRESET, "the manager never closed the slow client");
    ck_assert_uint_lt(got, frame * REQUESTS);
    close(slow);
    good_client_is_served();
    server_stop(&r);
    ck_assert_str_eq(r.err, "manager: client does not read its replies (over 2097152 bytes "
                     "waiting), connection closed\n");
    run_free(&r);
}
END_TEST

/* ------------------------------------------------- a silent or stopped manager */

/* A listening socket on 127.0.0.1 that nobody accepts from: the kernel
 * completes each connection, and then nothing is ever said. */
static int silent_listener(char out_port[16])
{
    struct sockaddr_in addr = { .sin_family = AF_INET };
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ne(fd, -1);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    ck_assert_int_eq(listen(fd, 8), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
    snprintf(out_port, 16, "%u", (unsigned)ntohs(addr.sin_port));
    return fd;
}

START_TEST(connect_to_a_silent_manager_gives_up_after_the_timeout)
{
    char address[64], silent_port[16];
    int listener = silent_listener(silent_port);
    struct run r;

    write_key();
    snprintf(address, sizeof address, "127.0.0.1:%s", silent_port);
    run_client(&r, address, "--print --timeout 1");
    ck_assert_msg(!r.timed_out, "the client waited for ever");
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "session3: connect: no answer from the manager within 1 s\n");
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
    close(listener);
}
END_TEST

/* A fake manager in a child: accepts one client, authenticates it as the
 * real one does, reads its request, sends the first half of a reply, and
 * then either stays silent or exits. Reports by exit status. */
static int fake_manager(int listener, int then_exit)
{
    unsigned char header[FRAME_HEADER_SIZE];
    int fd = accept(listener, NULL, NULL);
    char *request;
    size_t len;

    if (fd == -1 || auth_deliver_challenge(fd, KEY, KEYLEN) == -1
        || auth_answer_challenge(fd, KEY, KEYLEN) == -1
        || frame_recv(fd, (size_t)PROTOCOL_REQUEST_MAX, &request, &len) != 1)
        return 1;
    free(request);
    frame_encode_header(100, header);
    if (write(fd, header, sizeof header) != 4 || write(fd, "\x92\xa2ok\xdc", 5) != 5)
        return 2;
    if (then_exit)
        return 0;
    pause();
    return 3;
}

/* Runs the client with options against a peer forked to play
 * peer(listener, arg) on a port of its own; then kills the peer and asserts
 * it had not failed (exit 0, or killed while it waited). */
static void client_against(int (*peer)(int listener, int arg), int arg, const char *options,
                           struct run *r)
{
    char address[64], port[16];
    int listener = silent_listener(port), status;
    pid_t pid;

    write_key();
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0)
        _exit(peer(listener, arg));
    snprintf(address, sizeof address, "127.0.0.1:%s", port);
    run_client(r, address, options);
    kill(pid, SIGKILL);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) || WEXITSTATUS(status) == 0,
                  "the fake peer failed with %d", WEXITSTATUS(status));
    close(listener);
}

START_TEST(connect_to_a_manager_that_stops_inside_a_reply_ends_with_one_line)
{
    static const char *const expected[] = {
        "session3: records: no answer from the manager within 1 s\n",
        "session3: records: the manager closed the connection\n",
    };
    struct run r;

    client_against(fake_manager, _i, "--print --timeout 1", &r);
    ck_assert_msg(!r.timed_out, "the client waited for ever");
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, expected[_i]);
    run_free(&r);
}
END_TEST

/* What an SSH server says first, then it waits for the client's banner. */
static int ssh_server(int listener, int unused)
{
    static const char banner[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
    int fd = accept(listener, NULL, NULL);

    (void)unused;
    if (fd == -1 || write(fd, banner, sizeof banner - 1) != (ssize_t)sizeof banner - 1)
        return 1;
    pause();
    return 0;
}

/* A server of another protocol (here: what an SSH server says first): its
 * greeting read as a frame length is about 1.4 GB. The client says the peer
 * does not speak the manager's protocol, not "Message too long". */
START_TEST(connect_to_a_server_that_is_not_a_manager_says_so)
{
    struct run r;

    client_against(ssh_server, 0, "--print --timeout 5", &r);
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "session3: connect: the peer does not speak the manager's protocol "
                     "(is it a session3 --serve?)\n");
    run_free(&r);
}
END_TEST

/* Any client holding the key can choose a record's name. One with a newline
 * and "Name: Mallory" after it must not show as a second record, and every
 * control byte (0x00 cannot be in a command-line argument: it ends the
 * string) must reach the terminal escaped, as Python's repr shows it. */
START_TEST(a_name_with_control_characters_is_printed_escaped_and_forges_nothing)
{
    char name[64], arg[80], expected[512], *p = expected;
    struct run r;
    int names = 0;

    server_start();
    /* A forged record first, then every control byte but NUL, 8 per name. */
    for (int first = -1; first < 0x20; first += first < 0 ? 1 : 8) {
        char address[64];
        int n = 0;

        if (first < 0)
            n = snprintf(name, sizeof name, "Eve\nName: Mallory\nScore: 1000000");
        else
            for (int c = first; c < first + 8 && c < 0x20; c++)
                name[n++] = (char)(c == 0 ? 0x7f : c);      /* 0x7f stands in for 0x00 */
        name[n] = '\0';
        snprintf(arg, sizeof arg, "--insert=%s:7", name);
        snprintf(address, sizeof address, "127.0.0.1:%s", port);
        {
            char *argv[] = { "session3/session3", "--connect", address, arg,
                             "--authkey-file", key_path, NULL };

            run_argv(&r, argv);
        }
        ck_assert_msg(run_exit_code(&r) == 0, "insert of name %d failed: %s", names, r.err);
        run_free(&r);
        names++;
    }
    {
        char address[64];

        snprintf(address, sizeof address, "127.0.0.1:%s", port);
        run_client(&r, address, "--print");
    }
    ck_assert_int_eq(run_exit_code(&r), 0);
    p += sprintf(p, "Name: Eve\\nName: Mallory\\nScore: 1000000\nScore: 7\n\n");
    p += sprintf(p, "Name: \\x7f\\x01\\x02\\x03\\x04\\x05\\x06\\x07\nScore: 7\n\n");
    p += sprintf(p, "Name: \\x08\\t\\n\\x0b\\x0c\\r\\x0e\\x0f\nScore: 7\n\n");
    p += sprintf(p, "Name: \\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\nScore: 7\n\n");
    sprintf(p, "Name: \\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f\nScore: 7\n\n");
    ck_assert_ptr_nonnull(strstr(r.out, expected));
    for (const char *c = r.out; *c != '\0'; c++)
        ck_assert_msg(*c == '\n' || ((unsigned char)*c >= 0x20 && *c != 0x7f),
                      "a raw control byte 0x%02x reached the terminal", (unsigned char)*c);
    run_free(&r);
    server_stop(&r);
    run_free(&r);
}
END_TEST

/* A score is a 64-bit integer: both ends of the range go in and come back
 * exactly; one past either end is refused as bad usage. */
START_TEST(a_record_holds_the_largest_and_smallest_64_bit_scores)
{
    char address[64];
    struct run r;

    server_start();
    snprintf(address, sizeof address, "127.0.0.1:%s", port);
    run_client(&r, address, "--insert Max:9223372036854775807");
    ck_assert_msg(run_exit_code(&r) == 0, "INT64_MAX refused: %s", r.err);
    run_free(&r);
    run_client(&r, address, "--insert Min:-9223372036854775808");
    ck_assert_msg(run_exit_code(&r) == 0, "INT64_MIN refused: %s", r.err);
    run_free(&r);
    run_client(&r, address, "--insert Over:9223372036854775808");
    ck_assert_int_eq(run_exit_code(&r), 2);
    run_free(&r);
    run_client(&r, address, "--insert Under:-9223372036854775809");
    ck_assert_int_eq(run_exit_code(&r), 2);
    run_free(&r);
    run_client(&r, address, "--print");
    ck_assert_ptr_nonnull(strstr(r.out, "Name: Max\nScore: 9223372036854775807\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "Name: Min\nScore: -9223372036854775808\n"));
    run_free(&r);
    server_stop(&r);
    run_free(&r);
}
END_TEST

/* ------------------------------------------------- out of memory */

/* Appends n records of 60-byte names through one connection, 1000 requests
 * per write, each batch's replies read before the next is sent. */
static void append_many(int fd, int n)
{
    enum { BATCH = 1000 };
    msgpack_sbuffer one, all;
    msgpack_packer pk;
    char name[61];

    memset(name, 'y', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    msgpack_sbuffer_init(&one);
    msgpack_packer_init(&pk, &one, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 3);
    msgpack_pack_str_with_body(&pk, "append", 6);
    msgpack_pack_uint64(&pk, PROTOCOL_RECORDS_ID);
    msgpack_pack_array(&pk, 2);
    msgpack_pack_str_with_body(&pk, name, sizeof name - 1);
    msgpack_pack_int64(&pk, 1);
    msgpack_sbuffer_init(&all);
    for (int i = 0; i < BATCH; i++) {
        unsigned char header[FRAME_HEADER_SIZE];

        frame_encode_header((uint32_t)one.size, header);
        msgpack_sbuffer_write(&all, (const char *)header, sizeof header);
        msgpack_sbuffer_write(&all, one.data, one.size);
    }
    for (int done = 0; done < n; done += BATCH) {
        ck_assert_int_eq(write(fd, all.data, all.size), (ssize_t)all.size);
        for (int i = 0; i < BATCH; i++) {
            char *reply;
            size_t len;

            ck_assert_int_eq(frame_recv(fd, PROTOCOL_REPLY_MAX, &reply, &len), 1);
            free(reply);
        }
    }
    msgpack_sbuffer_destroy(&one);
    msgpack_sbuffer_destroy(&all);
}

static long vm_size_kb(pid_t pid)
{
    char value[64];

    return proc_status(pid, "VmSize:", value, sizeof value) == 0 ? strtol(value, NULL, 10) : -1;
}

/* The manager runs out of memory building a reply (its address space is
 * capped, with prlimit, a little above what it uses, and the "items" reply
 * of 40000 records needs megabytes): the client must get the reply
 * "out of memory", and the manager's log must say so, instead of a
 * connection closed without a word. */
START_TEST(a_manager_out_of_memory_sends_and_logs_its_reply)
{
    struct manager m;
    struct record *records = NULL;
    struct rlimit cap;
    struct run r;
    size_t count;
    long kb;
    int rc;

    if (under_a_memory_checker()) {
        printf("session3: the address-space cap is not tried under a memory checker\n");
        return;
    }
    server_start();
    ck_assert_int_eq(manager_connect(&m, "127.0.0.1", port, KEY, KEYLEN), 0);
    append_many(m.fd, 40000);
    kb = vm_size_kb(server.pid);
    ck_assert_int_gt(kb, 0);
    cap.rlim_cur = cap.rlim_max = (rlim_t)(kb + 512) * 1024;
    ck_assert_int_eq(prlimit(server.pid, RLIMIT_AS, &cap, NULL), 0);
    rc = list_records(&m, PROTOCOL_RECORDS_ID, &records, &count);
    free(records);
    manager_close(&m);
    server_stop(&r);
    ck_assert_msg(rc == PROXY_REFUSED && strcmp(m.error, "out of memory") == 0,
                  "items with no memory left: rc %d, error '%s', the manager said '%s'", rc,
                  rc == PROXY_REFUSED ? m.error : strerror(errno), r.err);
    ck_assert_str_eq(r.err, "manager: out of memory handling a request: replied so, "
                     "connection closed\n");
    run_free(&r);
}
END_TEST

/* ------------------------------------------------- no room: slots, descriptors */

#define MAX_HELD 200

/* Connects authenticated proxies until the manager refuses one; returns how
 * many it accepted (all still held in m). */
static int fill_the_manager(struct manager m[MAX_HELD])
{
    int held = 0, rc = 0;
    struct manager extra;

    while (held < MAX_HELD) {
        rc = manager_connect_within(&m[held], "127.0.0.1", port, KEY, KEYLEN, 5);
        if (rc != 0)
            break;
        held++;
    }
    ck_assert_int_lt(held, MAX_HELD);
    extra = m[held];
    ck_assert_msg(rc == PROXY_REFUSED, "connection %d: rc %d, errno %s", held + 1, rc,
                  strerror(errno));
    ck_assert_str_eq(extra.error, "server full, try again later");
    return held;
}

static void release(struct manager m[], int held)
{
    for (int i = 0; i < held; i++)
        manager_close(&m[i]);
}

/* Every slot taken by an authenticated client: the next client is told the
 * server is full (before, it read a closed connection as "Protocol error"),
 * and every client already there is still served. */
START_TEST(a_client_refused_for_want_of_a_slot_is_told_the_server_is_full)
{
    static struct manager m[MAX_HELD];
    char address[64];
    struct run r;
    size_t len;
    int held;

    server_start();
    held = fill_the_manager(m);
    ck_assert_int_eq(held, SERVER_MAX_CONNECTIONS);
    snprintf(address, sizeof address, "127.0.0.1:%s", port);
    run_client(&r, address, "--print");
    ck_assert_int_eq(run_exit_code(&r), 1);
    ck_assert_str_eq(r.err, "session3: connect: the manager replied: server full, try again "
                     "later\n");
    run_free(&r);
    ck_assert_int_eq(proxy_len(&m[0], PROTOCOL_RECORDS_ID, &len), 0);
    ck_assert_int_eq(proxy_len(&m[held - 1], PROTOCOL_RECORDS_ID, &len), 0);
    release(m, held);
    server_stop(&r);
    run_free(&r);
}
END_TEST

/* The manager started with `ulimit -n 24`: once its descriptors are used
 * up, accept() fails with EMFILE. It must not spin on the listener (which
 * stays readable) and leave the newcomer waiting: it closes its reserve
 * descriptor, accepts, says the server is full, and goes on serving. */
START_TEST(a_manager_out_of_descriptors_refuses_clearly_and_serves_the_rest)
{
    static struct manager m[MAX_HELD];
    struct run r;
    size_t len;
    int held;

    server_start_as("ulimit -n 24 &&", "127.0.0.1:0", "manager serving on 127.0.0.1:");
    held = fill_the_manager(m);
    ck_assert_int_gt(held, 0);
    ck_assert_int_lt(held, 24);
    ck_assert_int_eq(proxy_len(&m[0], PROTOCOL_RECORDS_ID, &len), 0);
    /* Refused again, and again answered: the reserve came back each time. */
    {
        struct manager again;

        ck_assert_int_eq(manager_connect_within(&again, "127.0.0.1", port, KEY, KEYLEN, 5),
                         PROXY_REFUSED);
    }
    /* One client leaves: the next one gets its place. */
    manager_close(&m[held - 1]);
    ck_assert_int_eq(manager_connect_within(&m[held - 1], "127.0.0.1", port, KEY, KEYLEN, 5),
                     0);
    ck_assert_int_eq(proxy_len(&m[held - 1], PROTOCOL_RECORDS_ID, &len), 0);
    release(m, held);
    server_stop(&r);
    ck_assert_ptr_nonnull(strstr(r.err, "manager: out of file descriptors, refused one\n"));
    run_free(&r);
}
END_TEST

/* ------------------------------------------------- IPv6 in brackets */

START_TEST(serve_and_connect_accept_ipv6_in_brackets)
{
    char address[64];
    struct run r;

    server_start_as("", "[::1]:0", "manager serving on [::1]:");
    snprintf(address, sizeof address, "'[::1]:%s'", port);
    run_client(&r, address, "--print");
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_str_eq(r.out, "Name: Sam\nScore: 10\n\nName: Adam\nScore: 9\n\n"
                     "Name: Kevin\nScore: 9\n\n");
    run_free(&r);
    server_stop(&r);
    run_free(&r);
}
END_TEST

/* ------------------------------------------------- key files */

/* A key that group or others may read is refused with one line, exit 1,
 * before anything listens. */
START_TEST(a_key_file_open_to_other_users_is_refused)
{
    /* Readable, and also only writable or only searchable, by the group or
     * others: a key someone else can replace is no secret either. */
    static const mode_t modes[] = { 0644, 0640, 0604, 0660, 0620, 0602, 0610, 0601 };
    char cmd[256], expected[256];

    write_key();
    ck_assert_int_eq(chmod(key_path, modes[_i]), 0);
    snprintf(cmd, sizeof cmd, "session3/session3 --serve 127.0.0.1:0 --authkey-file %s",
             key_path);
    snprintf(expected, sizeof expected, "session3: --authkey-file '%s' is open to other users "
             "(mode %04o); make it private: chmod 600 '%s'\n", key_path, (unsigned)modes[_i],
             key_path);
    assert_run(cmd, 1, "", expected);
}
END_TEST

/* A FIFO nobody writes to: opening it for reading would wait for a writer
 * for ever; it is refused at once instead. */
START_TEST(a_key_file_that_is_a_fifo_is_refused_not_waited_on)
{
    char fifo[] = "/tmp/session3-peers-fifo-XXXXXX", cmd[256], expected[256];
    int fd = mkstemp(fifo);

    ck_assert_int_ne(fd, -1);
    close(fd);
    unlink(fifo);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    snprintf(cmd, sizeof cmd, "session3/session3 --connect 127.0.0.1:1 --print "
             "--authkey-file %s", fifo);
    snprintf(expected, sizeof expected, "session3: --authkey-file '%s' is a FIFO (accepted: "
             "a regular file)", fifo);
    assert_bad_usage(cmd, expected);
    unlink(fifo);
}
END_TEST

START_TEST(an_empty_key_file_is_refused)
{
    char cmd[256];
    int fd = mkstemp(key_path);

    ck_assert_int_ne(fd, -1);
    close(fd);
    snprintf(cmd, sizeof cmd, "session3/session3 --serve 127.0.0.1:0 --authkey-file %s",
             key_path);
    assert_bad_usage(cmd, "session3: the authkey is empty (accepted: at least one byte)");
}
END_TEST

TEST_SUITE(session3_peers)
{
    TCase *tc = add_case(s, "peers", 30, a_client_that_does_not_read_does_not_stall_the_others,
                         a_client_whose_replies_pile_up_past_the_cap_is_dropped_alone,
                         connect_to_a_silent_manager_gives_up_after_the_timeout,
                         a_client_refused_for_want_of_a_slot_is_told_the_server_is_full,
                         a_manager_out_of_descriptors_refuses_clearly_and_serves_the_rest,
                         serve_and_connect_accept_ipv6_in_brackets,
                         a_key_file_that_is_a_fifo_is_refused_not_waited_on,
                         an_empty_key_file_is_refused,
                         a_name_with_control_characters_is_printed_escaped_and_forges_nothing,
                         a_record_holds_the_largest_and_smallest_64_bit_scores,
                         a_manager_out_of_memory_sends_and_logs_its_reply,
                         connect_to_a_server_that_is_not_a_manager_says_so);

    tcase_add_checked_fixture(tc, NULL, stop_a_server_left_running);
    tcase_add_loop_test(tc, connect_to_a_manager_that_stops_inside_a_reply_ends_with_one_line,
                        0, 2);
    tcase_add_loop_test(tc, a_key_file_open_to_other_users_is_refused, 0, 8);
}
