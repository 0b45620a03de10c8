/* auth.c - read 6th: both ends prove they know the authkey with HMAC
 * challenge-response (OpenSSL), never sending it (auth.h). The last module. */
#include "auth.h"

#include "frame.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX_LEN (sizeof AUTH_CHALLENGE_PREFIX - 1)
#define NAME_LEN (sizeof AUTH_DIGEST_NAME - 1)

int auth_make_challenge(unsigned char challenge[AUTH_CHALLENGE_SIZE])
{
    memcpy(challenge, AUTH_CHALLENGE_PREFIX, PREFIX_LEN);
    memcpy(challenge + PREFIX_LEN, AUTH_DIGEST_NAME, NAME_LEN);
    return RAND_bytes(challenge + PREFIX_LEN + NAME_LEN, AUTH_NONCE_SIZE) == 1 ? 0 : -1;
}

/* "{sha256}" + HMAC-SHA256(key, message): the message signed is everything
 * after "#CHALLENGE#", digest name included, as CPython does. */
static int sign(const void *key, size_t keylen, const unsigned char *message, size_t len,
                unsigned char answer[AUTH_ANSWER_SIZE])
{
    unsigned int digest_len = 0;

    memcpy(answer, AUTH_DIGEST_NAME, NAME_LEN);
    if (HMAC(EVP_sha256(), key, (int)keylen, message, len, answer + NAME_LEN,
             &digest_len) == NULL || digest_len != AUTH_DIGEST_SIZE)
        return -1;
    return 0;
}

int auth_make_answer(const void *key, size_t keylen, const void *challenge, size_t len,
                     unsigned char answer[AUTH_ANSWER_SIZE])
{
    const unsigned char *c = challenge;

    if (len != AUTH_CHALLENGE_SIZE || memcmp(c, AUTH_CHALLENGE_PREFIX, PREFIX_LEN) != 0
        || memcmp(c + PREFIX_LEN, AUTH_DIGEST_NAME, NAME_LEN) != 0) {
        errno = EPROTO;
        return -1;
    }
    return sign(key, keylen, c + PREFIX_LEN, len - PREFIX_LEN, answer);
}

int auth_answer_is_right(const void *key, size_t keylen,
                         const unsigned char challenge[AUTH_CHALLENGE_SIZE],
                         const void *answer, size_t len)
{
    unsigned char expected[AUTH_ANSWER_SIZE];

    if (len != AUTH_ANSWER_SIZE
        || sign(key, keylen, challenge + PREFIX_LEN, AUTH_CHALLENGE_SIZE - PREFIX_LEN,
                expected) == -1)
        return 0;
    return CRYPTO_memcmp(expected, answer, AUTH_ANSWER_SIZE) == 0;
}

/* Receives one authentication message; a stream closed, even inside a
 * frame, is ECONNRESET; a frame longer than any authentication message (an
 * SSH or HTTP server's greeting read as a length) is EPROTO: the peer does
 * not speak this protocol. */
static int recv_message(int fd, char **msg, size_t *len)
{
    int got = frame_recv(fd, AUTH_MESSAGE_MAX, msg, len);

    if (got == 0 || (got == -1 && errno == EPROTO))
        errno = ECONNRESET;
    else if (got == -1 && errno == EMSGSIZE)
        errno = EPROTO;
    return got == 1 ? 0 : -1;
}

static int is_message(const char *msg, size_t len, const char *text)
{
    return len == strlen(text) && memcmp(msg, text, len) == 0;
}

int auth_deliver_challenge(int fd, const void *key, size_t keylen)
{
    unsigned char challenge[AUTH_CHALLENGE_SIZE];
    char *answer;
    size_t len;
    int right;

    if (auth_make_challenge(challenge) == -1) {
        errno = EIO;
        return -1;
    }
    if (frame_send(fd, challenge, sizeof challenge) == -1
        || recv_message(fd, &answer, &len) == -1)
        return -1;
    right = auth_answer_is_right(key, keylen, challenge, answer, len);
    free(answer);
    if (frame_send(fd, right ? AUTH_WELCOME : AUTH_FAILURE, strlen(AUTH_WELCOME)) == -1)
        return -1;
    if (!right) {
        errno = EACCES;
        return -1;
    }
    return 0;
}

int auth_answer_challenge(int fd, const void *key, size_t keylen)
{
    unsigned char answer[AUTH_ANSWER_SIZE];
    char *msg;
    size_t len;
    int made, welcome;

    if (recv_message(fd, &msg, &len) == -1)
        return -1;
    if (is_message(msg, len, AUTH_REFUSED)) {
        free(msg);
        errno = EBUSY;
        return -1;
    }
    made = auth_make_answer(key, keylen, msg, len, answer);
    free(msg);
    if (made == -1 || frame_send(fd, answer, sizeof answer) == -1
        || recv_message(fd, &msg, &len) == -1)
        return -1;
    welcome = is_message(msg, len, AUTH_WELCOME);
    if (!welcome)
        errno = is_message(msg, len, AUTH_FAILURE) ? EACCES : EPROTO;
    free(msg);
    return welcome ? 0 : -1;
}

int auth_client(int fd, const void *key, size_t keylen)
{
    if (auth_answer_challenge(fd, key, keylen) == -1)
        return -1;
    return auth_deliver_challenge(fd, key, keylen);
}
