/* test_session3.c - session3 as a user runs it: the story, and a --serve
 * manager on 127.0.0.1 with many clients, wrong keys and hostile bytes;
 * then signals (while serving, and mid-story), clients killed at random
 * points, and 32 clients at once. docs/testing.md explains them.
 */
#include "testutil.h"

#include "auth.h"
#include "frame.h"
#include "protocol.h"
#include "proxy.h"
#include "server.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STORY_RECORDS "Name: Sam\nScore: 10\n\n" \
                      "Name: Adam\nScore: 9\n\n" \
                      "Name: Kevin\nScore: 9\n\n"

START_TEST(default_output_is_the_tutorials)
{
    assert_run("session3/session3", 0,
               "New record added!\n\n" STORY_RECORDS "Name: Jeff\nScore: 8\n\n",
               "");
}
END_TEST

START_TEST(demo_dict_tells_the_same_story)
{
    assert_run("session3/session3 --demo dict", 0,
               "New record added!\n\n" STORY_RECORDS "Name: Jeff\nScore: 8\n\n",
               "");
}
END_TEST

HELP_TEST(help_goes_to_stdout_and_exits_0, "session3/session3",
          "--verbose", "--demo", "--bench", "--serve", "[::1]:5000", "--connect", "--insert",
          "--print", "--shutdown", "--timeout", "default: 10", "--authkey-file", "chmod 600")

/* The lesson file is the story and nothing else: at most 150 lines, and
 * the socket pairs and the processes' start and join in plain sight. */
START_TEST(lesson_file_is_at_most_150_lines_and_shows_its_calls)
{
    static const char *const calls[] = { "socketpair(AF_UNIX, SOCK_STREAM", "manager_list(",
                                         "list_append_record(", "list_records(",
                                         "manager_shutdown(", "join_or_fail(p1", NULL };
    FILE *f = fopen("session3/session3.c", "r");
    static char text[65536];
    size_t len;
    int lines = 0;

    ck_assert_ptr_nonnull(f);
    len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    ck_assert_int_le(lines, 150);
    for (int i = 0; calls[i] != NULL; i++)
        ck_assert_msg(strstr(text, calls[i]) != NULL, "the lesson does not call %s", calls[i]);
}
END_TEST

/* The Python twin (session3/session3.py) prints exactly what the C lesson
 * prints, byte for byte. */
START_TEST(python_twin_prints_the_same_story)
{
    assert_same_as_twin("session3/session3.py", "session3/session3");
}
END_TEST

/* Splits "[p1 pid 12, parent 11] text" into its parts; 0 when the line
 * has no such tag. */
static int parse_tag(const char *line, char who[8], long *pid, long *parent, int *text_at)
{
    return sscanf(line, "[%7[p12] pid %ld, parent %ld] %n", who, pid, parent, text_at) == 3;
}

/* --verbose tags every line a child prints with that child's pid and its
 * parent's: p1 and p2 are two processes, both children of one parent, and
 * without the tags the text is the tutorial's. */
START_TEST(verbose_tags_each_child_line_with_its_pid_and_parent)
{
    const char *args = _i == 0 ? "session3/session3 --verbose"
                               : "session3/session3 -v --demo dict";
    char *copy, *save, *line, untagged[4096] = "", who[8];
    size_t used = 0;
    long pid, parent, pids[2] = { 0, 0 }, first_parent = 0;
    int text_at, tagged = 0;
    struct run r;

    run_checked(&r, args, 0);
    copy = strdup(r.out);
    for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        ck_assert_msg(parse_tag(line, who, &pid, &parent, &text_at), "untagged '%s'", line);
        ck_assert(strcmp(who, "p1") == 0 || strcmp(who, "p2") == 0);
        ck_assert_int_ne(pid, parent);
        if (first_parent == 0)
            first_parent = parent;
        ck_assert_int_eq(parent, first_parent);
        if (pids[who[1] - '1'] == 0)
            pids[who[1] - '1'] = pid;
        ck_assert_int_eq(pids[who[1] - '1'], pid);      /* one pid per child */
        used += (size_t)snprintf(untagged + used, sizeof untagged - used, "%s\n", line + text_at);
        ck_assert_uint_lt(used, sizeof untagged);
        tagged++;
    }
    ck_assert_int_eq(tagged, 9);                /* one line of p1, eight of p2 */
    ck_assert_int_ne(pids[0], pids[1]);
    ck_assert_str_eq(untagged, "New record added!\n" "Name: Sam\nScore: 10\n"
                     "Name: Adam\nScore: 9\n" "Name: Kevin\nScore: 9\n"
                     "Name: Jeff\nScore: 8\n");
    free(copy);
    run_free(&r);
}
END_TEST

