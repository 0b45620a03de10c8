/* args.c - checked integer parsing; see args.h. */
#include "args.h"

#include "die.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int arg_long(const char *text, const char *what, long min, long max,
             long *out, char *msg, size_t msglen)
{
    char *end;
    long value;

    /* strtol skips leading blanks and accepts a bare sign: we do not. */
    if (text[0] == '\0' || text[0] == ' ' || text[0] == '\t'
        || ((text[0] == '-' || text[0] == '+') && text[1] == '\0')) {
        snprintf(msg, msglen, "invalid number '%s' for %s (accepted: %ld..%ld)",
                 text, what, min, max);
        return -1;
    }
    errno = 0;
    value = strtol(text, &end, 10);
    if (*end != '\0' || end == text) {
        snprintf(msg, msglen, "invalid number '%s' for %s (accepted: %ld..%ld)",
                 text, what, min, max);
        return -1;
    }
    if (errno == ERANGE || value < min || value > max) {
        snprintf(msg, msglen, "%s %s is out of range (accepted: %ld..%ld)",
                 what, text, min, max);
        return -1;
    }
    *out = value;
    return 0;
}

int arg_long_list(char *const texts[], size_t count, const char *what,
                  long min, long max, long *out, char *msg, size_t msglen)
{
    for (size_t i = 0; i < count; i++)
        if (arg_long(texts[i], what, min, max, &out[i], msg, msglen) == -1)
            return -1;
    return 0;
}

int arg_numbers(int argc, char *argv[], long min, long max, long count,
                long **list, size_t *n, char *msg, size_t msglen)
{
    size_t len = optind < argc ? (size_t)(argc - optind) : (size_t)count;
    long *numbers;

    if (len == 0)
        return 0;
    if ((numbers = malloc(len * sizeof *numbers)) == NULL) {
        snprintf(msg, msglen, "malloc");
        return -2;
    }
    if (optind == argc) {
        for (size_t i = 0; i < len; i++)
            numbers[i] = (long)i + 1;
    } else if (arg_long_list(argv + optind, len, "list item", min, max, numbers,
                             msg, msglen) == -1) {
        free(numbers);
        return -1;
    }
    *list = numbers;
    *n = len;
    return 0;
}

int arg_list(int argc, char *argv[], long min, long max, long count,
             const long **list, size_t *n, char *msg, size_t msglen)
{
    static long *kept;
    long *fresh = NULL;
    int rc = arg_numbers(argc, argv, min, max, count, &fresh, n, msg, msglen);

    if (fresh != NULL) {        /* a second call replaces the first one's list */
        free(kept);
        kept = fresh;
    }
    *list = kept;
    return rc;
}

void arg_getopt_problem(int opt, char *const argv[], char *msg, size_t msglen)
{
    /* For a long option getopt leaves its text just before optind; for a
     * short one optopt holds the letter (which may be grouped, as in -vx). */
    const char *text = argv[optind - 1];
    int is_long = strncmp(text, "--", 2) == 0;

    if (opt == ':') {
        if (is_long)
            snprintf(msg, msglen, "option '%s' needs a value", text);
        else
            snprintf(msg, msglen, "option '-%c' needs a value", optopt);
    } else if (is_long) {
        snprintf(msg, msglen, "unknown or misused option '%s'", text);
    } else {
        snprintf(msg, msglen, "unknown option '-%c'", optopt);
    }
}

/* ------------------------------------------------------ the option table */

/* What the last arg_parse() was given, for arg_check(): each row (by its
 * index), and whether there were operands. */
static unsigned char given[ARG_MAX_OPTIONS + 8];
static int operands_given;

static int is_end(const struct arg_option *row)
{
    return row->name == NULL && row->help == NULL;
}

/* TEMPLATE into msg, its first KEY ("{with}") replaced by VALUE. */
static void fill(char *msg, size_t msglen, const char *template, const char *key,
                 const char *value)
{
    const char *at = strstr(template, key);

    if (at == NULL)
        snprintf(msg, msglen, "%s", template);
    else
        snprintf(msg, msglen, "%.*s%s%s", (int)(at - template), template, value,
                 at + strlen(key));
}

