/* args.h - the command line: checked conversion of text to integers, and
 * one table of options per program that getopt_long, the checks and --help
 * are all made from.
 *
 * strtol() alone accepts "12abc", "" and " 7", and reports overflow only
 * through errno; these wrappers reject all of that and say precisely why.
 * On failure they return -1 and write a one-line message into msg, which the
 * program passes to usage_error() (exit status 2); nothing here exits but
 * arg_read(), which is that call.
 */
#ifndef COMMON_ARGS_H
#define COMMON_ARGS_H

#include <stddef.h>

/* A message buffer big enough for any message these functions write. */
#define ARG_MSG_SIZE 256

/* Parses TEXT as a base-10 integer in [min, max]. WHAT names the value in the
 * message ("--trials", "list item").
 * Messages: "invalid number 'abc' for --trials (accepted: 1..1000000)" or
 *           "--trials 0 is out of range (accepted: 1..1000000)". */
int arg_long(const char *text, const char *what, long min, long max,
             long *out, char *msg, size_t msglen);

/* Parses COUNT texts into out[0..count-1], each with arg_long() rules. */
int arg_long_list(char *const texts[], size_t count, const char *what,
                  long min, long max, long *out, char *msg, size_t msglen);

/* The operands argv[optind..argc-1] as a list of numbers in [min, max]
 * (arg_long's rules, "list item" in messages), or, with no operands, the
 * numbers 1..count (count 0: none). Stores a new array in *list (free() it)
 * and its length in *n; with nothing to store, leaves both as they are.
 * Returns 0; -1 with msg for a bad number; -2 when malloc failed (errno set,
 * msg "malloc"). */
int arg_numbers(int argc, char *argv[], long min, long max, long count,
                long **list, size_t *n, char *msg, size_t msglen);

/* arg_numbers() for a list the program keeps to its end: the array stays
 * here, reachable until exit and never freed (the program returns from main
 * on several paths, and none may leak it); a second call frees the first
 * one's. *list is always set; returns as arg_numbers() does. */
int arg_list(int argc, char *argv[], long min, long max, long count,
             const long **list, size_t *n, char *msg, size_t msglen);

/* After getopt_long() returned '?' (unknown option) or ':' (missing value;
 * give the option string a leading ':' to get it), writes what was wrong:
 * "unknown option '--nope'", "option '--trials' needs a value". The option's
 * text is taken from argv as getopt left it. */
void arg_getopt_problem(int opt, char *const argv[], char *msg, size_t msglen);

/* ------------------------------------------------------ the option table */

/* One row of a program's table: --NAME (and -LETTER), its value, where the
 * value goes, and its lines in --help. Its targets (one or more): flag (a
 * switch, set to 1), number (checked against [min, max] as arg_long does),
 * text (the value as given), choice with choices (the index of the word
 * given), set (a function of the program's: 0, or -1 with msg). seen,
 * when not NULL, is set to 1 when the option is given. A row with no name is
 * an operand's line in --help ("NUMBER"), and says the program takes
 * operands. A table ends with { 0 }.
 * min and max follow number, so a row may say `.number = &o->count, 1, 9`.
 * A word not among the choices is "invalid --kind 'c' (accepted: a, b)", or
 * the row's own `invalid` message, in which "{value}" is the word given. */
struct arg_option {
    const char *name;           /* "count" for --count */
    int letter;                 /* 'n' for -n, or 0 */
    const char *arg;            /* "N" in --count=N; NULL: takes no value */
    const char *help;           /* '\n' between lines; {min} and {max} print the range */
    int *flag;
    long *number;
    long min, max;
    const char **text;
    int *choice;
    const char *const *choices; /* NULL-terminated */
    int (*set)(void *opts, const char *arg, char *msg, size_t msglen);
    int *seen;
    const char *invalid;        /* "unknown --queue '{value}' (accepted: ...)" */
};

/* A list of words in place, NULL-terminated: a row's choices,
 * `.choices = ARG_WORDS("fork", "spawn")`, or the names of trace tracks. */
#define ARG_WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Which options go together, checked by arg_parse() last: when any option named
 * in `given` was given, `with` must hold as `need` says, else `message` is
 * the bad usage. Names are long names without "--", separated by spaces;
 * "-" stands for the operands. "{with}" in the message is replaced by the
 * first option of `with` given. A list of rules ends with { 0 }. */
enum arg_need {
    ARG_NONE_OF,        /* none of `with` may be given too */
    ARG_ONE_OF,         /* at least one of `with` must be given */
    ARG_EXACTLY_ONE_OF, /* exactly one of `with` must be given */
    ARG_ONLY,           /* nothing but `with` (and `given`) may be given too */
};

struct arg_rule {
    const char *given;          /* "serve connect" */
    enum arg_need need;
    const char *with;           /* "demo bench" */
    const char *message;
};

/* What --help prints, whether operands are allowed, and the rules. --help
 * starts with the usage line, "Usage: PROGRAM [OPTION]... [NUMBER]...\n"
 * (the operand's part when a row names one), unless the intro starts with
 * "Usage:" and says it; and ends with "\nExplained in docs/PROGRAM.md.\n",
 * unless `end` says it. */
struct arg_table {
    const char *intro;          /* the paragraph after the usage line, up to the rows */
    const struct arg_option *rows;
    int column;                 /* where the help text of each row starts */
    int operands;               /* 1: operands allowed without an operand row; with
                                 * neither, an operand is "unexpected argument '...'" */
    const char *end;            /* NULL: "\nExplained in docs/PROGRAM.md.\n" */
    const struct arg_rule *rules;   /* NULL: none */
};

/* The largest table arg_parse takes. */
#define ARG_MAX_OPTIONS 32

/* Parses argv with the table (getopt_long; -h and --help are added, and the
 * operands start at optind). opts is handed to each row's set(). Returns 0;
 * 1 when --help was asked for and the usage has been printed on stdout; -1
 * with a one-line message in msg for bad usage (a bad value, an unexpected
 * operand, then the first rule broken). The program ends with
 * exit_on_usage() (die.h). */
int arg_parse(int argc, char *argv[], const struct arg_table *table, void *opts,
              char *msg, size_t msglen);

/* arg_parse() for a program that needs nothing else of the command line
 * checked first: --help exits 0, bad usage exits 2 (exit_on_usage). */
void arg_read(int argc, char *argv[], const struct arg_table *table, void *opts);

/* The first of RULES that the options given to the last arg_parse() of
 * ROWS break: its message in msg, and -1; 0 when every rule holds. For a
 * program that checks other things first (arg_parse checks the table's
 * own rules). */
int arg_check(const struct arg_option *rows, const struct arg_rule *rules, char *msg,
              size_t msglen);

/* Prints the usage on stdout: the usage line, the intro, every row,
 * -h/--help, the end. */
void arg_usage(const struct arg_table *table);

/* ------------------------------------------------------ each program's own */

/* Every program has its command line in a struct options (its options.h;
 * sessions 6 and 7 share theirs, in bank.h) and fills it with
 * parse_options(), in its options.c, from its table. The lesson calls it
 * once. --help prints the usage and exits 0; bad usage is one line and
 * exit 2 (usage_error), before anything else happens. */
struct options;
void parse_options(int argc, char *argv[], struct options *opt);

#endif
