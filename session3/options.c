/* options.c - session3's command line; see options.h.
 * Everything is checked before anything starts: a bad value is exit 2.
 */
#include "options.h"

#include "args.h"
#include "authkey.h"
#include "die.h"
#include "trace.h"

/* Which options go together. */
static const struct arg_rule rules[] = {
    { "serve", ARG_NONE_OF, "connect", "--serve and --connect cannot be used together" },
    { "serve connect", ARG_NONE_OF, "demo bench", "--demo and --bench run the local story; "
      "they do not go with --serve or --connect" },
    { "verbose", ARG_NONE_OF, "serve connect bench", "--verbose tags the lines of the "
      "story's children; it does not go with --serve, --connect or --bench" },
    { "insert print shutdown", ARG_ONE_OF, "connect",
      "--insert, --print and --shutdown need --connect HOST:PORT" },
    { "connect", ARG_EXACTLY_ONE_OF, "insert print shutdown",
      "--connect needs exactly one of --insert NAME:SCORE, --print or --shutdown" },
    { "timeout", ARG_ONE_OF, "connect", "--timeout goes with --connect" },
    { "authkey-file", ARG_ONE_OF, "serve connect",
      "--authkey-file goes with --serve or --connect" },
    { 0 },
};

/* How long --connect waits for the manager at each step, by default. */
#define TIMEOUT_DEFAULT 10
_Static_assert(TIMEOUT_DEFAULT == 10, "--help says default: 10");

void parse_options(int argc, char *argv[], struct options *opt)
{
    const char *keyfile = NULL, *record = NULL;
    const struct arg_option rows[] = {
        { "verbose", 'v', NULL, "tag each line a child prints with its pid and its\n"
          "parent's pid (default: the tutorial's plain lines)", .flag = &opt->verbose },
        { "demo", 'd', "KIND", "the shared object of the story: list (default) of\n"
          "(name, score) records, or dict of name -> score",
          .choice = &opt->demo_dict, .choices = ARG_WORDS("list", "dict") },
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
          "({min}..{max}; default: 10)", .number = &opt->timeout, 1, 3600 },
        { "authkey-file", 'k', "FILE", "the shared secret for --serve and --connect: a\n"
          "regular file only its owner can read (chmod 600;\n"
          "default: the environment variable MANAGER_AUTHKEY;\n"
          "one final newline of the file is ignored)", .text = &keyfile },
        { "trace", 0, "FILE", "write every proxy call and the manager's\n"
          "handling of it to FILE as Trace Event Format\n"
          "JSON, for Perfetto (default: off)", .text = &opt->trace },
        { 0 },
    };
    const struct arg_table table = {
        "Usage: session3 [--verbose] [--demo list|dict] [--bench N]\n"
        "       session3 --serve HOST:PORT [--authkey-file FILE]\n"
        "       session3 --connect HOST:PORT (--insert NAME:SCORE | --print | --shutdown)\n"
        "                [--timeout SECONDS] [--authkey-file FILE]\n"
        "A manager server process holds the records; other processes change and read\n"
        "them through proxies, over an authenticated socket.\n\n",
        .rows = rows, .column = 27,
    };
    char msg[ARG_MSG_SIZE];

    opt->timeout = TIMEOUT_DEFAULT;
    exit_on_usage(arg_parse(argc, argv, &table, opt, msg, sizeof msg), msg);
    if ((opt->serve != NULL && address_parse(opt->serve, "--serve", 0, opt->host, opt->port,
                                             msg, sizeof msg) == -1)
        || (opt->connect != NULL && address_parse(opt->connect, "--connect", 1, opt->host,
                                                  opt->port, msg, sizeof msg) == -1)
        || (record != NULL && record_parse(record, &opt->new_record, msg, sizeof msg) == -1))
        usage_error("%s", msg);
    exit_on_usage(arg_check(rows, rules, msg, sizeof msg), msg);
    if (opt->serve != NULL || opt->connect != NULL)
        read_authkey(keyfile, opt);
    trace_run_or_die(opt->trace, 8, TRACE_CAPACITY / 4, ARG_WORDS("manager", "p1", "p2"));
}