START_TEST(bench_prints_both_measurements)
{
    assert_prints("session3/session3 --bench 100", 0, "manager list append:     100 calls",
                  "shared memory write:     100 writes");
}
END_TEST

static const struct bad_usage bad_inputs[] = {
    { "session3/session3 --serve 127.0.0.1:0",
      "session3: --serve needs an authkey: give --authkey-file FILE or set MANAGER_AUTHKEY" },
    { "session3/session3 --demo set", "session3: invalid --demo 'set' (accepted: list, dict)" },
    { "session3/session3 --serve nowhere --authkey-file /dev/null",
      "session3: invalid --serve 'nowhere'" },
    { "session3/session3 --serve 127.0.0.1:70000 --authkey-file /dev/null",
      "session3: port 70000 is out of range" },
    { "session3/session3 --serve 127.0.0.1:0 --authkey-file /dev/null",
      "session3: --authkey-file '/dev/null' is a character device (accepted: a regular file)" },
    { "session3/session3 --serve 127.0.0.1:0 --authkey-file /nonexistent/key",
      "session3: cannot open --authkey-file '/nonexistent/key'" },
    { "session3/session3 --serve 127.0.0.1:0 --authkey-file /",
      "session3: --authkey-file '/' is a directory (accepted: a regular file)" },
    { "session3/session3 --serve [::1 --authkey-file /dev/null",
      "session3: invalid --serve '[::1' (accepted: HOST:PORT or [IPV6]:PORT" },
    { "session3/session3 --serve []:5000 --authkey-file /dev/null",
      "session3: invalid --serve '[]:5000'" },
    { "session3/session3 --connect [::1]5000 --print", "session3: invalid --connect '[::1]5000'" },
    { "session3/session3 --connect 127.0.0.1:1 --print --timeout 0",
      "session3: --timeout 0 is out of range" },
    { "session3/session3 --timeout 5", "session3: --timeout goes with --connect" },
    { "session3/session3 --verbose --bench 5", "session3: --verbose tags the lines" },
    { "session3/session3 --connect 127.0.0.1:1", "session3: --connect needs exactly one of" },
    { "session3/session3 --insert Jeff:8",
      "session3: --insert, --print and --shutdown need --connect" },
    { "session3/session3 --connect 127.0.0.1:1 --insert Jeff",
      "session3: invalid --insert 'Jeff'" },
    { "session3/session3 --connect 127.0.0.1:1 --insert Jeff:x",
      "session3: invalid number 'x' for score" },
    { "session3/session3 --serve 127.0.0.1:0 --connect 127.0.0.1:1",
      "session3: --serve and --connect cannot be used together" },
    { "session3/session3 --bench 0", "session3: --bench 0 is out of range" },
    { "session3/session3 extra", "session3: unexpected argument 'extra'" },
    { "session3/session3 --nope", "session3: unknown or misused option '--nope'" },
};

BAD_USAGE_TEST(bad_input_exits_2_with_one_line, bad_inputs)

/* ---------------------------------------------------------------- --serve */

static char key_path[] = "/tmp/session3-test-key-XXXXXX";
static char wrong_key_path[] = "/tmp/session3-test-wrongkey-XXXXXX";
static struct spawned server;
static char port[16];

static void write_key(char *path, const char *key)
{
    int fd = mkstemp(path);

    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(write(fd, key, strlen(key)), (ssize_t)strlen(key));
    close(fd);
}

/* Removes the key files, and makes the names templates for mkstemp again:
 * with CK_FORK=no (check-valgrind) every test runs in this one process. */
