/* grade.c - the tests of the pipe assignment: `make grade` runs them.
 *
 * The peer at the other end of the socket is the grader's. It makes the
 * kernel behave as it may in the field, and as it rarely does in a quiet
 * classroom, on every run:
 *   - it writes one byte at a time and waits until the student's code has
 *     read it (FIONREAD), so every read() returns exactly one byte;
 *   - it shrinks the send buffer (SO_SNDBUF) so a long write blocks, then
 *     interrupts it with a signal: write() returns a short count;
 *   - it sends SIGUSR1, whose handler is installed without SA_RESTART, while
 *     the student's read() or write() is asleep (/proc says when): the call
 *     fails with EINTR;
 *   - it ends the stream between frames, inside a header, inside a message,
 *     and announces frames longer than the receiver's limit.
 */
#define _DEFAULT_SOURCE         /* FIONREAD, MAP_ANONYMOUS */
#include "conn.h"
#include "grade.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WHY_FRAMES "docs/session5.md#the-lesson-python-and-c-side-by-side (\"Why frames\")"

static const char *const HINT_BASICS = "README.md, \"What to write\"; " WHY_FRAMES;
static const char *const HINT_SHORT =
    "README.md, \"Short reads and writes\"; man 2 read, man 2 write (RETURN VALUE)";
static const char *const HINT_EINTR =
    "README.md, \"Signals\"; man 7 signal (\"Interruption of system calls\")";
static const char *const HINT_EOF = "README.md, \"End of file\"; " WHY_FRAMES;
static const char *const HINT_LIMIT = "README.md, \"The size limit\"; " WHY_FRAMES;

enum { BIG = 200000 };                  /* longer than any send buffer SO_SNDBUF allows */

static atomic_int *signals;             /* SIGUSR1 handled by the student's process */

static void on_sigusr1(int sig)
{
    (void)sig;
    atomic_fetch_add(signals, 1);
}

/* A socket pair; SIGUSR1 interrupts calls (no SA_RESTART). */
static void setup(int sv[2])
{
    struct sigaction sa;

    signals = grade_shared(sizeof *signals);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigusr1;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) == -1)
        grade_fail("sigaction: %s", strerror(errno));
    signal(SIGPIPE, SIG_IGN);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
        grade_fail("socketpair: %s", strerror(errno));
}

/* The byte at offset i of a long message: never 0, so a header (which
 * starts with 0 for lengths below 16 MiB) in its place shows. */
static unsigned char pattern(size_t i)
{
    return (unsigned char)(1 + i % 250);
}

/* ------------------------------------------------ the grader's own I/O */

static void raw_write(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            grade_fail("the grader's write failed: %s", strerror(errno));
        p += n;
        len -= (size_t)n;
    }
}

static size_t raw_read(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);

        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            grade_fail("the grader's read failed: %s", strerror(errno));
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return got;
}

static void header(uint32_t len, unsigned char h[CONN_HEADER_SIZE])
{
    h[0] = (unsigned char)(len >> 24);
    h[1] = (unsigned char)(len >> 16);
    h[2] = (unsigned char)(len >> 8);
    h[3] = (unsigned char)len;
}

static void raw_frame(int fd, const void *msg, uint32_t len)
{
    unsigned char h[CONN_HEADER_SIZE];

    header(len, h);
    raw_write(fd, h, sizeof h);
    raw_write(fd, msg, len);
}

/* Bytes written to the socket and not yet read from its other end, seen
 * from that end (the grader holds a copy of it). */
static int unread(int fd)
{
    int n = 0;

    if (ioctl(fd, FIONREAD, &n) == -1)
        grade_fail("ioctl(FIONREAD): %s", strerror(errno));
    return n;
}

/* Waits until the reader (reading reader_fd) took every byte written. */
static void wait_taken(int reader_fd)
{
    while (unread(reader_fd) > 0) {
        struct timespec pause = { 0, 200000 };

        nanosleep(&pause, NULL);
    }
}

/* Writes len bytes one at a time into fd; before each next byte, waits
 * until the reader took the last one: each of its reads gets one byte. */
static void write_bytewise(int fd, int reader_fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    for (size_t i = 0; i < len; i++) {
        raw_write(fd, p + i, 1);
        wait_taken(reader_fd);
    }
}

