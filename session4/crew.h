/* crew.h - the processes of session4's labs: started, then joined in the
 * order they end, with the queue closed when the last producer has ended.
 */
#ifndef SESSION4_CREW_H
#define SESSION4_CREW_H

#include "options.h"
#include "proc.h"
#include "queue.h"

#include <sys/types.h>

#define CREW_MAX (2 * MAX_PROCS + 1)

struct crew {
    long n, producers_left;
    pid_t pid[CREW_MAX];
    char name[CREW_MAX][32];
    int produces[CREW_MAX];
};

/* Starts fn(arg) as process `name`; produces: 1 for a producer. A failed
 * fork stops the others and ends the program. */
void crew_start(struct crew *c, proc_fn fn, void *arg, int produces, const char *name);

/* Joins every process; closes q when the last producer has ended. A
 * process that fails stops the others and ends the program (exit 1). */
void crew_join(struct crew *c, struct queue *q);

#endif
