/* options.c - session3's command line; see options.h.
 * Everything is checked before anything starts: a bad value is exit 2.
 */
#include "session3/options.h"

#include "args.h"
#include "die.h"
#include "trace.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(void)
{
    printf("Usage: session3 [--verbose] [--demo list|dict] [--bench N]\n"
           "       session3 --serve HOST:PORT [--authkey-file FILE]\n"
           "       session3 --connect HOST:PORT (--insert NAME:SCORE | --print | --shutdown)\n"
           "                [--timeout SECONDS] [--authkey-file FILE]\n"
           "A manager server process holds the records; other processes change and read\n"
           "them through proxies, over an authenticated socket.\n"
           "\n"
           "  -v, --verbose            tag each line a child prints with its pid and its\n"
           "                           parent's pid (default: the tutorial's plain lines)\n"
           "      --trace=FILE         write every proxy call and the manager's handling\n"
           "                           of it to FILE as Trace Event Format JSON, for\n"
           "                           Perfetto (default: off)\n"
           "  -d, --demo=KIND          the shared object of the story: list (default) of\n"
           "                           (name, score) records, or dict of name -> score\n"
           "  -b, --bench=N            time N manager calls against N shared memory writes\n"
           "                           (1..10000000; default: no benchmark)\n"
           "  -s, --serve=HOST:PORT    run only the manager, on TCP (port 0: any free port;\n"
           "                           an IPv6 host in brackets: [::1]:5000); serves until\n"
           "                           SIGINT/SIGTERM or a shutdown request\n"
           "  -c, --connect=HOST:PORT  talk to a manager started with --serve\n"
           "  -i, --insert=NAME:SCORE  with --connect: append the record (NAME at most %d\n"
           "                           bytes, SCORE a 64-bit integer)\n"
           "  -p, --print              with --connect: print every record\n"
           "  -q, --shutdown           with --connect: ask the manager to stop\n"
           "  -t, --timeout=SECONDS    with --connect: the longest wait for the manager to\n"
           "                           accept, answer, or go on with a reply; then exit 1\n"
           "                           (1..3600; default: %d)\n"
           "  -k, --authkey-file=FILE  the shared secret for --serve and --connect: a\n"
           "                           regular file only its owner can read (chmod 600;\n"
           "                           default: the environment variable MANAGER_AUTHKEY;\n"
           "                           one final newline of the file is ignored)\n"
           "  -h, --help               print this help and exit\n"
           "\n"
           "Explained in docs/session3.md.\n", RECORD_NAME_MAX - 1, TIMEOUT_DEFAULT);
}

/* "HOST:PORT" or "[IPV6]:PORT" into opt->host and opt->port; the port is
 * checked for range. */
static void parse_address(const char *text, const char *what, long min_port,
                          struct options *opt)
{
    const char *host = text, *end;
    char msg[ARG_MSG_SIZE];
    size_t hostlen;
    long port;

