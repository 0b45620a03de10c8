/* start.c - session1 --start fork|spawn: how p1 begins.
 *
 * fork: p1 is a copy of main at the moment of fork(), globals included.
 * spawn: fork(), then execv() of this very program with "--child" and the
 * numbers, so p1 starts again from main in a fresh image and knows only what
 * its arguments say: the C picture of Python's spawn (and forkserver) start
 * methods, of pickling the args, and of `if __name__ == "__main__":`.
 * docs/session1.md, "What Python users run into".
 */
#include "start.h"

#include "die.h"
#include "output.h"
#include "proc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

/* A global that main sets before p1.start(), as a program sets up its
 * configuration, logging or a database handle. A spawned p1 never ran that
 * line of main, so it still holds 0. */
static int configured;

static void print_configured(const char *who)
{
    printf("configured(in %s): %d", who, configured);
    fputs(output_tag_at("configured", &configured), stdout);
    putchar('\n');
}

/* In p1, after fork(): becomes a fresh session1 that is told by its
 * arguments alone what to do ("pickled": numbers turned into text). */
static _Noreturn void exec_self(const struct options *opt)
{
    char **argv = calloc(opt->len + 5, sizeof *argv);
    char (*numbers)[24] = calloc(opt->len, sizeof *numbers);
    char self[PATH_MAX];
    size_t argc = 0;
    /* Linux names the file this process runs /proc/self/exe; its target is
     * the program's path (a tool like valgrind reports the client's). */
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

    if (n == -1)
        die_child("readlink /proc/self/exe");
    self[n] = '\0';
    if (argv == NULL || numbers == NULL)
        die_child("calloc");
    argv[argc++] = "session1";
    argv[argc++] = "--child";
    if (opt->verbose)
        argv[argc++] = "--verbose";
    argv[argc++] = "--";            /* a negative number is not an option */
    for (size_t i = 0; i < opt->len; i++) {
        snprintf(numbers[i], sizeof numbers[i], "%ld", opt->mylist[i]);
        argv[argc++] = numbers[i];
    }
    argv[argc] = NULL;
    execv(self, argv);
    die_child("execv");
}

/* What p1 runs (proc_start has forked it and flushed main's output). */
struct p1_work {
    const struct options *opt;
    target_fn square_list;
};

static int run_p1(void *arg)
{
    const struct p1_work *w = arg;

    if (w->opt->start == START_SPAWN)
        exec_self(w->opt);
    w->square_list(w->opt->mylist, w->opt->len);
    print_configured("process p1");
    return 0;
}

int lab_start(const struct options *opt, target_fn square_list,
              printer_fn print_result)
{
    struct p1_work work = { opt, square_list };
    pid_t p1;

    if (opt->spawned_child) {       /* we are p1, started by exec_self */
        square_list(opt->mylist, opt->len);
        print_configured("process p1");
        return 0;                   /* a fresh image may exit() normally */
    }

    configured = 1;                 /* main's set-up, before p1.start() */
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");
    p1 = proc_start(run_p1, &work);                 /* p1.start() */
    if (p1 == -1)
        die("fork");
    join_or_fail(p1, "p1");                         /* p1.join() */

    print_result("main program");
    print_configured("main program");
    return 0;
}
