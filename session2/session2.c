/* session2 - shared Value and Array.
 *
 * session1's story again, but `result` and `square_sum` live in memory that
 * mmap(MAP_SHARED) gave main before fork(): both processes see the same pages,
 * so main reads what p1 wrote. docs/session2.md puts it beside session2.py.
 */
#define _DEFAULT_SOURCE         /* MAP_ANONYMOUS: not in POSIX 2008, on every Unix */
#include "args.h"
#include "die.h"
#include "named.h"
#include "options.h"
#include "output.h"
#include "proc.h"
#include "typecode.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Array(typecode, len), or Value(typecode) when len is 1: zero-filled pages
 * that every process which inherits the mapping shares; no file, no name. */
static struct shared shared_new(char typecode, size_t len)
{
    struct shared s = { typecode, len, NULL };

    s.mem = mmap(NULL, shared_size(&s), PROT_READ | PROT_WRITE, /* line:mmap */
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s.mem == MAP_FAILED)
        die("mmap");
    return s;
}

static void print_results(const char *who, const struct shared *result,
                          const struct shared *square_sum)
{
    printf("Result(in %s): ", who);     /* print("Result(...): {}".format(result[:])) */
    print_array(result);
    fputs(output_tag_at("result", result->mem), stdout);
    printf("\nSum of squares(in %s): ", who);   /* ... .format(square_sum.value) */
    print_value(square_sum);
    fputs(output_tag_at("square_sum", square_sum->mem), stdout);
    putchar('\n');
}

/* The target of process p1: writes into the shared array and value. */
static void square_list(const long *mylist, struct shared *result,
                        struct shared *square_sum)
{
    for (size_t idx = 0; idx < result->len; idx++) {    /* for idx, num in enumerate(mylist): */ /* line:loop */
        double num = (double)mylist[idx];   /* exact for every 'i'; 'd' may pass a long */

        shared_set(result, idx, num * num);             /* result[idx] = num * num */ /* line:store */
    }
    shared_set(square_sum, 0, shared_sum(result));  /* square_sum.value = sum(result) */ /* line:sum */
    print_results("process p1", result, square_sum);    /* print(...) twice: below */ /* line:print-p1 */
}

int main(int argc, char *argv[])
{
    struct options opt;
    struct shared result, square_sum;
    sigset_t before;
    pid_t parent, p1;
    int status;

    die_init("session2");
    parse_options(argc, argv, &opt);                /* mylist = [1,2,3,4] */ /* line:options */
    if (opt.named)                                  /* --named: shm_open, named.c */
        return lab_named(&opt, square_list, print_results);

    result = shared_new(opt.typecode, opt.len);     /* result = multiprocessing.Array('i', 4) */ /* line:array */
    square_sum = shared_new(opt.typecode, 1);       /* square_sum = multiprocessing.Value('i') */ /* line:value */
    if (proc_cleanup_on_signals() == -1)            /* Ctrl-C stops p1 too */
        die("sigaction");

    /* p1 = multiprocessing.Process(target=square_list, args=(mylist, result, square_sum)) */
    parent = getpid();
    if (proc_hold_signals(&before) == -1)           /* Ctrl-C waits until p1 is tracked */
        die("sigprocmask");
    p1 = fork();                                    /* p1.start() */ /* line:fork */
    if (p1 == -1)
        die("fork");
    if (p1 == 0) {                                  /* in p1: the same pages, mapped */ /* line:child */
        proc_child_init(parent);
        proc_release_signals(&before);
        square_list(opt.mylist, &result, &square_sum);
        if (fflush(stdout) == EOF)
            die_child("write error");
        _exit(0);
    }
    if (proc_track(p1) == -1)       /* so that Ctrl-C stops and reaps p1 too */
        die("proc_track");
    proc_release_signals(&before);                  /* a Ctrl-C held back arrives now */

    while (waitpid(p1, &status, 0) == -1)           /* p1.join() */ /* line:join */
        if (errno != EINTR)
            die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_child("p1", status); /* line:fail */

    print_results("main program", &result, &square_sum);   /* print(...) twice, as p1 */ /* line:print-main */
    if (munmap(result.mem, shared_size(&result)) == -1 /* line:munmap */
        || munmap(square_sum.mem, shared_size(&square_sum)) == -1)
        die("munmap");
    return fflush(stdout) == 0 ? 0 : 1;
}