/* Interrupts the student's process while it is asleep in a call, and waits
 * until it handled the signal (count in all, so far). */
static void interrupt(pid_t student, int count, const char *call)
{
    if (grade_wait_asleep(student, 3) != 1)
        grade_fail("%s never went to sleep waiting (within 3 s)", call);
    kill(student, SIGUSR1);
    if (grade_wait_until(signals, count, 3) != 1)
        grade_fail("the grader's SIGUSR1 was not handled within 3 s");
}

/* ------------------------------------------ checks of the student's calls */

/* "EPROTO (Protocol error)" for the errnos conn_recv may return. */
static const char *errno_name(int err)
{
    static char text[2][128];   /* two may be in one message */
    static int which;
    char *out = text[which++ % 2];
    const char *name = err == EPROTO ? "EPROTO" : err == EMSGSIZE ? "EMSGSIZE"
                       : err == EINTR ? "EINTR" : err == EFAULT ? "EFAULT"
                       : err == EAGAIN ? "EAGAIN" : err == 0 ? "0" : "errno";

    snprintf(out, sizeof text[0], "%s (%s)", name, strerror(err));
    return out;
}

static void send_or_fail(int fd, const void *msg, size_t len, const char *when)
{
    if (conn_send(fd, msg, len) != 0)
        grade_fail("conn_send of %zu bytes returned -1 with errno %s%s", len,
                   errno_name(errno), when);
}

/* "a" or "an" before the number n, as it is said: an 8-, an 11-, an
 * 18000-byte message. */
static const char *a_or_an(size_t n)
{
    char digits[32];
    size_t len = (size_t)snprintf(digits, sizeof digits, "%zu", n);

    if (digits[0] == '8' || (len % 3 == 2 && (strncmp(digits, "11", 2) == 0
                                              || strncmp(digits, "18", 2) == 0)))
        return "an";
    return "a";
}

/* conn_recv must return the message msg. */
static void expect_message(int fd, const char *msg, size_t len, const char *when)
{
    static char buf[BIG];
    size_t got = (size_t)-1;
    int rc;

    errno = 0;
    rc = conn_recv(fd, buf, sizeof buf, &got);
    if (rc == -1)
        grade_fail("conn_recv returned -1 with errno %s where %s %zu-byte message was "
                   "sent%s", errno_name(errno), a_or_an(len), len, when);
    if (rc != 1)
        grade_fail("conn_recv returned %d where %s %zu-byte message was sent%s", rc,
                   a_or_an(len), len, when);
    if (got != len)
        grade_fail("conn_recv returned %s %zu-byte message where %zu bytes were sent%s",
                   a_or_an(got), got, len, when);
    if (len > 0 && memcmp(buf, msg, len) != 0)
        grade_fail("conn_recv returned the right length (%zu bytes) but other bytes than "
                   "were sent%s", len, when);
}

/* conn_recv into buf (room for max bytes) must return -1 with errno want. */
static void expect_error(int fd, char *buf, size_t max, int want, const char *what)
{
    size_t got;
    int rc;

    errno = 0;
    rc = conn_recv(fd, buf, max, &got);
    if (rc == -1 && errno == want)
        return;
    if (rc == -1)
        grade_fail("conn_recv returned -1 with errno %s when %s: want errno %s%s",
                   errno_name(errno), what, errno_name(want),
                   errno == EFAULT ? " (EFAULT: read() was asked to write past the end "
                   "of buf)" : "");
    grade_fail("conn_recv returned %d%s when %s: want -1 with errno %s", rc,
               rc == 0 ? " (a clean end of file)" : rc == 1 ? " (a message)" : "",
               what, errno_name(want));
}

/* ------------------------------------------------------------ the tests */

static void test_whole_messages(void)
{
    static char long_msg[1000];
    int sv[2];

    setup(sv);
    for (size_t i = 0; i < sizeof long_msg; i++)
        long_msg[i] = (char)pattern(i);
    send_or_fail(sv[0], "hello", 5, "");
    send_or_fail(sv[0], "", 0, "");
    send_or_fail(sv[0], "hru?", 4, "");
    send_or_fail(sv[0], long_msg, sizeof long_msg, "");
    expect_message(sv[1], "hello", 5, " (\"hello\", the first of four)");
    expect_message(sv[1], "", 0, " (\"\", the second of four: an empty message)");
    expect_message(sv[1], "hru?", 4, " (\"hru?\", the third of four)");
    expect_message(sv[1], long_msg, sizeof long_msg, " (the fourth of four)");
}

