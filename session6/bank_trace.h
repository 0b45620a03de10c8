/* bank_trace.h - --trace FILE for session6 and session7: every read and
 * write of the balance, with the values, and each lost update found exactly.
 *
 * While tracing, the balance word carries a tag beside the value: which
 * process wrote it (its track: 0 main, 1 p1, 2 p2) and the how-manieth write
 * of that process it was. A read is still one load and a write one store
 * (an exchange, which also returns the word it replaced), so the race is
 * the same race; but now every read says which write it saw, and every
 * write which write it overwrote. docs/tracing.md explains the accounting.
 */
#ifndef SESSION6_BANK_TRACE_H
#define SESSION6_BANK_TRACE_H

#include "bank.h"

/* The word: value in the low 32 bits (two's complement), tag in the high
 * 32: writer in its top 8 bits, sequence number in the low 24. */
#define BANK_TAG_SEQ_BITS 24
#define BANK_TAG_MAX_SEQ ((1L << BANK_TAG_SEQ_BITS) - 1)

/* balance_read and balance_write while tracing (bank.c calls them). */
long bank_trace_read(long word);
void bank_trace_write(_Atomic long *balance, long value);

/* bank_begin: opens o->trace and names the tracks. Returns 0, or -1 with
 * errno; bank_trace_error(o) is then the text for die(). */
int bank_trace_begin(struct options *o);
const char *bank_trace_error(const struct options *o);

/* After a trial's join (bank_print_final): finds the lost updates, marks
 * them in the events, adds main's "lost updates" event, and writes the
 * trial to the file. A write error ends the program (one line, exit 1). */
void bank_trace_trial(const struct options *o, struct account *balance);

/* The balance's value without recording a read (the --schedule table). */
long bank_trace_peek(struct account *acc);

/* bank_end: closes the file (same on error). */
void bank_trace_end(const struct options *o);

#endif