static void remove_keys(void)
{
    unlink(key_path);
    unlink(wrong_key_path);
    strcpy(key_path, "/tmp/session3-test-key-XXXXXX");
    strcpy(wrong_key_path, "/tmp/session3-test-wrongkey-XXXXXX");
}

/* Starts `session3 --serve 127.0.0.1:0` and reads the port it printed. */
static void server_start(void)
{
    char *argv[] = { "session3/session3", "--serve", "127.0.0.1:0",
                     "--authkey-file", key_path, NULL };
    const char *colon;

    write_key(key_path, "classroom secret\n");
    write_key(wrong_key_path, "not the secret\n");
    ck_assert_int_eq(spawn_start(&server, argv), 0);
    ck_assert_int_eq(spawn_wait_for(&server, "\n", RUN_TIMEOUT), 0);
    ck_assert_int_eq(strncmp(server.out, "manager serving on 127.0.0.1:", 29), 0);
    colon = strrchr(server.out, ':');
    ck_assert_int_eq(sscanf(colon + 1, "%15[0-9]", port), 1);
}

/* Sends sig to the server (to its whole process group when whole_group,
 * as Ctrl-C does), waits for it to end, and removes the key files. */
static void server_stop_with(int sig, int whole_group, struct run *r)
{
    ck_assert_int_eq(kill(whole_group ? -server.pid : server.pid, sig), 0);
    spawn_finish(&server, RUN_TIMEOUT, r);
    server.pid = 0;
    remove_keys();
}

static void server_stop_with_sigterm(struct run *r)
{
    server_stop_with(SIGTERM, 0, r);
}

#define CLIENT_CMD_SIZE 512

/* The command line of `session3 --connect` to the server started, with args. */
static const char *client_cmd(char cmd[CLIENT_CMD_SIZE], const char *args, const char *keyfile)
{
    snprintf(cmd, CLIENT_CMD_SIZE,
             "session3/session3 --connect 127.0.0.1:%s %s --authkey-file %s", port, args,
             keyfile);
    return cmd;
}

/* assert_run of that client. */
static void assert_client(const char *args, const char *keyfile, int exit_code,
                          const char *out, const char *err)
{
    char cmd[CLIENT_CMD_SIZE];

    assert_run(client_cmd(cmd, args, keyfile), exit_code, out, err);
}

static void connect_proxy(struct manager *m)
{
    ck_assert_int_eq(manager_connect(m, "127.0.0.1", port, "classroom secret", 16), 0);
}