/* A choice row: the index of ARG among the row's words. */
static int choose(const struct arg_option *row, const char *arg, char *msg, size_t msglen)
{
    size_t used;

    for (int i = 0; row->choices[i] != NULL; i++)
        if (strcmp(arg, row->choices[i]) == 0) {
            *row->choice = i;
            return 0;
        }
    if (row->invalid != NULL) {
        fill(msg, msglen, row->invalid, "{value}", arg);
        return -1;
    }
    used = (size_t)snprintf(msg, msglen, "invalid --%s '%s' (accepted: ", row->name, arg);
    for (int i = 0; row->choices[i] != NULL && used < msglen; i++)
        used += (size_t)snprintf(msg + used, msglen - used, "%s%s", i > 0 ? ", " : "",
                                 row->choices[i]);
    if (used < msglen)
        snprintf(msg + used, msglen - used, ")");
    return -1;
}

/* Stores the value of one option given on the command line. */
static int take(const struct arg_option *row, char *arg, void *opts, char *msg, size_t msglen)
{
    char what[64];

    if (row->seen != NULL)
        *row->seen = 1;
    if (row->flag != NULL)
        *row->flag = 1;
    if (row->text != NULL)
        *row->text = arg;
    if (row->number != NULL) {
        snprintf(what, sizeof what, "--%s", row->name);
        if (arg_long(arg, what, row->min, row->max, row->number, msg, msglen) == -1)
            return -1;
    }
    if (row->choices != NULL && choose(row, arg, msg, msglen) == -1)
        return -1;
    return row->set != NULL ? row->set(opts, arg, msg, msglen) : 0;
}

/* The operand's row of the table (the first row with no name), or NULL. */
static const struct arg_option *operand_row(const struct arg_option *rows)
{
    for (; !is_end(rows); rows++)
        if (rows->name == NULL)
            return rows;
    return NULL;
}

/* The index of the row for -LETTER (getopt_long only returns letters of
 * the table). */
static int row_of_letter(const struct arg_option *rows, int letter)
{
    int i = 0;

    while (rows[i].name == NULL || rows[i].letter != letter)
        i++;
    return i;
}

/* How many of the space-separated NAMES were given ("-": the operands);
 * *first, when not NULL, is set to the first of them given. */
static int count_given(const struct arg_option *rows, const char *names, const char **first)
{
    int count = 0;

    for (const char *p = names; *p != '\0'; p += strspn(p, " ")) {
        size_t len = strcspn(p, " ");

        if (len == 1 && *p == '-')
            count += operands_given;
        for (int i = 0; !is_end(&rows[i]) && i < (int)sizeof given; i++)
            if (rows[i].name != NULL && strlen(rows[i].name) == len
                && strncmp(rows[i].name, p, len) == 0 && given[i]) {
                if (count++ == 0 && first != NULL)
                    *first = rows[i].name;
            }
        p += len;
    }
    return count;
}

/* 1 when NAME is one of the space-separated NAMES. */
static int listed(const char *names, const char *name)
{
    size_t len = strlen(name);

    for (const char *p = names; *p != '\0'; p += strspn(p, " ")) {
        size_t n = strcspn(p, " ");

        if (n == len && strncmp(p, name, len) == 0)
            return 1;
        p += n;
    }
    return 0;
}

/* For ARG_ONLY: how many options were given that neither of the rule's
 * lists names (the operands count as one, unless "-" is named). */
static int count_others(const struct arg_option *rows, const struct arg_rule *r)
{
    int count = operands_given && !listed(r->with, "-") && !listed(r->given, "-");

    for (int i = 0; !is_end(&rows[i]) && i < (int)sizeof given; i++)
        count += rows[i].name != NULL && given[i] && !listed(r->with, rows[i].name)
                 && !listed(r->given, rows[i].name);
    return count;
}

int arg_check(const struct arg_option *rows, const struct arg_rule *rules, char *msg,
              size_t msglen)
{
    for (const struct arg_rule *r = rules; r != NULL && r->given != NULL; r++) {
        const char *name = "";
        int with = r->need == ARG_ONLY ? count_others(rows, r) : count_given(rows, r->with, &name);

        if (count_given(rows, r->given, NULL) > 0
            && ((r->need == ARG_NONE_OF && with > 0) || (r->need == ARG_ONE_OF && with == 0)
                || (r->need == ARG_EXACTLY_ONE_OF && with != 1)
                || (r->need == ARG_ONLY && with > 0))) {
            fill(msg, msglen, r->message, "{with}", name);
            return -1;
        }
    }
    return 0;
}