static void test_recv_byte_by_byte(void)
{
    static const char *const msgs[] = { "hello", "", "hru?", "END" };
    char *frames = malloc(64);
    size_t used = 0;
    int sv[2];
    pid_t peer;

    setup(sv);
    for (size_t m = 0; m < 4; m++) {
        uint32_t len = (uint32_t)strlen(msgs[m]);

        header(len, (unsigned char *)frames + used);
        memcpy(frames + used + CONN_HEADER_SIZE, msgs[m], len);
        used += CONN_HEADER_SIZE + len;
    }
    if ((peer = grade_fork()) == 0) {
        write_bytewise(sv[1], sv[0], frames, used);
        _exit(0);
    }
    for (size_t m = 0; m < 4; m++)
        expect_message(sv[0], msgs[m], strlen(msgs[m]),
                       ", delivered so that every read() returns one byte");
    grade_wait(peer, 3);
}

static void test_send_short_writes(void)
{
    char *big = malloc(BIG);
    int sv[2], small = 1;
    pid_t student = getpid(), peer;

    if (big == NULL)
        grade_fail("the grader ran out of memory");
    setup(sv);
    for (size_t i = 0; i < BIG; i++)
        big[i] = (char)pattern(i);
    /* The smallest send buffer the kernel allows: a few KiB. */
    if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == -1)
        grade_fail("setsockopt(SO_SNDBUF): %s", strerror(errno));
    if ((peer = grade_fork()) == 0) {
        unsigned char h[CONN_HEADER_SIZE];
        uint32_t len;
        size_t got, intact = 0;

        close(sv[0]);
        /* The student's write is asleep, part of the message sent. */
        interrupt(student, 1, "conn_send of a 200000-byte message");
        if (raw_read(sv[1], h, sizeof h) != sizeof h)
            grade_fail("the stream ended before a whole header arrived");
        len = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
        if (len != BIG)
            grade_fail("the first frame announced %lu bytes, not the %d sent",
                       (unsigned long)len, BIG);
        got = raw_read(sv[1], big, BIG);
        while (intact < got && (unsigned char)big[intact] == pattern(intact))
            intact++;
        if (intact < BIG)
            grade_fail("of the %d-byte message only the first %zu bytes arrived, then %s: "
                       "a write() that a signal interrupts returns how many bytes it "
                       "wrote, and the rest must be written too", BIG, intact,
                       intact < got ? "other bytes" : "end of file");
        got = raw_read(sv[1], h, sizeof h);
        if (got != sizeof h || h[3] != 5 || raw_read(sv[1], big, 5) != 5
            || memcmp(big, "after", 5) != 0)
            grade_fail("the message \"after\", sent after the long one, did not arrive whole");
        _exit(0);
    }
    close(sv[1]);
    send_or_fail(sv[0], big, BIG, " after a signal interrupted it (the write had "
                 "sent part of the message)");
    send_or_fail(sv[0], "after", 5, "");
    close(sv[0]);
    if (grade_wait(peer, 10) != 0)
        grade_fail("the grader's reader did not finish within 10 s");
}

