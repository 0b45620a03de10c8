/* crew.h - the processes of session4's labs: started, then joined in the
 * order they end, with the queue closed when the last producer has ended.
 */
#ifndef SESSION4_CREW_H
#define SESSION4_CREW_H

#include "proc.h"
#include "session4/options.h"
#include "session4/queue.h"

#include <sys/types.h>

#define S4_CREW_MAX (2 * S4_MAX_PROCS + 1)

struct s4_crew {
    long n, producers_left;
    pid_t pid[S4_CREW_MAX];
    char name[S4_CREW_MAX][32];
    int produces[S4_CREW_MAX];
};

/* Starts fn(arg) as process `name`; produces: 1 for a producer. A failed
 * fork stops the others and ends the program. */
void s4_crew_start(struct s4_crew *c, proc_fn fn, void *arg, int produces, const char *name);

/* Joins every process; closes q when the last producer has ended. A
 * process that fails stops the others and ends the program (exit 1). */
void s4_crew_join(struct s4_crew *c, struct queue *q);

#endif
