/* session1 - a child process has its own memory.
 *
 * The child appends the squares to the global list `result`; the parent's
 * `result` stays empty, because fork() gave the child a copy of the parent's
 * memory, not a share of it. docs/session1.md walks through the output.
 */
#include "args.h"
#include "die.h"
#include "proc.h"
#include "pylist.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Like the tutorial's global `result = []`: room for the squares, none yet.
 * Allocated before fork(), so it sits at the same address in both processes. */
static long *result;
static size_t result_len;

static int verbose;

struct task {
    const long *mylist;
    size_t len;
};

static void print_result(const char *who)
{
    printf("Result(in %s): ", who);
    pylist_print_longs(stdout, result, result_len);
    if (verbose)
        printf("  [pid %ld, result at %p]", (long)getpid(), (void *)result);
    putchar('\n');
}

/* The target of process p1. Runs in the child only. */
static int square_list(void *arg)
{
    const struct task *t = arg;

    for (size_t i = 0; i < t->len; i++)
        result[result_len++] = t->mylist[i] * t->mylist[i];
    print_result("process p1");
    return 0;
}

static void usage(void)
{
    printf("Usage: session1 [OPTION]... [NUMBER]...\n"
           "A child process gets a copy of its parent's memory: the child fills its\n"
           "list with squares, the parent's list stays empty.\n"
           "\n"
           "  NUMBER         the input list (default: 1 2 3 4); each in\n"
           "                 -3037000499..3037000499, so its square fits in a long\n"
           "                 (put -- before a list that starts with a negative number)\n"
           "  -v, --verbose  also print each process's PID and the address of result\n"
           "  -h, --help     print this help and exit\n"
           "\n"
           "Explained in docs/session1.md.\n");
}

int main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "verbose", no_argument, NULL, 'v' },
        { "help",    no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static const long default_list[] = { 1, 2, 3, 4 };
    const long square_root_of_long_max = 3037000499L;
    char msg[ARG_MSG_SIZE];
    struct task task = { default_list, 4 };
    long *parsed = NULL;
    int opt, status;
    pid_t p1;

    die_init("session1");
    opterr = 0;     /* we print our own one-line message */
    while ((opt = getopt_long(argc, argv, ":vh", options, NULL)) != -1) {
        switch (opt) {
        case 'v':
            verbose = 1;
            break;
        case 'h':
            usage();
            return 0;
        default:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            usage_error("%s", msg);
        }
    }
    if (optind < argc) {
        task.len = (size_t)(argc - optind);
        parsed = malloc(task.len * sizeof *parsed);
        if (parsed == NULL)
            die("malloc");
        if (arg_long_list(argv + optind, task.len, "list item",
                          LONG_MIN, LONG_MAX, parsed, msg, sizeof msg) == -1)
            usage_error("%s", msg);
        for (size_t i = 0; i < task.len; i++)
            if (parsed[i] < -square_root_of_long_max
                || parsed[i] > square_root_of_long_max)
                usage_error("%ld squared does not fit in a long "
                            "(accepted: -%ld..%ld)", parsed[i],
                            square_root_of_long_max, square_root_of_long_max);
        task.mylist = parsed;
    }

    result = malloc(task.len * sizeof *result);
    if (result == NULL)
        die("malloc");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");

    p1 = proc_start(square_list, &task);        /* p1.start() */
    if (p1 == -1)
        die("fork");
    if (proc_join(p1, &status) == -1)           /* p1.join() */
        die("waitpid");
    if (!proc_succeeded(status)) {
        char how[64];
        fail("process p1 %s", proc_describe_status(status, how, sizeof how));
    }

    print_result("main program");
    free(result);
    free(parsed);
    return fflush(stdout) == 0 ? 0 : 1;
}
