/* session8 - a Pool of worker processes maps square() over a list.
 *
 * The tutorial's last program: Pool().map(square, [1, 2, 3, 4, 5]). Each
 * worker prints its PID for the items it runs; the results come back in
 * input order. The pool is pool.c, the labs (--summary, --crash-on, ...)
 * labs.c; docs/session8.md explains all three, next to session8.py.
 */
#include "args.h"
#include "die.h"
#include "labs.h"
#include "options.h"
#include "output.h"
#include "pool.h"
#include "proc.h"
#include "pylist.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The tutorial's square(n): runs in a worker, once for each item. */
static long square(long n) /* line:square */
{
    printf("Worker process id for %ld: %ld\n", n, (long)getpid());  /* print(...os.getpid()) */
    return n * n;                                                   /* return n * n */ /* line:return */
}

int main(int argc, char *argv[])
{
    long mylist[] = { 1, 2, 3, 4, 5 };                     /* mylist = [1,2,3,4,5] */
    struct options opt = { .items = mylist, .n = sizeof mylist / sizeof mylist[0] };
    struct pool *p;
    long *result;

    die_init("session8");
    parse_options(argc, argv, &opt);
    if (opt.serial)
        return lab_serial(&opt);
    if ((result = malloc(opt.n * sizeof *result)) == NULL)
        die("malloc");
    /* Workers take turns printing: each line must leave in one write(). */
    if (output_line_buffered() == -1)
        die("setvbuf");
    if (proc_cleanup_on_signals() == -1)    /* Ctrl-C stops every worker too */
        die("sigaction");
    labs_start(&opt);                       /* --timeline: its clock starts */

    p = pool_new_with(&opt.pool);   /* p = multiprocessing.Pool(): fork()s the workers */ /* line:pool */
    if (p == NULL)
        die("starting the pool");
    if (pool_map(p, square, opt.items, opt.n, (size_t)opt.chunksize, /* line:map */
                 result) == -1)                         /* result = p.map(square, mylist) */ /* line:map-end */
        lab_map_failed(p);              /* a worker died: one line, exit 1 */
    pool_close(p);                      /* no more work: each worker sees EOF */ /* line:close */
    if (pool_join(p) == -1)             /* and exits; every one is reaped */ /* line:join */
        fail("%s", pool_error(p));
    labs_joined();                      /* --summary: the pool's clock stops */

    pylist_print_longs(stdout, result, opt.n);          /* print(result) */
    putchar('\n');
    if (opt.summary)
        lab_summary(p, &opt);
    pool_free(p);
    labs_end(&opt);                     /* closes the --timeline file */
    free(result);
    return fflush(stdout) == 0 ? 0 : 1;
}