static void test_eintr(void)
{
    static char filler[1 << 20];
    atomic_int *filled;
    int sv[2], small = 1;
    pid_t student = getpid(), peer;
    size_t fill = 0;

    setup(sv);
    filled = grade_shared(sizeof *filled);
    if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == -1)
        grade_fail("setsockopt(SO_SNDBUF): %s", strerror(errno));
    if ((peer = grade_fork()) == 0) {
        unsigned char h[CONN_HEADER_SIZE];
        static char rest[sizeof filler];
        size_t len = strlen("interrupted");

        /* 1: a read waiting for a message; 2: one waiting inside it. */
        interrupt(student, 1, "conn_recv on an empty socket");
        header((uint32_t)len, h);
        raw_write(sv[1], h, sizeof h);
        wait_taken(sv[0]);
        interrupt(student, 2, "conn_recv, waiting for the bytes after a header,");
        raw_write(sv[1], "interrupted", len);
        /* 3: a write waiting for room in a full socket. */
        if (grade_wait_until(filled, 1, 10) != 1)
            grade_fail("the grader did not get to fill the socket within 10 s");
        interrupt(student, 3, "conn_send into a full socket");
        if (raw_read(sv[1], rest, (size_t)atomic_load(filled) - 1) + 1
            != (size_t)atomic_load(filled))
            grade_fail("the grader could not read back its filler");
        if (raw_read(sv[1], h, sizeof h) != sizeof h || h[3] != 16
            || raw_read(sv[1], rest, 16) != 16 || memcmp(rest, "after the signal", 16) != 0)
            grade_fail("the message \"after the signal\" did not arrive whole after a "
                       "signal interrupted its conn_send");
        _exit(0);
    }
    expect_message(sv[0], "interrupted", strlen("interrupted"),
                   " and signals interrupted the reads waiting for it (EINTR)");
    /* Fills the socket with the grader's bytes, so conn_send must wait. */
    for (;;) {
        ssize_t n = send(sv[0], filler, sizeof filler, MSG_DONTWAIT);

        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n == -1)
            grade_fail("the grader's send failed: %s", strerror(errno));
        fill += (size_t)n;
    }
    atomic_store(filled, (int)fill + 1);
    send_or_fail(sv[0], "after the signal", 16, " when a signal interrupted the write "
                 "waiting for room in a full socket (EINTR): write again");
    if (grade_wait(peer, 10) != 0)
        grade_fail("the grader's reader did not finish within 10 s");
}

static void test_end_of_file(void)
{
    int sv[2];

    setup(sv);
    raw_frame(sv[1], "one", 3);
    raw_frame(sv[1], "two", 3);
    close(sv[1]);
    expect_message(sv[0], "one", 3, "");
    expect_message(sv[0], "two", 3, "");
    for (int i = 0; i < 2; i++) {
        size_t len;
        char buf[16];
        int rc = conn_recv(sv[0], buf, sizeof buf, &len);

        if (rc != 0)
            grade_fail("conn_recv returned %d%s%s when the other end had closed the stream "
                       "after two whole messages: want 0, a clean end of file (EOFError)",
                       rc, rc == -1 ? " with errno " : "", rc == -1 ? errno_name(errno) : "");
    }
}

static void test_eof_inside_frame(void)
{
    static char buf[100];
    unsigned char h[CONN_HEADER_SIZE];
    int sv[2];

    setup(sv);
    header(10, h);
    raw_write(sv[1], h, 2);
    close(sv[1]);
    expect_error(sv[0], buf, sizeof buf, EPROTO,
                 "the stream ended after 2 of the 4 bytes of a header (a frame cut in "
                 "the middle is an error, not a clean end)");
    close(sv[0]);

    setup(sv);
    raw_write(sv[1], h, sizeof h);
    raw_write(sv[1], "abc", 3);
    close(sv[1]);
    expect_error(sv[0], buf, sizeof buf, EPROTO,
                 "the stream ended after 3 of the 10 bytes a header announced (a frame "
                 "cut in the middle is an error, not a clean end)");
}

/* Room for max bytes, right before a page the process may not touch:
 * writing past the end is EFAULT in read(), SIGSEGV elsewhere. */
static char *guarded_buffer(size_t max)
{
    long page = sysconf(_SC_PAGESIZE);
    char *two = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (two == MAP_FAILED || mprotect(two + page, (size_t)page, PROT_NONE) == -1)
        grade_fail("the grader could not map its buffer: %s", strerror(errno));
    return two + page - max;
}

/* conn_recv into buf (room for max, MAX + 1 bytes announced) must refuse
 * the frame before reading any byte of it. */
static void expect_refused(int sv[2], char *buf, size_t max, const char *msg)
{
    raw_frame(sv[1], msg, (uint32_t)max + 1);
    expect_error(sv[0], buf, max, EMSGSIZE, "a frame announced 17 bytes to a buffer of max 16");
    if (unread(sv[0]) != (int)max + 1)
        grade_fail("conn_recv refused the 17-byte frame but read %d of its bytes first: "
                   "check the length against max before reading the message",
                   (int)max + 1 - unread(sv[0]));
    close(sv[0]);
    close(sv[1]);
}

