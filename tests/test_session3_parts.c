/* test_session3_parts.c - session3's machinery, one part at a time: the
 * object store, the request/reply encoding, and the authentication.
 */
#include "auth.h"
#include "frame.h"
#include "protocol.h"
#include "server.h"
#include "store.h"
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------------------------------------------------------------- store */

START_TEST(store_list_append_get_len_items)
{
    struct store *s = store_new();
    const struct blob *v, *items;
    size_t len;
    uint64_t id;

    ck_assert_int_eq(store_create(s, STORE_LIST, &id), STORE_OK);
    ck_assert_int_eq(id, 1);
    ck_assert_int_eq(store_list_append(s, id, "a", 1), STORE_OK);
    ck_assert_int_eq(store_list_append(s, id, "bc", 2), STORE_OK);
    ck_assert_int_eq(store_len(s, id, &len), STORE_OK);
    ck_assert_uint_eq(len, 2);
    ck_assert_int_eq(store_list_get(s, id, 1, &v), STORE_OK);
    ck_assert_uint_eq(v->len, 2);
    ck_assert_int_eq(memcmp(v->bytes, "bc", 2), 0);
    ck_assert_int_eq(store_list_get(s, id, -2, &v), STORE_OK);   /* Python's a[-2] */
    ck_assert_int_eq(memcmp(v->bytes, "a", 1), 0);
    ck_assert_int_eq(store_list_items(s, id, &items, &len), STORE_OK);
    ck_assert_uint_eq(len, 2);
    ck_assert_int_eq(memcmp(items[0].bytes, "a", 1), 0);
    store_free(s);
}
END_TEST

START_TEST(store_errors_are_returned_not_crashed)
{
    struct store *s = store_new();
    const struct blob *v;
    size_t len;
    uint64_t list, dict;

    store_create(s, STORE_LIST, &list);
    store_create(s, STORE_DICT, &dict);
    ck_assert_int_eq(store_len(s, 0, &len), STORE_NO_OBJECT);
    ck_assert_int_eq(store_len(s, 99, &len), STORE_NO_OBJECT);
    ck_assert_int_eq(store_list_get(s, list, 0, &v), STORE_BAD_INDEX);
    ck_assert_int_eq(store_list_get(s, list, -1, &v), STORE_BAD_INDEX);
    ck_assert_int_eq(store_list_append(s, dict, "x", 1), STORE_WRONG_KIND);
    ck_assert_int_eq(store_dict_set(s, list, "k", 1, "x", 1), STORE_WRONG_KIND);
    ck_assert_int_eq(store_dict_get(s, dict, "k", 1, &v), STORE_NO_KEY);
    ck_assert_int_eq(store_dict_delete(s, dict, "k", 1), STORE_NO_KEY);
    ck_assert_str_eq(store_strerror(STORE_BAD_INDEX), "list index out of range");
    store_free(s);
}
END_TEST

