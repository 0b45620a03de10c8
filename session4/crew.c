/* crew.c - start and join the processes of session4's labs; see crew.h.
 */
#include "crew.h"

#include "die.h"
#include "proc.h"

#include <signal.h>
#include <stdio.h>

void crew_start(struct crew *c, proc_fn fn, void *arg, int produces, const char *name)
{
    pid_t pid = proc_start(fn, arg);

    if (pid == -1) {
        proc_terminate_all(SIGTERM);
        die("fork");
    }
    c->pid[c->n] = pid;
    c->produces[c->n] = produces;
    c->producers_left += produces;
    snprintf(c->name[c->n], sizeof c->name[0], "%s", name);
    c->n++;
}

/* Joins the processes in the order they end. When the last producer has
 * ended, closes q: the consumers then drain it and see end-of-queue. A
 * process that fails stops all the others at once; joining in a fixed
 * order could instead wait forever on a producer blocked on a full queue
 * whose consumer is dead. */
void crew_join(struct crew *c, struct queue *q)
{
    for (long left = c->n; left > 0; left--) {
        int status;
        pid_t pid = proc_join_any(&status);
        long i = 0;

        if (pid == -1)
            die("waitpid");
        while (i < c->n && c->pid[i] != pid)
            i++;
        if (i == c->n || !proc_succeeded(status))
            fail_child(i == c->n ? "unknown" : c->name[i], status);
        if (c->produces[i] && --c->producers_left == 0)
            queue_close(q);
    }
}
