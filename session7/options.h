/* options.h - session7's command line: its table of options (the shared
 * rows of session6/bank.h and its own), --help, and the lab each mode runs.
 */
#ifndef SESSION7_OPTIONS_H
#define SESSION7_OPTIONS_H

#include "bank.h"

/* Fills o from argv. --help: prints the usage, exit 0. Bad usage: one line,
 * exit 2. Sets o->lab when an option asks for a lab instead of the trials. */
void parse_options(int argc, char *argv[], struct bank_options *o);

#endif