START_TEST(store_dict_set_overwrites_in_place_and_delete_keeps_order)
{
    struct store *s = store_new();
    const struct blob *keys, *values, *v;
    size_t n;
    uint64_t id;

    store_create(s, STORE_DICT, &id);
    ck_assert_int_eq(store_dict_set(s, id, "Sam", 3, "1", 1), STORE_OK);
    ck_assert_int_eq(store_dict_set(s, id, "Adam", 4, "2", 1), STORE_OK);
    ck_assert_int_eq(store_dict_set(s, id, "Kevin", 5, "3", 1), STORE_OK);
    ck_assert_int_eq(store_dict_set(s, id, "Sam", 3, "9", 1), STORE_OK);
    ck_assert_int_eq(store_dict_get(s, id, "Sam", 3, &v), STORE_OK);
    ck_assert_int_eq(v->bytes[0], '9');
    ck_assert_int_eq(store_dict_delete(s, id, "Adam", 4), STORE_OK);
    ck_assert_int_eq(store_dict_items(s, id, &keys, &values, &n), STORE_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(memcmp(keys[0].bytes, "Sam", 3), 0);
    ck_assert_int_eq(memcmp(keys[1].bytes, "Kevin", 5), 0);
    ck_assert_int_eq(values[1].bytes[0], '3');
    store_free(s);
}
END_TEST

/* ---------------------------------------------------------------- protocol */

/* Runs one request (given as packed bytes) and returns 1 for an "ok" reply,
 * 0 for an "error" reply with its text in message. */
static int roundtrip(struct store *s, const msgpack_sbuffer *req, msgpack_unpacked *u,
                     msgpack_object *result, char *message, int *shutdown)
{
    static msgpack_sbuffer reply;
    const char *msg;
    size_t msglen;
    int ok;

    msgpack_sbuffer_destroy(&reply);
    msgpack_sbuffer_init(&reply);
    ck_assert_int_eq(protocol_handle(s, req->data, req->size, &reply, shutdown), 0);
    ok = protocol_parse_reply(u, reply.data, reply.size, result, &msg, &msglen);
    ck_assert_int_ne(ok, -1);
    if (ok == 0)
        snprintf(message, 64, "%.*s", (int)msglen, msg);
    return ok;
}

/* Packs [method, id] plus, when given, one value argument of the record
 * ("Jeff", 8) and one key. */
static void pack_call(msgpack_sbuffer *b, const char *method, uint64_t id, int record,
                      const char *key)
{
    msgpack_packer pk;

    msgpack_sbuffer_clear(b);
    msgpack_packer_init(&pk, b, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 2 + (key != NULL) + record);
    msgpack_pack_str_with_body(&pk, method, strlen(method));
    msgpack_pack_uint64(&pk, id);
    if (key != NULL)
        msgpack_pack_str_with_body(&pk, key, strlen(key));
    if (record) {
        msgpack_pack_array(&pk, 2);
        msgpack_pack_str_with_body(&pk, "Jeff", 4);
        msgpack_pack_int64(&pk, -8);
    }
}

START_TEST(protocol_round_trip_of_a_record)
{
    struct store *s = store_new();
    msgpack_sbuffer req;
    msgpack_unpacked u;
    msgpack_object res;
    char message[64];
    int shutdown;

    msgpack_sbuffer_init(&req);
    msgpack_unpacked_init(&u);
    pack_call(&req, "create_list", 0, 0, NULL);
    ck_assert_int_eq(roundtrip(s, &req, &u, &res, message, &shutdown), 1);
    ck_assert_int_eq(res.via.u64, 1);
    pack_call(&req, "append", 1, 1, NULL);
    ck_assert_int_eq(roundtrip(s, &req, &u, &res, message, &shutdown), 1);
    pack_call(&req, "items", 1, 0, NULL);
    ck_assert_int_eq(roundtrip(s, &req, &u, &res, message, &shutdown), 1);
    ck_assert_int_eq(res.type, MSGPACK_OBJECT_ARRAY);
    ck_assert_uint_eq(res.via.array.size, 1);
    ck_assert_int_eq(res.via.array.ptr[0].via.array.ptr[1].via.i64, -8);
    ck_assert_int_eq(memcmp(res.via.array.ptr[0].via.array.ptr[0].via.str.ptr, "Jeff", 4), 0);
    ck_assert_int_eq(shutdown, 0);
    pack_call(&req, "shutdown", 0, 0, NULL);
    ck_assert_int_eq(roundtrip(s, &req, &u, &res, message, &shutdown), 1);
    ck_assert_int_eq(shutdown, 1);
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&req);
    store_free(s);
}
END_TEST

START_TEST(protocol_bad_requests_get_error_replies)
{
    static const struct { const char *bytes; size_t len; const char *error; } bad[] = {
        { "garbage!", 8, "malformed request" },
        { "", 0, "malformed request" },
        { "\x92\xa6" "append", 8, "malformed request" },              /* truncated */
        { "\x92\xa3" "len\x01\xc0", 7, "malformed request" },         /* trailing byte */
        { "\x92\xa4" "nope\x01", 7, "unknown method" },
        { "\x92\xa3" "len\x07", 6, "no such object" },
        { "\x93\xa6" "append\x01\xcb\0\0\0\0\0\0\0\0", 18, "argument of the wrong type" },
        { "\x92\xa6" "append\x01", 9, "wrong number of arguments" },
        { "\x93\xa7" "getitem\x01\x05", 11, "list index out of range" },
        { "\x93\xa7" "getitem\x01\xa1k", 12, "wrong kind of object for this operation" },
    };
    struct store *s = store_new();
    msgpack_unpacked u;
    msgpack_object res;
    uint64_t id;

    store_create(s, STORE_LIST, &id);
    msgpack_unpacked_init(&u);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msgpack_sbuffer req = { bad[i].len, (char *)bad[i].bytes, bad[i].len };
        char message[64];
        int shutdown;

        ck_assert_msg(roundtrip(s, &req, &u, &res, message, &shutdown) == 0, "case %zu", i);
        ck_assert_str_eq(message, bad[i].error);
    }
    msgpack_unpacked_destroy(&u);
    store_free(s);
}
END_TEST