START_TEST(serve_and_connect_tell_the_story_across_processes)
{
    struct run r;

    server_start();
    assert_client("--insert Jeff:8", key_path, 0, "New record added!\n\n", NULL);
    assert_client("--print", key_path, 0, STORY_RECORDS "Name: Jeff\nScore: 8\n\n", NULL);
    server_stop_with_sigterm(&r);
    ck_assert_int_eq(run_exit_code(&r), 143);
    ck_assert_int_eq(r.strays, 0);
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

/* The load test: LOAD_CLIENTS processes append LOAD_RECORDS distinct
 * records each, all at once, through the C proxies. */
#define LOAD_CLIENTS 32
#define LOAD_RECORDS 500

/* A child process of the test: one client, its appends ("clientNN", 0),
 * ("clientNN", 1), ...; the exit status says how it went (no ck_assert in a
 * child). */
static int append_records(int client)
{
    struct manager m;

    if (manager_connect(&m, "127.0.0.1", port, "classroom secret", 16) != 0)
        return 1;
    for (int i = 0; i < LOAD_RECORDS; i++) {
        struct record r = { "", i };

        snprintf(r.name, sizeof r.name, "client%02d", client);
        if (list_append_record(&m, PROTOCOL_RECORDS_ID, &r) != 0)
            return 2;
    }
    return manager_close(&m) == 0 ? 0 : 3;
}

/* Each of the 16000 records must be in the list exactly once: the count
 * says none is lost, the marks say none is there twice. */
START_TEST(thirty_two_concurrent_clients_500_appends_each_all_present_once)
{
    static unsigned char seen[LOAD_CLIENTS][LOAD_RECORDS];
    struct record *records;
    struct manager m;
    struct run r;
    pid_t pids[LOAD_CLIENTS];
    size_t count;
    int status;

    server_start();
    /* One connection first, from this process: OpenSSL's HMAC is then set up
     * before the fork, not 32 times at once in the children (under valgrind
     * on a busy machine that took longer than the manager's 10 s limit for
     * authenticating). */
    connect_proxy(&m);
    manager_close(&m);
    for (int c = 0; c < LOAD_CLIENTS; c++) {
        pids[c] = fork();
        ck_assert_int_ne(pids[c], -1);
        if (pids[c] == 0)
            _exit(append_records(c));
    }
    for (int c = 0; c < LOAD_CLIENTS; c++) {
        ck_assert_int_eq(waitpid(pids[c], &status, 0), pids[c]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "client %d failed", c);
    }
    connect_proxy(&m);
    ck_assert_int_eq(list_records(&m, PROTOCOL_RECORDS_ID, &records, &count), 0);
    ck_assert_uint_eq(count, 3 + LOAD_CLIENTS * LOAD_RECORDS);
    for (size_t i = 3; i < count; i++) {
        int c;

        ck_assert_int_eq(sscanf(records[i].name, "client%d", &c), 1);
        ck_assert(c >= 0 && c < LOAD_CLIENTS && records[i].score >= 0
                  && records[i].score < LOAD_RECORDS);
        ck_assert_int_eq(seen[c][records[i].score], 0);        /* none twice */
        seen[c][records[i].score] = 1;
    }
    free(records);
    manager_close(&m);
    server_stop_with_sigterm(&r);
    ck_assert_int_eq(run_exit_code(&r), 143);
    run_free(&r);
}
END_TEST

START_TEST(wrong_key_is_rejected_while_a_good_client_works)
{
    struct run r;

    server_start();
    assert_client("--print", wrong_key_path, 1, "", "session3: authentication failed\n");
    assert_client("--print", key_path, 0, STORY_RECORDS, NULL);
    server_stop_with_sigterm(&r);
    ck_assert_int_eq(run_exit_code(&r), 143);
    ck_assert_str_eq(r.err, "manager: authentication failed, connection closed\n");
    run_free(&r);
}
END_TEST

/* A raw TCP connection to the server, with a receive timeout so that a
 * test fails instead of hanging if the server never closes it. */
static int raw_connect(void)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
    struct timeval tv = { .tv_sec = 5, .tv_usec = 0 };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ne(fd, -1);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* Reads until the server closes the connection: returns 1 when it did (a
 * reset counts: closing a socket with unread bytes in it sends RST), 0 when
 * the receive timeout passed first. */
static int server_hangs_up(int fd)
{
    char buf[256];
    ssize_t got;

    while ((got = read(fd, buf, sizeof buf)) > 0)
        continue;
    return got == 0 || errno == ECONNRESET;
}

static void good_client_still_served(void)
{
    assert_client("--print", key_path, 0, STORY_RECORDS, NULL);
}

/* More silent connections than the manager has slots, each accepted (its
 * challenge has arrived): a real client is still served at once, because
 * the manager closes the oldest connection that has not authenticated to
 * make room, instead of refusing newcomers until the silent ones time out. */
START_TEST(silent_connections_in_every_slot_do_not_lock_out_a_client)
{
    enum { SILENT = SERVER_MAX_CONNECTIONS + 2 };
    unsigned char header[FRAME_HEADER_SIZE];
    int fds[SILENT];
    struct run r;

    server_start();
    for (int i = 0; i < SILENT; i++) {
        fds[i] = raw_connect();
        ck_assert_int_eq(recv(fds[i], header, sizeof header, MSG_WAITALL),
                         (ssize_t)sizeof header);
    }
    good_client_still_served();
    ck_assert(server_hangs_up(fds[0]));     /* the oldest made room first */
    for (int i = 0; i < SILENT; i++)
        close(fds[i]);
    server_stop_with_sigterm(&r);
    ck_assert_int_eq(run_exit_code(&r), 143);
    ck_assert_ptr_nonnull(strstr(r.err, "every slot taken"));
    ck_assert_ptr_null(strstr(r.err, "refused"));
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

START_TEST(hostile_bytes_cost_only_their_own_connection)
{
    unsigned char header[FRAME_HEADER_SIZE];
    struct manager m;
    struct run r;
    int garbage, stalled, oversize, half;

    server_start();
    /* Garbage instead of an answer to the challenge. */
    garbage = raw_connect();
    ck_assert_int_eq(write(garbage, "GET / HTTP/1.0\r\n\r\n", 18), 18);
    ck_assert(server_hangs_up(garbage));
    close(garbage);
    /* Half a frame, then silence: the server serves others meanwhile. */
    stalled = raw_connect();
    frame_encode_header(100, header);
    ck_assert_int_eq(write(stalled, header, sizeof header), 4);
    ck_assert_int_eq(write(stalled, "abc", 3), 3);
    good_client_still_served();
    /* Half a frame, then a hang-up. */
    half = raw_connect();
    ck_assert_int_eq(write(half, header, 2), 2);
    close(half);
    /* An authenticated client announcing a 4 GiB request. */
    oversize = raw_connect();
    ck_assert_int_eq(auth_client(oversize, "classroom secret", 16), 0);
    frame_encode_header(UINT32_MAX, header);
    ck_assert_int_eq(write(oversize, header, sizeof header), 4);
    ck_assert(server_hangs_up(oversize));
    close(oversize);
    /* An authenticated request that is not MessagePack: an error reply. */
    connect_proxy(&m);
    ck_assert_int_eq(frame_send(m.fd, "garbage!", 8), 0);
    {
        char *reply;
        size_t len;

        ck_assert_int_eq(frame_recv(m.fd, 1024, &reply, &len), 1);
        ck_assert_uint_gt(len, 0);
        ck_assert_ptr_nonnull(strstr(reply, "malformed request")); /* no NUL before it */
        free(reply);
    }
    manager_close(&m);
    good_client_still_served();
    close(stalled);
    server_stop_with_sigterm(&r);
    ck_assert_int_eq(run_exit_code(&r), 143);
    ck_assert_int_eq(r.strays, 0);
    ck_assert_ptr_nonnull(strstr(r.err, "over the limit"));
    run_free(&r);
}
END_TEST

START_TEST(proxy_errors_come_back_as_error_returns)
{
    struct record rec;
    struct manager m;
    struct run r;
    int64_t score;

    server_start();
    connect_proxy(&m);
    ck_assert_int_eq(list_get_record(&m, PROTOCOL_RECORDS_ID, 3, &rec), PROXY_REFUSED);
    ck_assert_str_eq(m.error, "list index out of range");
    ck_assert_int_eq(list_get_record(&m, PROTOCOL_RECORDS_ID, -1, &rec), 0);
    ck_assert_str_eq(rec.name, "Kevin");
    ck_assert_int_eq(dict_get_score(&m, 42, "Sam", &score), PROXY_REFUSED);
    ck_assert_str_eq(m.error, "no such object");
    manager_close(&m);
    server_stop_with_sigterm(&r);
    run_free(&r);
}
END_TEST

START_TEST(shutdown_request_ends_the_server_with_status_0)
{
    struct run r;

    server_start();
    assert_client("--shutdown", key_path, 0, "", NULL);
    spawn_finish(&server, RUN_TIMEOUT, &r);
    server.pid = 0;
    ck_assert_int_eq(run_exit_code(&r), 0);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
    remove_keys();
}
END_TEST

/* ---------------------------------------------------------------- signals */

/* What the tests send: SIGINT, SIGTERM, and SIGINT to the whole process
 * group, as Ctrl-C in a terminal does. */
static const struct {
    int sig, whole_group;
} stops[] = { { SIGINT, 0 }, { SIGTERM, 0 }, { SIGINT, 1 } };
#define STOPS 3

/* A manager serving, with one authenticated client connected and idle:
 * a signal ends it at once, with 130 or 143 and nothing left behind. */
START_TEST(serving_manager_stops_on_sigint_sigterm_and_ctrl_c)
{
    struct manager m;
    struct run r;

    server_start();
    connect_proxy(&m);
    server_stop_with(stops[_i].sig, stops[_i].whole_group, &r);
    ck_assert_msg(!r.timed_out, "the manager did not stop on signal %d", stops[_i].sig);
    ck_assert_int_eq(run_exit_code(&r), 128 + stops[_i].sig);
    ck_assert_int_eq(r.strays, 0);
    ck_assert_str_eq(r.err, "");
    manager_close(&m);
    run_free(&r);
}
END_TEST

/* The story, held in the middle: its stdout is a pipe the test filled to the
 * brim before it started, so p1 blocks in printf("New record added!") and
 * cannot end. Then the manager child and p1 both exist, and the parent
 * waits for p1, for as long as the test likes. A shell puts the pipe on
 * the program's stdout (`exec` keeps the shell's PID, so the program is
 * still the leader of the process group testutil made). Returns the pipe's
 * read end. */
static int start_story_held_in_p1(struct spawned *s, const char *args)
{
    static const char fill[4096];
    char script[256];
    char *argv[] = { "/bin/sh", "-c", script, NULL };
    int fds[2];

    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(fcntl(fds[0], F_SETFD, FD_CLOEXEC), 0);
    ck_assert_int_eq(fcntl(fds[1], F_SETFL, O_NONBLOCK), 0);
    while (write(fds[1], fill, sizeof fill) > 0)
        continue;
    while (write(fds[1], fill, 1) > 0)      /* the last bytes of the last page */
        continue;
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(fcntl(fds[1], F_SETFL, 0), 0);    /* the program must block */
    snprintf(script, sizeof script, "exec session3/session3 %s >&%d %d>&-", args, fds[1],
             fds[1]);
    ck_assert_int_eq(spawn_start(s, argv), 0);
    close(fds[1]);
    return fds[0];
}

static const char *const story_args[] = { "", "--demo dict" };

/* The default run (and --demo dict) stopped while the manager child and p1
 * exist: exit 130/143, both children reaped. */
START_TEST(story_stops_on_signals_while_the_manager_and_p1_run)
{
    const char *args = story_args[_i / STOPS];
    int sig = stops[_i % STOPS].sig, held;
    struct spawned s;
    struct run r;

    held = start_story_held_in_p1(&s, args);
    ck_assert_msg(wait_for_children(s.pid, 2, RUN_TIMEOUT) == 0,
                  "session3 %s never had the manager and p1 running", args);
    ck_assert_int_eq(kill(stops[_i % STOPS].whole_group ? -s.pid : s.pid, sig), 0);
    spawn_finish(&s, RUN_TIMEOUT, &r);
    close(held);
    ck_assert_msg(!r.timed_out, "session3 %s did not stop on signal %d", args, sig);
    ck_assert_msg(run_exit_code(&r) == 128 + sig, "session3 %s: status 0x%x, stderr '%s'",
                  args, (unsigned)r.status, r.err);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* The control: the same held run, once the test reads the pipe, finishes
 * and prints the whole story, so the signal tests stopped a run that would
 * have succeeded. */
START_TEST(held_story_finishes_when_its_output_is_read)
{
    static char out[65536 + 4096];
    struct spawned s;
    struct run r;
    size_t got = 0;
    ssize_t n;
    int held = start_story_held_in_p1(&s, story_args[_i]);

    ck_assert_int_eq(wait_for_children(s.pid, 2, RUN_TIMEOUT), 0);
    while ((n = read(held, out + got, sizeof out - 1 - got)) > 0)
        got += (size_t)n;
    out[got] = '\0';
    close(held);
    finish_checked(&s, RUN_TIMEOUT, &r, 0);
    ck_assert_msg(got > 4096 && strcmp(out + got - strlen(STORY_RECORDS "Name: Jeff\nScore: 8\n\n")
                                       - strlen("New record added!\n\n"),
                                       "New record added!\n\n" STORY_RECORDS
                                       "Name: Jeff\nScore: 8\n\n") == 0,
                  "the story did not end its output as the tutorial does");
    run_free(&r);
}
END_TEST

/* ---------------------------------------------------------------- faults */

/* A client killed with SIGKILL at a point a seeded generator picks (so a
 * failure can be repeated with the same seed): anywhere among its appends,
 * with half a request sent, or before it authenticated. The manager must
 * keep serving everyone else and lose nothing that was acknowledged. */
enum victim_mode { KILL_ANYWHERE, KILL_IN_HALF_A_FRAME, KILL_IN_THE_HANDSHAKE };
#define VICTIMS 3               /* per seed, one after another */
#define FAULT_SEEDS 4

/* A TCP connection to the manager that says nothing: for a child process,
 * so it reports failure with -1 rather than ck_assert. */
static int raw_connect_quietly(void)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd == -1 || connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        return -1;
    return fd;
}

/* A new client process after the kills: --print works and shows the story's
 * records first. */
static void good_client_still_served_after_kills(void)
{
    char cmd[CLIENT_CMD_SIZE];
    struct run r;

    run_checked(&r, client_cmd(cmd, "--print", key_path), 0);
    ck_assert_int_eq(strncmp(r.out, STORY_RECORDS, strlen(STORY_RECORDS)), 0);
    run_free(&r);
}

/* A child process of the test: writes one byte to progress after each
 * acknowledged append of ("victimV", i); at stop_at, in the two held modes,
 * it sends its half and writes one more byte, then waits to be killed. */
static int victim(int v, int progress, enum victim_mode mode, int stop_at)
{
    unsigned char header[FRAME_HEADER_SIZE];
    struct manager m;

    if (mode == KILL_IN_THE_HANDSHAKE) {
        int fd = raw_connect_quietly();

        if (fd == -1 || write(progress, "h", 1) != 1)
            return 1;
        pause();
        return 2;
    }
    if (manager_connect(&m, "127.0.0.1", port, "classroom secret", 16) != 0)
        return 3;
    for (int i = 0; i < 100000; i++) {
        struct record r = { "", i };

        if (mode == KILL_IN_HALF_A_FRAME && i == stop_at) {
            frame_encode_header(100, header);
            if (write(m.fd, header, sizeof header) != 4 || write(m.fd, "\x93\xa6", 2) != 2
                || write(progress, "f", 1) != 1)
                return 4;
            pause();
            return 5;
        }
        snprintf(r.name, sizeof r.name, "victim%d", v);
        if (list_append_record(&m, PROTOCOL_RECORDS_ID, &r) != 0 || write(progress, "a", 1) != 1)
            return 6;
    }
    return 7;                   /* never: the test kills it long before */
}

/* Reads one byte of progress, waiting at most RUN_TIMEOUT: 1, or 0. */
static int read_progress(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    char c;

    return poll(&p, 1, (int)(RUN_TIMEOUT * 1000)) == 1 && read(fd, &c, 1) == 1;
}

/* Starts victim v, kills it where the seed says; returns how many of its
 * appends were acknowledged before the kill (each wrote its byte). */
static int kill_a_victim(int v, unsigned *seed, enum victim_mode *mode)
{
    int fds[2], status, acked = 0, stop_at;
    pid_t pid;

    *mode = (enum victim_mode)(rand_r(seed) % 3);
    stop_at = (int)(rand_r(seed) % 200);
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        close(fds[0]);
        _exit(victim(v, fds[1], *mode, stop_at));
    }
    close(fds[1]);
    if (*mode == KILL_ANYWHERE) {
        while (acked < stop_at && read_progress(fds[0]))
            acked++;
        ck_assert_int_eq(acked, stop_at);
    } else {
        acked = *mode == KILL_IN_HALF_A_FRAME ? stop_at : 0;
        for (int i = 0; i < acked; i++)
            ck_assert(read_progress(fds[0]));
        ck_assert_msg(read_progress(fds[0]), "victim %d never got to its half", v);
    }
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "victim %d ended by itself with status 0x%x", v, (unsigned)status);
    /* Running free, it may have had more appends acknowledged meanwhile. */
    while (*mode == KILL_ANYWHERE && read_progress(fds[0]))
        acked++;
    close(fds[0]);
    return acked;
}