    if (text[0] == '[') {
        host = text + 1;
        end = strchr(host, ']');
        if (end == NULL || end[1] != ':')
            usage_error("invalid %s '%s' (accepted: HOST:PORT or [IPV6]:PORT, e.g. "
                        "[::1]:5000)", what, text);
        end++;
    } else {
        end = strrchr(text, ':');
    }
    if (end == NULL || end == host || (host != text && end == host + 1))
        usage_error("invalid %s '%s' (accepted: HOST:PORT, e.g. 127.0.0.1:5000)", what, text);
    hostlen = (size_t)(end - host) - (host != text);
    if (hostlen >= sizeof opt->host)
        usage_error("%s host is too long (accepted: at most %zu bytes)", what,
                    sizeof opt->host - 1);
    if (arg_long(end + 1, "port", min_port, 65535, &port, msg, sizeof msg) == -1)
        usage_error("%s", msg);
    memcpy(opt->host, host, hostlen);
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

static const char *kind_of(mode_t mode)
{
    return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
         : S_ISCHR(mode) ? "a character device" : S_ISSOCK(mode) ? "a socket"
         : "not a regular file";
}

/* The whole of a key file, at most AUTH_KEY_MAX bytes; its length. Opened
 * with O_NONBLOCK and checked with fstat() before any read, so a FIFO or a
 * device is refused instead of waited on; and like ssh with a private key,
 * a key that other users may read is refused. */
static size_t read_key_file(const char *file, unsigned char key[AUTH_KEY_MAX])
{
    unsigned char buf[AUTH_KEY_MAX + 1];
    int fd = open(file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    ssize_t len;

    if (fd == -1)
        usage_error("cannot open --authkey-file '%s': %s", file, strerror(errno));
    if (fstat(fd, &st) == -1)
        die("fstat");
    if (!S_ISREG(st.st_mode))
        usage_error("--authkey-file '%s' is %s (accepted: a regular file)", file,
                    kind_of(st.st_mode));
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        fail("--authkey-file '%s' is open to other users (mode %04o); make it private: "
             "chmod 600 '%s'", file, (unsigned)(st.st_mode & 07777), file);
    len = read_full(fd, buf, sizeof buf);
    close(fd);
    if (len < 0 || (size_t)len > AUTH_KEY_MAX)
        usage_error("cannot read --authkey-file '%s' (accepted: a readable file of at "
                    "most %d bytes)", file, AUTH_KEY_MAX);
    memcpy(key, buf, (size_t)len);
    return (size_t)len;
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

/* Which options go together. */
static void check_combination(const struct options *opt, int demo_given,
                              const char *keyfile, int timeout_given)
{
    int remote = opt->serve != NULL || opt->connect != NULL;

    if (opt->serve != NULL && opt->connect != NULL)
        usage_error("--serve and --connect cannot be used together");
    if (remote && (demo_given || opt->bench > 0))
        usage_error("--demo and --bench run the local story; they do not go with "
                    "--serve or --connect");
    if (opt->verbose && (remote || opt->bench > 0))
        usage_error("--verbose tags the lines of the story's children; it does not go "
                    "with --serve, --connect or --bench");
    if ((opt->insert || opt->print || opt->shutdown) && opt->connect == NULL)
        usage_error("--insert, --print and --shutdown need --connect HOST:PORT");
    if (opt->connect != NULL && opt->insert + opt->print + opt->shutdown != 1)
        usage_error("--connect needs exactly one of --insert NAME:SCORE, --print "
                    "or --shutdown");
    if (timeout_given && opt->connect == NULL)
        usage_error("--timeout goes with --connect");
    if (keyfile != NULL && !remote)
        usage_error("--authkey-file goes with --serve or --connect");
}

void parse_options(int argc, char *argv[], struct options *opt)
{
    static const struct option options[] = {
        { "verbose", no_argument, NULL, 'v' },
        { "demo", required_argument, NULL, 'd' },
        { "bench", required_argument, NULL, 'b' },
        { "serve", required_argument, NULL, 's' },
        { "connect", required_argument, NULL, 'c' },
        { "insert", required_argument, NULL, 'i' },
        { "print", no_argument, NULL, 'p' },
        { "shutdown", no_argument, NULL, 'q' },
        { "timeout", required_argument, NULL, 't' },
        { "authkey-file", required_argument, NULL, 'k' },
        { "trace", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static const char *const tracks[] = { "manager", "p1", "p2", NULL };   /* the story's */
    const char *keyfile = NULL;
    char msg[ARG_MSG_SIZE];
    int opt_char, demo_given = 0, timeout_given = 0;

    opt->timeout = TIMEOUT_DEFAULT;
    opterr = 0;
    while ((opt_char = getopt_long(argc, argv, ":vd:b:s:c:i:pqt:k:h", options, NULL)) != -1) {
        switch (opt_char) {
        case 'v': opt->verbose = 1; break;
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
        case 't':
            if (arg_long(optarg, "--timeout", 1, 3600, &opt->timeout, msg, sizeof msg) == -1)
                usage_error("%s", msg);
            timeout_given = 1;
            break;
        case 'k': keyfile = optarg; break;
        case 'T': opt->trace = optarg; break;
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
    check_combination(opt, demo_given, keyfile, timeout_given);
    if (opt->serve != NULL || opt->connect != NULL)
        read_key(keyfile, opt);
    if (opt->trace != NULL && trace_run(opt->trace, "session3", 8, TRACE_CAPACITY / 4,
                                        tracks) == -1)
        die(trace_what(opt->trace));    /* proxy.c and server.c record the calls */
}