/* ---------------------------------------------------------------- auth */

/* The answer is compared in constant time (OpenSSL's CRYPTO_memcmp), so how
 * long a wrong answer takes to refuse tells nothing about how many of its
 * bytes were right. Timing cannot be asserted without luck; which function
 * compares can: this definition of CRYPTO_memcmp in the test program is the
 * one the linker gives auth.c (an executable's own symbol comes before a
 * shared library's), and it counts its calls. Same contract as OpenSSL's. */
static int constant_time_compares;

int CRYPTO_memcmp(const void *in_a, const void *in_b, size_t len);

int CRYPTO_memcmp(const void *in_a, const void *in_b, size_t len)
{
    const volatile unsigned char *a = in_a, *b = in_b;
    unsigned char differ = 0;

    constant_time_compares++;
    for (size_t i = 0; i < len; i++)
        differ |= a[i] ^ b[i];
    return differ != 0;
}

/* The per-client cap on queued replies, at its edges: one large reply
 * alone is always queued; behind anything pending, the sum must fit, so
 * one large reply cannot carry a client past the cap. */
START_TEST(server_output_cap_counts_the_reply_being_queued)
{
    ck_assert_int_eq(server_output_fits(0, 10 * SERVER_OUTPUT_MAX), 1);
    ck_assert_int_eq(server_output_fits(1, SERVER_OUTPUT_MAX - 1), 1);
    ck_assert_int_eq(server_output_fits(1, SERVER_OUTPUT_MAX), 0);
    ck_assert_int_eq(server_output_fits(SERVER_OUTPUT_MAX - 100, 100), 1);
    ck_assert_int_eq(server_output_fits(SERVER_OUTPUT_MAX - 100, 101), 0);
    ck_assert_int_eq(server_output_fits(SERVER_OUTPUT_MAX, 1), 0);
    ck_assert_int_eq(server_output_fits(1, (size_t)-1), 0);     /* no wrap-around */
}
END_TEST

START_TEST(auth_compares_the_answer_in_constant_time)
{
    unsigned char challenge[AUTH_CHALLENGE_SIZE], answer[AUTH_ANSWER_SIZE];

    ck_assert_int_eq(auth_make_challenge(challenge), 0);
    ck_assert_int_eq(auth_make_answer("key", 3, challenge, sizeof challenge, answer), 0);
    constant_time_compares = 0;
    ck_assert_int_eq(auth_answer_is_right("key", 3, challenge, answer, sizeof answer), 1);
    answer[sizeof answer - 1] ^= 1;
    ck_assert_int_eq(auth_answer_is_right("key", 3, challenge, answer, sizeof answer), 0);
    ck_assert_int_eq(constant_time_compares, 2);
}
END_TEST

START_TEST(auth_right_key_is_accepted)
{
    unsigned char challenge[AUTH_CHALLENGE_SIZE], answer[AUTH_ANSWER_SIZE];

    ck_assert_int_eq(auth_make_challenge(challenge), 0);
    ck_assert_int_eq(memcmp(challenge, "#CHALLENGE#{sha256}", 19), 0);
    ck_assert_int_eq(auth_make_answer("key", 3, challenge, sizeof challenge, answer), 0);
    ck_assert_int_eq(memcmp(answer, "{sha256}", 8), 0);
    ck_assert_int_eq(auth_answer_is_right("key", 3, challenge, answer, sizeof answer), 1);
}
END_TEST

START_TEST(auth_wrong_key_replay_and_short_answer_are_rejected)
{
    unsigned char old[AUTH_CHALLENGE_SIZE], fresh[AUTH_CHALLENGE_SIZE];
    unsigned char answer[AUTH_ANSWER_SIZE];

    auth_make_challenge(old);
    auth_make_challenge(fresh);
    ck_assert_int_ne(memcmp(old, fresh, sizeof old), 0);       /* a new nonce each time */
    auth_make_answer("wrong", 5, fresh, sizeof fresh, answer);
    ck_assert_int_eq(auth_answer_is_right("key", 3, fresh, answer, sizeof answer), 0);
    auth_make_answer("key", 3, old, sizeof old, answer);       /* replayed */
    ck_assert_int_eq(auth_answer_is_right("key", 3, fresh, answer, sizeof answer), 0);
    auth_make_answer("key", 3, fresh, sizeof fresh, answer);
    ck_assert_int_eq(auth_answer_is_right("key", 3, fresh, answer, sizeof answer - 1), 0);
    ck_assert_int_eq(auth_answer_is_right("key", 3, fresh, answer, 0), 0);
    errno = 0;
    ck_assert_int_eq(auth_make_answer("key", 3, fresh, sizeof fresh - 1, answer), -1);
    ck_assert_int_eq(errno, EPROTO);
}
END_TEST

