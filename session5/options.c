/* options.c - session5's --help and option parsing (options.h). */
#include "session5/options.h"

#include "args.h"
#include "die.h"
#include "trace.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_BYTES (256L * 1024 * 1024)      /* --bytes: 256 MiB */
#define MAX_BOTH_SEND (64L * 1024 * 1024)   /* --both-send: 64 MiB */

static int verbose;

static void usage(void)
{
    printf("Usage: session5 [OPTION]... [MESSAGE]...\n"
           "A sender process sends messages through a Pipe; a receiver process prints\n"
           "them until the message END, or until the sender closes its end.\n"
           "\n"
           "  MESSAGE           the messages to send (default: hello hey hru? END)\n"
           "  -o, --oneway      a one-way pipe() instead of a duplex socketpair()\n"
           "                    (default: duplex)\n"
           "  -d, --duplex      the receiver answers every message, the sender prints\n"
           "                    each reply (default: off; not with --oneway)\n"
           "  -l, --lockstep    the sender waits until each message was received before\n"
           "                    it sends the next: one fixed order (default: off;\n"
           "                    not with --oneway or --duplex)\n"
           "  -b, --bytes=N     send one message of N bytes, 0..%ld (256 MiB), and\n"
           "                    check it arrives intact (default: off)\n"
           "  -B, --both-send=N both ends send N bytes before either reads, 0..%ld\n"
           "                    (64 MiB); past what the kernel buffers that is a\n"
           "                    deadlock, reported within 2 s with exit 1 (default: off)\n"
           "  -v, --verbose     tag each line with the pid of the process that printed\n"
           "                    it and of its parent (default: off)\n"
           "      --trace=FILE  write every send and recv (the message) of every\n"
           "                    process to FILE as Trace Event Format JSON, for\n"
           "                    Perfetto (default: off)\n"
           "  -h, --help        print this help and exit\n"
           "\n"
           "Explained in docs/session5.md.\n", MAX_BYTES, MAX_BOTH_SEND);
}

static void number(const char *name, long max, long *out)
{
    char msg[ARG_MSG_SIZE];

    if (arg_long(optarg, name, 0, max, out, msg, sizeof msg) == -1)
        usage_error("%s", msg);
}

/* The options that pick a lab each run their own pair of processes, so at
 * most one of them; --oneway changes the Pipe under the tutorial and --bytes. */
static void check_combinations(const struct options *o, int have_msgs)
{
    if (o->oneway && (o->duplex || o->lockstep || o->both_send >= 0))
        usage_error("--%s needs both ends to talk; it does not go with --oneway",
                    o->duplex ? "duplex" : o->lockstep ? "lockstep" : "both-send");
    if (o->bytes >= 0 && (have_msgs || o->duplex || o->lockstep || o->both_send >= 0))
        usage_error("--bytes sends one message one way (accepted with it: --oneway)");
    if (o->both_send >= 0 && (have_msgs || o->duplex || o->lockstep))
        usage_error("--both-send sends one message from each end "
                    "(accepted with it: --verbose)");
    if (o->duplex && o->lockstep)
        usage_error("--lockstep and --duplex are two ways to wait for the "
                    "receiver; choose one");
}

void parse_options(int argc, char *argv[], struct options *opt)
{
    static const struct option options[] = {
        { "oneway",    no_argument,       NULL, 'o' },
        { "duplex",    no_argument,       NULL, 'd' },
        { "lockstep",  no_argument,       NULL, 'l' },
        { "bytes",     required_argument, NULL, 'b' },
        { "both-send", required_argument, NULL, 'B' },
        { "verbose",   no_argument,       NULL, 'v' },
        { "trace",     required_argument, NULL, 'T' },
        { "help",      no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static char *tutorial_msgs[] = { "hello", "hey", "hru?", "END" };
    static const char *const tracks[] = { "p1 (sender)", "p2 (receiver)", NULL };
    char msg[ARG_MSG_SIZE];
    int c;

    *opt = (struct options){ .bytes = -1, .both_send = -1 };
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":odlb:B:vh", options, NULL)) != -1) {
        switch (c) {
        case 'o': opt->oneway = 1; break;
        case 'd': opt->duplex = 1; break;
        case 'l': opt->lockstep = 1; break;
        case 'b': number("--bytes", MAX_BYTES, &opt->bytes); break;
        case 'B': number("--both-send", MAX_BOTH_SEND, &opt->both_send); break;
        case 'v': opt->verbose = 1; break;
        case 'T': opt->trace = optarg; break;
        case 'h': usage(); exit(0);
        default:
            arg_getopt_problem(c, argv, msg, sizeof msg);
            usage_error("%s", msg);
        }
    }
    check_combinations(opt, optind < argc);
    verbose = opt->verbose;
    opt->msgs = optind < argc ? argv + optind : tutorial_msgs;
    opt->count = optind < argc ? (size_t)(argc - optind) : 4;
    if (opt->trace != NULL && trace_run(opt->trace, "session5", 4, TRACE_CAPACITY / 4,
                                        tracks) == -1)
        die(trace_what(opt->trace));        /* pipe.c records every send and recv */
}

const char *tag(void)
{
    static char tag[64];

    if (!verbose)
        return "";
    snprintf(tag, sizeof tag, "  [pid %ld, parent %ld]", (long)getpid(), (long)getppid());
    return tag;
}
