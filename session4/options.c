/* options.c - session4's options: which queue, which lab, how many processes
 * and items. The lesson (session4.c) makes one call, parse_options.
 */
#include "options.h"

#include "args.h"
#include "die.h"
#include "output.h"
#include "queue.h"
#include "trace.h"

/* Combinations that cannot work, refused before any process starts. */
static void check_combinations(const struct options *o, const struct arg_option *rows)
{
    static const struct arg_rule rules[] = { { "concurrent", ARG_NONE_OF, "join-before-drain",
        "--concurrent and --join-before-drain are two labs (accepted: one of them)" }, { 0 } };
    long capacity = o->maxsize > 0 ? o->maxsize : QUEUE_DEFAULT_MAXSIZE;  /* of the run's queue */
    char msg[ARG_MSG_SIZE];

    if (o->producers * o->count > MAX_ITEMS)
        usage_error("--producers x --count is %ld items (accepted: at most %ld in all)",
                    o->producers * o->count, MAX_ITEMS);
    exit_on_usage(arg_check(rows, rules, msg, sizeof msg), msg);
    if ((o->concurrent || o->join_before_drain) && (o->producers != 1 || o->consumers != 1))
        usage_error("--%s runs %s (accepted with it: --count, --maxsize, --queue)",
                    o->concurrent ? "concurrent" : "join-before-drain",
                    o->concurrent ? "one producer and two consumers" : "one producer");
    if (o->concurrent && o->count < 2)
        usage_error("--concurrent needs --count 2 or more, to pause half way");
    /* Queue A holds the first half until consumer A starts, and nobody takes
     * the second half after A stops early: each half must fit, or the
     * producer would wait for room forever. */
    if (o->concurrent && o->count > 2 * capacity)
        usage_error("--concurrent --count %ld does not fit: queue A must hold each half "
                    "(accepted: --count at most %ld, twice the queue size)",
                    o->count, 2 * capacity);
}

_Static_assert(QUEUE_DEFAULT_MAXSIZE == 32768, "--help says 0 is 32768");

void parse_options(int argc, char *argv[], struct options *o)
{
    const struct arg_option rows[] = {
        { "queue", 'q', "KIND", "textbook: a lock and two counting semaphores;\n"
          "ring: the lock-free ring (default textbook)", .choice = &o->queue,
          .choices = ARG_WORDS("textbook", "ring"),
          .invalid = "unknown --queue '{value}' (accepted: textbook, ring)" },
        { "producers", 'p', "P", "producer processes, {min}..{max} (default 1)",
          .number = &o->producers, 1, MAX_PROCS, .seen = &o->counting },
        { "consumers", 'c', "C", "consumer processes, {min}..{max} (default 1)",
          .number = &o->consumers, 1, MAX_PROCS, .seen = &o->counting },
        { "count", 'n', "N", "items each producer puts, {min}..{max} in all\n(default 1000)",
          .number = &o->count, 1, MAX_ITEMS, .seen = &o->count_given },
        { "maxsize", 'm', "S", "the queue holds at most S items, {min}..{max}; 0 is\n"
          "32768 (default 0)", .number = &o->maxsize, 0, 1000000, .seen = &o->counting },
        { "concurrent", 0, NULL, "one producer, two consumers started while it runs:\n"
          "'while not empty()' next to 'get until end-of-queue'\n"
          "(--count at most twice the queue size)", .flag = &o->concurrent },
        { "join-before-drain", 0, NULL, "p1 puts more than the queue holds (or --count items)\n"
          "and main joins it before reading: the deadlock of\n"
          "gh-73983, detected within 2 s, exit 1 (default off)", .flag = &o->join_before_drain },
        { "verbose", 'v', NULL, "tag each line a child prints with its pid and its\n"
          "parent's (default off)", .flag = &o->verbose },
        { "trace", 0, "FILE", "write every put and get (the item, and how long it\n"
          "waited) of every process to FILE as Trace Event Format\n"
          "JSON, for Perfetto (default off)", .text = &o->trace },
        { 0 },
    };
    const struct arg_table table = {
        "A Queue in shared memory: p1 puts the squares of 1 2 3 4, p2 takes them out.\n"
        "With --producers, --consumers, --count or --maxsize, many processes share\n"
        "one queue instead.\n\n",
        .rows = rows, .column = 23,
    };

    *o = (struct options){ .queue = QUEUE_TEXTBOOK, .producers = 1, .consumers = 1,
                              .count = 1000 };
    arg_read(argc, argv, &table, o);
    o->counting |= o->count_given;
    check_combinations(o, rows);
    output_tag_init(o->verbose, 0);
    /* The tutorial's two processes are named as it names them; a lab's are
     * "process N", in the order they start. */
    trace_run_or_die(o->trace, 16, TRACE_CAPACITY / 4,
                     o->counting || o->concurrent ? NULL : ARG_WORDS("p1", "p2"));
}
