/* options.c - session3's command line; see options.h.
 * Everything is checked before anything starts: a bad value is exit 2.
 */
#include "options.h"

#include "args.h"
#include "authkey.h"
#include "die.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

_Static_assert(TIMEOUT_DEFAULT == 10, "--help says default: 10");

static const char *const demos[] = { "list", "dict", NULL };

/* --trace: the tracks of the processes, named as the tutorial names them. */
static const char *const trace_tracks[] = { "manager", "p1", "p2", NULL };

void parse_options(int argc, char *argv[], struct options *opt)
{
    const char *keyfile = NULL, *record = NULL;
    int demo_given = 0, timeout_given = 0;
    const struct arg_option rows[] = {
        { "verbose", 'v', NULL, "tag each line a child prints with its pid and its\n"
          "parent's pid (default: the tutorial's plain lines)", .flag = &opt->verbose },
        { "demo", 'd', "KIND", "the shared object of the story: list (default) of\n"
          "(name, score) records, or dict of name -> score",
          .choice = &opt->demo_dict, .choices = demos, .seen = &demo_given },
        { "bench", 'b', "N", "time N manager calls against N shared memory writes\n"
          "({min}..{max}; default: no benchmark)", .number = &opt->bench, 1, 10000000 },
        { "serve", 's', "HOST:PORT", "run only the manager, on TCP (port 0: any free port;\n"
          "an IPv6 host in brackets: [::1]:5000); serves until\n"
          "SIGINT/SIGTERM or a shutdown request", .text = &opt->serve },
        { "connect", 'c', "HOST:PORT", "talk to a manager started with --serve",
          .text = &opt->connect },
        { "insert", 'i', "NAME:SCORE", "with --connect: append the record (NAME at most {max}\n"
          "bytes, SCORE a 64-bit integer)", .max = RECORD_NAME_MAX - 1, .text = &record,
          .flag = &opt->insert },
        { "print", 'p', NULL, "with --connect: print every record", .flag = &opt->print },
        { "shutdown", 'q', NULL, "with --connect: ask the manager to stop",
          .flag = &opt->shutdown },
        { "timeout", 't', "SECONDS", "with --connect: the longest wait for the manager to\n"
          "accept, answer, or go on with a reply; then exit 1\n"
          "({min}..{max}; default: 10)", .number = &opt->timeout, 1, 3600,
          .seen = &timeout_given },
        { "authkey-file", 'k', "FILE", "the shared secret for --serve and --connect: a\n"
          "regular file only its owner can read (chmod 600;\n"
          "default: the environment variable MANAGER_AUTHKEY;\n"
          "one final newline of the file is ignored)", .text = &keyfile },
        { "trace", 0, "FILE", "write every proxy call and the manager's handling of it\n"
          "to FILE as Trace Event Format JSON, for Perfetto\n"
          "(default: off)", .text = &opt->trace },
        { 0 },
    };
    const struct arg_table table = {
        "Usage: session3 [--verbose] [--demo list|dict] [--bench N]\n"
        "       session3 --serve HOST:PORT [--authkey-file FILE]\n"
        "       session3 --connect HOST:PORT (--insert NAME:SCORE | --print | --shutdown)\n"
        "                [--timeout SECONDS] [--authkey-file FILE]\n"
        "A manager server process holds the records; other processes change and read\n"
        "them through proxies, over an authenticated socket.\n\n",
        .rows = rows, .column = 27, .operands = 0, .end = "\nExplained in docs/session3.md.\n",
    };
    char msg[ARG_MSG_SIZE];

    opt->timeout = TIMEOUT_DEFAULT;
    exit_on_usage(arg_parse(argc, argv, &table, opt, msg, sizeof msg), msg);
    if (opt->serve != NULL)
        parse_address(opt->serve, "--serve", 0, opt);
    if (opt->connect != NULL)
        parse_address(opt->connect, "--connect", 1, opt);
    if (record != NULL)
        parse_record(record, opt);
    check_combination(opt, demo_given, keyfile, timeout_given);
    if (opt->serve != NULL || opt->connect != NULL)
        read_authkey(keyfile, opt);
    if (opt->trace != NULL
        && trace_run(opt->trace, "session3", 8, TRACE_CAPACITY / 4,
                     trace_tracks) == -1)
        die(trace_what(opt->trace));
}
