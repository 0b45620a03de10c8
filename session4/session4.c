/* session4 - a Queue between processes.
 *
 * p1 puts the squares of mylist into a queue; after p1 is joined, p2 takes
 * them out until the queue is empty. The queue is the textbook bounded
 * buffer (bounded_buffer.c: slots in shared memory, a lock and two counting
 * semaphores); `--queue ring` swaps in the lock-free ring (ring.c). The
 * options run the labs (options.h). docs/session4.md explains it all.
 */
#include "args.h"
#include "die.h"
#include "labs.h"
#include "output.h"
#include "proc.h"
#include "queue.h"

#include <stddef.h>
#include <stdio.h>

struct task {
    const long *mylist;
    size_t len;
    struct queue *q;
};

/* def square_list(mylist, q): the target of p1 */
static int square_list(void *arg)
{
    const struct task *t = arg;

    for (size_t i = 0; i < t->len; i++) {                   /* for num in mylist: */
        long square = t->mylist[i] * t->mylist[i];          /* num * num */

        if (queue_put(t->q, &square, sizeof square, QUEUE_FOREVER) != QUEUE_OK) /* q.put() */ /* line:put */
            die_child("queue_put");
    }
    return 0;
}

/* def print_queue(q): the target of p2. `while not q.empty()` is safe here only because p1
 * was joined first: nobody can put any more, so the empty() snapshot
 * cannot go stale. --concurrent shows when it does. */
static int print_queue(void *arg)
{
    struct queue *q = arg;
    long square;
    size_t len;

    printf("Queue elements:%s\n", output_tag());            /* print("Queue elements:") */
    while (!queue_empty(q)) {                               /* while not q.empty(): */ /* line:empty */
        if (queue_get(q, &square, sizeof square, &len, QUEUE_FOREVER) != QUEUE_OK) /* q.get() */ /* line:get */
            die_child("queue_get");
        printf("%ld%s\n", square, output_tag());            /* print(...) */
    }
    printf("Queue is now empty!%s\n", output_tag());        /* print("Queue is now empty!") */
    return 0;
}

int main(int argc, char *argv[])
{
    static const long mylist[] = { 1, 2, 3, 4 };           /* mylist = [1,2,3,4] */
    struct options opt;
    struct task task;
    pid_t p1, p2;

    die_init("session4");
    parse_options(argc, argv, &opt);
    if (output_line_buffered() == -1)
        die("setvbuf");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");
    if (opt.join_before_drain)
        return lab_join_before_drain(&opt);
    if (opt.concurrent)
        return lab_concurrent(&opt);
    if (opt.counting)
        return lab_many(&opt);

    task.q = queue_new(opt.queue, 0, sizeof(long));         /* q = multiprocessing.Queue() */ /* line:queue */
    if (task.q == NULL)
        die("queue_new");
    task.mylist = mylist;   /* p1 = Process(target=square_list, args=(mylist, q)) */
    task.len = sizeof mylist / sizeof mylist[0];

    p1 = proc_start(square_list, &task);                    /* p1.start() */
    if (p1 == -1)
        die("fork");
    join_or_fail(p1, "p1");                                 /* p1.join() */
    p2 = proc_start(print_queue, task.q);   /* p2 = Process(print_queue, (q,)); p2.start() */
    if (p2 == -1)
        die("fork");
    join_or_fail(p2, "p2");                                 /* p2.join() */

    queue_free(task.q);
    return fflush(stdout) == 0 ? 0 : 1;
}