START_TEST(a_client_killed_at_a_random_point_costs_only_its_own_connection)
{
    unsigned seed = (unsigned)_i + 1;
    int acked[VICTIMS], found[VICTIMS] = { 0 }, others = 0;
    enum victim_mode mode[VICTIMS];
    struct record *records, mine = { "other", 0 };
    struct manager other, m;
    struct run r;
    size_t count;

    server_start();
    connect_proxy(&other);      /* connected before, through all the kills */
    for (int v = 0; v < VICTIMS; v++) {
        acked[v] = kill_a_victim(v, &seed, &mode[v]);
        mine.score = v;
        ck_assert_int_eq(list_append_record(&other, PROTOCOL_RECORDS_ID, &mine), 0);
    }
    good_client_still_served_after_kills();
    connect_proxy(&m);
    ck_assert_int_eq(list_records(&m, PROTOCOL_RECORDS_ID, &records, &count), 0);
    for (size_t i = 3; i < count; i++) {
        int v;

        if (strcmp(records[i].name, "other") == 0) {
            ck_assert_int_eq(records[i].score, others++);
            continue;
        }
        ck_assert_int_eq(sscanf(records[i].name, "victim%d", &v), 1);
        ck_assert(v >= 0 && v < VICTIMS);
        ck_assert_int_eq(records[i].score, found[v]++);  /* in order, none twice */
    }
    ck_assert_int_eq(others, VICTIMS);
    for (int v = 0; v < VICTIMS; v++)     /* all acknowledged; more only if killed mid-call */
        ck_assert_msg(mode[v] == KILL_ANYWHERE ? found[v] >= acked[v] && found[v] <= acked[v] + 1
                                               : found[v] == acked[v],
                      "seed %d victim %d (mode %d): %d acknowledged, %d stored", _i + 1, v,
                      (int)mode[v], acked[v], found[v]);
    free(records);
    manager_close(&m);
    manager_close(&other);
    server_stop_with_sigterm(&r);
    ck_assert_int_eq(run_exit_code(&r), 143);
    ck_assert_int_eq(r.strays, 0);
    run_free(&r);
}
END_TEST

