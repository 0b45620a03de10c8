/* session1 - a child process has its own memory.
 *
 * The tutorial's first program in C: fork() makes p1, p1 appends the squares
 * to its copy of the global `result`, and the parent's `result` stays empty.
 * docs/session1.md puts it beside the Python (session1.py) and explains it.
 */
#include "args.h"
#include "die.h"
#include "options.h"
#include "output.h"
#include "proc.h"
#include "pylist.h"
#include "start.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The tutorial's global `result = []`: room for the squares, none yet.
 * main allocates it before fork(), so it is at one address in both processes. */
static long *result; /* line:result */
static size_t result_len;

static void print_result(const char *who)
{
    printf("Result(in %s): ", who);
    pylist_print_longs(stdout, result, result_len);
    fputs(output_tag_at("result", result), stdout); /* --verbose: who printed this */
    putchar('\n');
}

/* The target of process p1: it runs in the child only. */
static void square_list(const long *mylist, size_t len)
{
    for (size_t i = 0; i < len; i++)                    /* for num in mylist: */ /* line:loop */
        result[result_len++] = mylist[i] * mylist[i];   /* result.append(num * num) */ /* line:append */
    print_result("process p1");     /* print("Result(in process p1): {}".format(result)) */ /* line:print-p1 */
}

int main(int argc, char *argv[])
{
    struct options opt;
    sigset_t before;
    pid_t parent, p1;
    int status;

    die_init("session1");
    parse_options(argc, argv, &opt);                /* mylist = [1,2,3,4] */ /* line:options */
    result = malloc(opt.len * sizeof *result);      /* result = [] */ /* line:malloc */
    if (result == NULL)
        die("malloc");
    if (opt.start != START_TUTORIAL)                /* --start fork|spawn: start.c */
        return lab_start(&opt, square_list, print_result);
    if (proc_cleanup_on_signals() == -1)            /* Ctrl-C stops p1 too */ /* line:cleanup */
        die("sigaction");

    /* p1 = multiprocessing.Process(target=square_list, args=(mylist,)) */
    parent = getpid();                              /* so p1 can end if main dies */
    if (proc_hold_signals(&before) == -1)           /* Ctrl-C waits until p1 is tracked */ /* line:hold */
        die("sigprocmask");
    p1 = fork();                                    /* p1.start() */ /* line:fork */
    if (p1 == -1)
        die("fork");
    if (p1 == 0) {                                  /* in p1, a copy of main */ /* line:child */
        proc_child_init(parent); /* line:child-init */
        proc_release_signals(&before);
        square_list(opt.mylist, opt.len); /* line:call */
        if (fflush(stdout) == EOF) /* line:flush */
            die_child("write error");
        _exit(0);   /* not exit(): no atexit handlers, no second flush of copied buffers */ /* line:exit */
    }
    if (proc_track(p1) == -1)       /* so that Ctrl-C stops and reaps p1 too */ /* line:track */
        die("proc_track");
    proc_release_signals(&before);                  /* a Ctrl-C held back arrives now */ /* line:release */

    while (waitpid(p1, &status, 0) == -1)           /* p1.join() */ /* line:join */
        if (errno != EINTR)
            die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_child("p1", status); /* line:fail */

    print_result("main program");   /* print("Result(in main program): {}".format(result)) */ /* line:print-main */
    free(result);
    return fflush(stdout) == 0 ? 0 : 1;
}