/* A socket pair and a child process on one end of it, which runs
 * child(that end, arg) and exits with what it returns. Returns the child's
 * pid; *fd is the test's end. */
static pid_t fork_peer(int (*child)(int fd, const void *arg), const void *arg, int *fd)
{
    int sv[2];
    pid_t pid;

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        close(sv[1]);
        _exit(child(sv[0], arg));
    }
    close(sv[0]);
    *fd = sv[1];
    return pid;
}

/* The server side of the handshake, as the manager does it: deliver a
 * challenge, then answer the client's. 0 when both went through. */
static int server_side(int fd, const void *key)
{
    return auth_deliver_challenge(fd, key, strlen(key)) == 0
           && auth_answer_challenge(fd, key, strlen(key)) == 0 ? 0 : 1;
}

/* server_side in a child process against auth_client() here. The child
 * reports by exit status. */
static int handshake(const char *server_key, const char *client_key, int *client_errno)
{
    int fd, status, rc;
    pid_t pid = fork_peer(server_side, server_key, &fd);

    rc = auth_client(fd, client_key, strlen(client_key));
    *client_errno = rc == 0 ? 0 : errno;
    close(fd);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return rc == 0 && WEXITSTATUS(status) == 0;
}

START_TEST(auth_handshake_both_ways_over_a_socket)
{
    int err;

    ck_assert_int_eq(handshake("same key", "same key", &err), 1);
    ck_assert_int_eq(handshake("server key", "client key", &err), 0);
    ck_assert_int_eq(err, EACCES);
}
END_TEST

/* The byte changes each test makes at each position of an answer: the
 * lowest bit, the highest, and every bit. */
static const unsigned char flips[] = { 0x01, 0x80, 0xff };
#define FLIPS (sizeof flips)

/* Server direction, through the real manager loop: a child runs server_run
 * on one socket pair per (position, change); on each, the test answers the
 * challenge correctly except for that one byte and must read #FAILURE#.
 * A control connection with the unchanged answer reads #WELCOME#. A check
 * that compared only part of the digest would let some of them in. */
START_TEST(auth_server_refuses_an_answer_with_any_one_byte_changed)
{
    enum { CASES = AUTH_ANSWER_SIZE * FLIPS + 1 };
    int server_ends[CASES], client_ends[CASES];
    pid_t pid;

    ck_assert_int_le(CASES, SERVER_MAX_CONNECTIONS);
    for (int i = 0; i < CASES; i++) {
        int sv[2];

        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        server_ends[i] = sv[0];
        client_ends[i] = sv[1];
    }
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        struct store *s = store_new();
        struct server_config cfg = { .listen_fd = -1, .client_fds = server_ends,
                                     .nclients = CASES, .key = "key", .keylen = 3,
                                     .log_fd = -1 };

        for (int i = 0; i < CASES; i++)
            close(client_ends[i]);
        _exit(s != NULL && server_run(s, &cfg) == 0 ? 0 : 1);
    }
    for (int i = 0; i < CASES; i++)
        close(server_ends[i]);
    for (int i = 0; i < CASES; i++) {
        unsigned char answer[AUTH_ANSWER_SIZE];
        char *challenge, *verdict;
        size_t len;
        int control = i == CASES - 1;

        ck_assert_int_eq(frame_recv(client_ends[i], AUTH_MESSAGE_MAX, &challenge, &len), 1);
        ck_assert_int_eq(auth_make_answer("key", 3, challenge, len, answer), 0);
        free(challenge);
        if (!control)
            answer[i / (int)FLIPS] ^= flips[i % (int)FLIPS];
        ck_assert_int_eq(frame_send(client_ends[i], answer, sizeof answer), 0);
        ck_assert_int_eq(frame_recv(client_ends[i], AUTH_MESSAGE_MAX, &verdict, &len), 1);
        ck_assert_msg(strcmp(verdict, control ? AUTH_WELCOME : AUTH_FAILURE) == 0,
                      "byte %d changed by 0x%02x: the manager said %s", i / (int)FLIPS,
                      flips[i % (int)FLIPS], verdict);
        free(verdict);
        close(client_ends[i]);
    }
    assert_exits_0(pid);
}
END_TEST

