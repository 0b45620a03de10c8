/* options.c - session5's command line: one table (args.h); see options.h. */
#include "options.h"

#include "args.h"
#include "output.h"
#include "trace.h"
#include "pipe.h"

#include <unistd.h>

#define MAX_BOTH_SEND (64L * 1024 * 1024)   /* --both-send: 64 MiB */

/* The options that pick a lab each run their own pair of processes, so at
 * most one of them; --oneway changes the Pipe under the tutorial and --bytes. */
static const struct arg_rule rules[] = {
    { "oneway", ARG_NONE_OF, "duplex lockstep both-send",
      "--{with} needs both ends to talk; it does not go with --oneway" },
    { "bytes", ARG_NONE_OF, "- duplex lockstep both-send", "--bytes sends one message one way "
      "(accepted with it: --oneway)" },
    { "both-send", ARG_NONE_OF, "- duplex lockstep", "--both-send sends one message from each "
      "end (accepted with it: --verbose)" },
    { "wait", ARG_NONE_OF, "oneway duplex lockstep bytes both-send", "--wait runs the "
      "tutorial's sender and receiver (accepted with it: messages, --verbose)" },
    { "duplex", ARG_NONE_OF, "lockstep", "--lockstep and --duplex are two ways to wait for the "
      "receiver; choose one" },
    { 0 },
};

void parse_options(int argc, char *argv[], struct options *opt)
{
    static char *tutorial_msgs[] = { "hello", "hey", "hru?", "END" };
    const struct arg_option rows[] = {
        { .arg = "MESSAGE", .help = "the messages to send (default: hello hey hru? END)" },
        { "oneway", 'o', NULL, "a one-way pipe() instead of a duplex socketpair()\n"
          "(default: duplex)", .flag = &opt->oneway },
        { "duplex", 'd', NULL, "the receiver answers every message, the sender prints\n"
          "each reply (default: off; not with --oneway)", .flag = &opt->duplex },
        { "lockstep", 'l', NULL, "the sender waits until each message was received before\n"
          "it sends the next: one fixed order (default: off;\n"
          "not with --oneway or --duplex)", .flag = &opt->lockstep },
        { "bytes", 'b', "N", "send one message of N bytes, {min}..{max} (256 MiB), and\n"
          "check it arrives intact (default: off)",
          .number = &opt->bytes, 0, (long)PIPE_MAX_MSG },
        { "both-send", 'B', "N", "both ends send N bytes before either reads, {min}..{max}\n"
          "(64 MiB); past what the kernel buffers that is a\n"
          "deadlock, reported within 2 s with exit 1 (default: off)",
          .number = &opt->both_send, 0, MAX_BOTH_SEND },
        { "wait", 'w', "HOW", "how the receiver waits for each message: sleep (in\n"
          "read(), on the socketpair) or spin (on a word in shared\n"
          "memory); prints the CPU both processes used at the end\n"
          "(default: sleep, without that line)", .choice = &opt->wait,
          .choices = ARG_WORDS("sleep", "spin") },
        { "verbose", 'v', NULL, "tag each line with the pid of the process that printed\n"
          "it and of its parent (default: off)", .flag = &opt->verbose },
        { "trace", 0, "FILE", "write every send and recv (the message) of every process\n"
          "to FILE as Trace Event Format JSON, for Perfetto\n"
          "(default: off)", .text = &opt->trace },
        { 0 },
    };
    const struct arg_table table = {
        "A sender process sends messages through a Pipe; a receiver process prints\n"
        "them until the message END, or until the sender closes its end.\n\n",
        .rows = rows, .column = 20, .rules = rules,
    };

    *opt = (struct options){ .bytes = -1, .both_send = -1, .wait = WAIT_UNSET };
    arg_read(argc, argv, &table, opt);
    output_tag_init(opt->verbose, 0);
    trace_run_or_die(opt->trace, 4, TRACE_CAPACITY / 4, ARG_WORDS("p1 (sender)", "p2 (receiver)"));
    opt->msgs = optind < argc ? argv + optind : tutorial_msgs;
    opt->count = optind < argc ? (size_t)(argc - optind) : 4;
}