/* conn_send of a length that does not fit in the 4-byte header must fail
 * with EMSGSIZE before writing a byte. The message is never read, so it
 * need not exist: its address is a page nobody may touch. */
static void expect_send_refused(void)
{
#if SIZE_MAX > UINT32_MAX
    long page = sysconf(_SC_PAGESIZE);
    void *none = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    size_t huge = (size_t)UINT32_MAX + 1;
    unsigned char h[CONN_HEADER_SIZE];
    int sv[2], rc, err;

    if (none == MAP_FAILED)
        grade_fail("the grader could not map a page: %s", strerror(errno));
    setup(sv);
    errno = 0;
    rc = conn_send(sv[0], none, huge);
    err = errno;
    if (unread(sv[1]) >= (int)sizeof h) {
        raw_read(sv[1], h, sizeof h);
        grade_fail("conn_send of %zu bytes wrote a header announcing %lu bytes: refuse a "
                   "length that does not fit in 4 bytes (EMSGSIZE) before writing anything",
                   huge, (unsigned long)((uint32_t)h[0] << 24 | (uint32_t)h[1] << 16
                                         | (uint32_t)h[2] << 8 | h[3]));
    }
    if (unread(sv[1]) > 0)
        grade_fail("conn_send of %zu bytes wrote %d bytes: refuse a length that does not "
                   "fit in 4 bytes (EMSGSIZE) before writing anything", huge, unread(sv[1]));
    if (rc != -1 || err != EMSGSIZE)
        grade_fail("conn_send of %zu bytes (more than 4 bytes of length can say) returned "
                   "%d with errno %s: want -1 with errno %s", huge, rc, errno_name(err),
                   errno_name(EMSGSIZE));
#endif
}

static void test_size_limit(void)
{
    enum { MAX = 16 };
    char *buf = guarded_buffer(MAX), msg[MAX + 1], room[MAX + 64];
    unsigned char h[CONN_HEADER_SIZE];
    size_t len = 0;
    int sv[2], rc;

    setup(sv);
    for (int i = 0; i <= MAX; i++)
        msg[i] = (char)pattern((size_t)i);
    raw_frame(sv[1], msg, MAX);
    rc = conn_recv(sv[0], buf, MAX, &len);
    if (rc != 1 || len != MAX || memcmp(buf, msg, MAX) != 0)
        grade_fail("a message of exactly max (%d) bytes was not received whole (conn_recv "
                   "returned %d, %zu bytes): max bytes are allowed", MAX, rc, len);
    /* Into the guarded buffer: a read of the message fails (EFAULT) and
     * takes nothing. Then into one with room after max: a conn_recv that
     * reads the message before it looks at max now takes its bytes. */
    expect_refused(sv, buf, MAX, msg);
    setup(sv);
    expect_refused(sv, room, MAX, msg);

    setup(sv);
    header(UINT32_MAX, h);
    raw_write(sv[1], h, sizeof h);
    close(sv[1]);
    expect_error(sv[0], buf, MAX, EMSGSIZE, "a frame announced 4294967295 bytes to a buffer "
                 "of max 16 (and the stream ended after its header)");
    close(sv[0]);
    expect_send_refused();
}

static const struct grade_test tests[] = {
    { "whole_messages", 10, 10, test_whole_messages, HINT_BASICS, 0 },
    { "recv_byte_by_byte", 20, 10, test_recv_byte_by_byte, HINT_SHORT, 0 },
    { "send_short_writes", 15, 15, test_send_short_writes, HINT_SHORT, 0 },
    { "eintr", 15, 20, test_eintr, HINT_EINTR, 0 },
    { "end_of_file", 10, 10, test_end_of_file, HINT_EOF, 0 },
    { "eof_inside_frame", 15, 10, test_eof_inside_frame, HINT_EOF, 0 },
    { "size_limit", 15, 10, test_size_limit, HINT_LIMIT, 0 },
};

int main(int argc, char *argv[])
{
    return grade_main(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