/* Client direction: a fake manager (here) accepts the client's answer, then
 * answers the client's challenge with one byte changed; auth_client (in a
 * child, reporting by exit status) must refuse it with EACCES. _i runs over
 * every (position, change) and one control with the right answer. */
/* auth_client with the key "key": 0 when it accepts the manager, 1 when it
 * refuses it with EACCES, 2 for any other failure. */
static int client_side(int fd, const void *unused)
{
    (void)unused;
    if (auth_client(fd, "key", 3) == 0)
        return 0;
    return errno == EACCES ? 1 : 2;
}

START_TEST(auth_client_refuses_a_manager_answer_with_any_one_byte_changed)
{
    unsigned char challenge[AUTH_CHALLENGE_SIZE], answer[AUTH_ANSWER_SIZE];
    int control = _i == (int)(AUTH_ANSWER_SIZE * FLIPS), fd, status;
    pid_t pid = fork_peer(client_side, NULL, &fd);
    char *msg;
    size_t len;

    ck_assert_int_eq(auth_make_challenge(challenge), 0);           /* we check the client */
    ck_assert_int_eq(frame_send(fd, challenge, sizeof challenge), 0);
    ck_assert_int_eq(frame_recv(fd, AUTH_MESSAGE_MAX, &msg, &len), 1);
    ck_assert_int_eq(auth_answer_is_right("key", 3, challenge, msg, len), 1);
    free(msg);
    ck_assert_int_eq(frame_send(fd, AUTH_WELCOME, strlen(AUTH_WELCOME)), 0);
    ck_assert_int_eq(frame_recv(fd, AUTH_MESSAGE_MAX, &msg, &len), 1); /* its challenge */
    ck_assert_int_eq(auth_make_answer("key", 3, msg, len, answer), 0);
    free(msg);
    if (!control)
        answer[_i / (int)FLIPS] ^= flips[_i % (int)FLIPS];
    ck_assert_int_eq(frame_send(fd, answer, sizeof answer), 0);
    ck_assert_int_eq(frame_recv(fd, AUTH_MESSAGE_MAX, &msg, &len), 1);
    ck_assert_str_eq(msg, control ? AUTH_WELCOME : AUTH_FAILURE);
    free(msg);
    close(fd);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == (control ? 0 : 1),
                  "byte %d changed by 0x%02x: the client ended with status 0x%x",
                  _i / (int)FLIPS, control ? 0 : flips[_i % (int)FLIPS], (unsigned)status);
}
END_TEST

/* ---------------------------------------------------------------- server */

/* server_run on the one connection fd, with 50 ms to authenticate: 0 when
 * it returns without an error. */
static int impatient_server(int fd, const void *unused)
{
    struct store *s = store_new();
    struct server_config cfg = { .listen_fd = -1, .client_fds = &fd, .nclients = 1, .key = "k",
                                 .keylen = 1, .log_fd = -1, .auth_timeout_ms = 50 };

    (void)unused;
    return s != NULL && server_run(s, &cfg) == 0 ? 0 : 1;
}

/* A client that connects and never answers the challenge is closed when its
 * time is up; the server (in a child, with a short limit) then has no
 * connection left and returns. We wait for the close, not for a time. */
START_TEST(server_closes_a_client_that_never_authenticates)
{
    struct timeval tv = { .tv_sec = 10, .tv_usec = 0 };
    char buf[256];
    ssize_t got;
    int fd;
    pid_t pid = fork_peer(impatient_server, NULL, &fd);

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while ((got = read(fd, buf, sizeof buf)) > 0)
        continue;                       /* the challenge, then end of file */
    ck_assert_int_eq(got, 0);
    close(fd);
    assert_exits_0(pid);
}
END_TEST

TEST_SUITE(session3_parts)
{
    TCase *tc = add_case(s, "units", 10, store_list_append_get_len_items,
                         store_errors_are_returned_not_crashed,
                         store_dict_set_overwrites_in_place_and_delete_keeps_order,
                         protocol_round_trip_of_a_record,
                         protocol_bad_requests_get_error_replies, auth_right_key_is_accepted,
                         auth_wrong_key_replay_and_short_answer_are_rejected,
                         auth_handshake_both_ways_over_a_socket,
                         auth_server_refuses_an_answer_with_any_one_byte_changed,
                         server_closes_a_client_that_never_authenticates,
                         auth_compares_the_answer_in_constant_time,
                         server_output_cap_counts_the_reply_being_queued);

    tcase_add_loop_test(tc, auth_client_refuses_a_manager_answer_with_any_one_byte_changed, 0,
                        (int)(AUTH_ANSWER_SIZE * FLIPS) + 1);
}