/* After every "serve" test, also one that failed half-way: a failed
 * assertion leaves the test at once, and with CK_FORK=no (check-valgrind)
 * nothing else would stop a server it had started. */
static void stop_a_server_left_running(void)
{
    if (server.pid > 0) {
        spawn_kill(&server);
        remove_keys();
    }
}

TEST_SUITE(session3)
{
    TCase *tc = add_case(s, "program", 30, default_output_is_the_tutorials,
                         demo_dict_tells_the_same_story, help_goes_to_stdout_and_exits_0,
                         python_twin_prints_the_same_story,
                         lesson_file_is_at_most_150_lines_and_shows_its_calls,
                         bench_prints_both_measurements);
    TCase *net = add_case(s, "serve", 30, serve_and_connect_tell_the_story_across_processes,
                          thirty_two_concurrent_clients_500_appends_each_all_present_once,
                          wrong_key_is_rejected_while_a_good_client_works,
                          hostile_bytes_cost_only_their_own_connection,
                          silent_connections_in_every_slot_do_not_lock_out_a_client,
                          proxy_errors_come_back_as_error_returns,
                          shutdown_request_ends_the_server_with_status_0);
    TCase *sig = add_case(s, "signals", 30, NULL);

    tcase_add_loop_test(tc, verbose_tags_each_child_line_with_its_pid_and_parent, 0, 2);
    add_loop(tc, bad_input_exits_2_with_one_line, bad_inputs);
    tcase_add_checked_fixture(net, NULL, stop_a_server_left_running);
    tcase_add_loop_test(net, serving_manager_stops_on_sigint_sigterm_and_ctrl_c, 0, STOPS);
    tcase_add_loop_test(net, a_client_killed_at_a_random_point_costs_only_its_own_connection,
                        0, FAULT_SEEDS);
    tcase_add_loop_test(sig, story_stops_on_signals_while_the_manager_and_p1_run, 0,
                        2 * STOPS);
    tcase_add_loop_test(sig, held_story_finishes_when_its_output_is_read, 0, 2);
}
