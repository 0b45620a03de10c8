/* auth.h - both ends prove they know the authkey, without ever sending it.
 *
 * The scheme of CPython 3.12's multiprocessing.connection: one side sends
 * "#CHALLENGE#{sha256}" + 40 fresh random bytes; the other answers
 * "{sha256}" + HMAC-SHA256(authkey, "{sha256}" + those bytes); the first
 * compares in constant time and replies "#WELCOME#" or "#FAILURE#". Then the
 * roles swap, so each side has checked the other. docs/session3.md explains it.
 */
#ifndef SESSION3_AUTH_H
#define SESSION3_AUTH_H

#include <stddef.h>

#define AUTH_NONCE_SIZE 40
#define AUTH_DIGEST_SIZE 32        /* SHA-256 */
#define AUTH_CHALLENGE_PREFIX "#CHALLENGE#"
#define AUTH_DIGEST_NAME "{sha256}"
#define AUTH_WELCOME "#WELCOME#"
#define AUTH_FAILURE "#FAILURE#"
/* What a manager with no free slot (or no free descriptor) sends instead of
 * its challenge, then it closes the connection. Not in CPython. */
#define AUTH_REFUSED "#REFUSED#server full"
/* "#CHALLENGE#{sha256}" + nonce, and "{sha256}" + digest */
#define AUTH_CHALLENGE_SIZE (sizeof AUTH_CHALLENGE_PREFIX - 1 + sizeof AUTH_DIGEST_NAME - 1 \
                             + AUTH_NONCE_SIZE)
#define AUTH_ANSWER_SIZE (sizeof AUTH_DIGEST_NAME - 1 + AUTH_DIGEST_SIZE)
/* The largest authentication message either side accepts. */
#define AUTH_MESSAGE_MAX 256

/* The longest authkey accepted (CPython has no limit; we read it into memory). */
#define AUTH_KEY_MAX 1024

/* Fills challenge with a new challenge message (fresh nonce from RAND_bytes).
 * Returns 0, or -1 when the random generator failed. */
int auth_make_challenge(unsigned char challenge[AUTH_CHALLENGE_SIZE]);

/* Computes the answer to a challenge message received from the peer.
 * Returns 0, or -1 with errno EPROTO when it is not a well-formed challenge. */
int auth_make_answer(const void *key, size_t keylen, const void *challenge, size_t len,
                     unsigned char answer[AUTH_ANSWER_SIZE]);

/* 1 when answer is the right answer to our challenge (compared with
 * CRYPTO_memcmp, whose time does not depend on where bytes differ), else 0. */
int auth_answer_is_right(const void *key, size_t keylen,
                         const unsigned char challenge[AUTH_CHALLENGE_SIZE],
                         const void *answer, size_t len);

/* The blocking halves, for a client on a connected socket (frames of
 * common/frame.h). Each returns 0, or -1 with errno: EACCES when the key was
 * wrong (ours or theirs), EPROTO for a malformed message, ECONNRESET when
 * the peer closed the connection, EBUSY when the
 * manager sent AUTH_REFUSED instead of a challenge. */
int auth_deliver_challenge(int fd, const void *key, size_t keylen);
int auth_answer_challenge(int fd, const void *key, size_t keylen);

/* A client does both, in the order CPython's Client() does them. */
int auth_client(int fd, const void *key, size_t keylen);

#endif
