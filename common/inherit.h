/* inherit.h - what a program inherits from whoever started it, respected or
 * repaired.
 *
 * A process gets its signal dispositions and its signal mask from its parent,
 * across exec too. A signal ignored on entry was ignored on purpose (`nohup`
 * ignores SIGHUP, a shell ignores SIGINT in a background job) and stays
 * ignored, in the program and in every child. SIGCHLD ignored is different:
 * the kernel then reaps the children itself and waitpid() fails with ECHILD,
 * so it is put back to its default. docs/testing.md, "Fault classes",
 * says how each case is tested.
 */
#ifndef COMMON_INHERIT_H
#define COMMON_INHERIT_H

/* Call once, first thing (die_init does): notes which signals were ignored
 * when the program started, and gives SIGCHLD its default action back. */
void inherit_repair(void);

/* 1 when sig was ignored when the program started (or when inherit_repair
 * has not run and sig is ignored now), else 0. Async-signal-safe. */
int inherit_ignored(int sig);

#endif
