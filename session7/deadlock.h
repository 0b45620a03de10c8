/* deadlock.h - session7 --deadlock [--ordered]: two locks taken in opposite
 * orders wait for each other forever; one global order cures it.
 * docs/session7.md ("Deadlock") explains it.
 */
#ifndef SESSION7_DEADLOCK_H
#define SESSION7_DEADLOCK_H

/* How long the parent waits for any move of the two processes before it
 * gives up on them (the deadlock itself is seen at once, as a cycle). */
#define S7_DEADLOCK_SECONDS 2.0

/* Runs the two transfers. Returns 0 when both finished (with --ordered);
 * reports a deadlock on stderr and exits 1 after stopping both processes.
 * Expects proc_cleanup_on_signals() to be in place. */
int s7_lab_deadlock(int ordered);

#endif