int arg_parse(int argc, char *argv[], const struct arg_table *table, void *opts,
              char *msg, size_t msglen)
{
    const struct arg_option *rows = table->rows;
    struct option longopts[ARG_MAX_OPTIONS + 2];
    char shorts[2 * ARG_MAX_OPTIONS + 3] = ":h";
    int n = 0, s = 2, c, i;

    /* A row's getopt value is 256 + its index: above every letter. A table
     * longer than ARG_MAX_OPTIONS loses its last rows (they become unknown
     * options, which the program's tests notice). */
    for (i = 0; !is_end(&rows[i]) && n < ARG_MAX_OPTIONS; i++) {
        if (rows[i].name == NULL)
            continue;
        longopts[n++] = (struct option){ rows[i].name,
                                         rows[i].arg ? required_argument : no_argument,
                                         NULL, 256 + i };
        if (rows[i].letter != 0) {
            shorts[s++] = (char)rows[i].letter;
            if (rows[i].arg != NULL)
                shorts[s++] = ':';
        }
    }
    shorts[s] = '\0';
    longopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
    longopts[n + 1] = (struct option){ NULL, 0, NULL, 0 };
    memset(given, 0, sizeof given);
    opterr = 0;     /* the program prints its own one-line message */
    while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
        if (c == 'h') {
            arg_usage(table);
            return 1;
        }
        if (c < 256 && c != '?' && c != ':')
            c = 256 + row_of_letter(rows, c);
        if (c < 256) {
            arg_getopt_problem(c, argv, msg, msglen);
            return -1;
        }
        if (c - 256 < (int)sizeof given)
            given[c - 256] = 1;
        if (take(&rows[c - 256], optarg, opts, msg, msglen) == -1)
            return -1;
    }
    operands_given = optind < argc;
    if (!table->operands && operand_row(rows) == NULL && optind < argc) {
        snprintf(msg, msglen, "unexpected argument '%s' (%s takes options only)",
                 argv[optind], program_name());
        return -1;
    }
    return arg_check(rows, table->rules, msg, msglen);
}

void arg_read(int argc, char *argv[], const struct arg_table *table, void *opts)
{
    char msg[ARG_MSG_SIZE];

    exit_on_usage(arg_parse(argc, argv, table, opts, msg, sizeof msg), msg);
}

/* One row of --help: LEFT in two columns, then the help from the column on,
 * {min} and {max} replaced by the row's range. A LEFT too wide for its
 * column puts the help on the next line. */
static void print_row(const char *left, const struct arg_option *row, const char *help,
                      int column)
{
    int width = column - 3;

    if ((int)strlen(left) <= width)
        printf("  %-*s ", width, left);
    else
        printf("  %s\n%*s", left, column, "");
    for (const char *p = help; *p != '\0'; p++) {
        if (row != NULL && strncmp(p, "{min}", 5) == 0) {
            printf("%ld", row->min);
            p += 4;
        } else if (row != NULL && strncmp(p, "{max}", 5) == 0) {
            printf("%ld", row->max);
            p += 4;
        } else if (*p == '\n')
            printf("\n%*s", column, "");
        else
            putchar(*p);
    }
    putchar('\n');
}

void arg_usage(const struct arg_table *table)
{
    const struct arg_option *operand = operand_row(table->rows);
    char left[64];

    if (strncmp(table->intro, "Usage:", 6) != 0)
        printf("Usage: %s [OPTION]...%s%s%s\n", program_name(), operand ? " [" : "",
               operand ? operand->arg : "", operand ? "]..." : "");
    fputs(table->intro, stdout);
    for (const struct arg_option *row = table->rows; !is_end(row); row++) {
        if (row->name == NULL)
            snprintf(left, sizeof left, "%s", row->arg);
        else if (row->letter != 0)
            snprintf(left, sizeof left, "-%c, --%s%s%s", row->letter, row->name,
                     row->arg ? "=" : "", row->arg ? row->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", row->name,
                     row->arg ? "=" : "", row->arg ? row->arg : "");
        print_row(left, row, row->help, table->column);
    }
    print_row("-h, --help", NULL, "print this help and exit", table->column);
    if (table->end != NULL)
        fputs(table->end, stdout);
    else
        printf("\nExplained in docs/%s.md.\n", program_name());
}
