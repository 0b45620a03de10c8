/* session2 - shared Value and Array.
 *
 * The same story as session1, but `result` and `square_sum` live in memory
 * mapped with MAP_SHARED before fork(): parent and child see the same pages,
 * so the parent reads what the child wrote. docs/session2.md explains it.
 */
#include "args.h"
#include "die.h"
#include "proc.h"
#include "pylist.h"
#include "shm.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* multiprocessing.Array(typecode, len): numbers in shared memory. Python's
 * typecode 'i' is a C int, 'd' a C double; one of the pointers is used. */
struct array {
    char typecode;
    size_t len;
    int *i;
    double *d;
};

/* multiprocessing.Value(typecode): one number in shared memory. */
struct value {
    char typecode;
    int *i;
    double *d;
};

struct task {
    const long *mylist;
    struct array result;
    struct value square_sum;
};

static int array_new(struct array *a, char typecode, size_t len)
{
    size_t size = len * (typecode == 'i' ? sizeof *a->i : sizeof *a->d);
    void *mem = shared_alloc(size);

    if (mem == NULL)
        return -1;
    a->typecode = typecode;
    a->len = len;
    a->i = typecode == 'i' ? mem : NULL;
    a->d = typecode == 'd' ? mem : NULL;
    return 0;
}

static int value_new(struct value *v, char typecode)
{
    struct array one;

    if (array_new(&one, typecode, 1) == -1)
        return -1;
    v->typecode = typecode;
    v->i = one.i;
    v->d = one.d;
    return 0;
}

static void array_free(struct array *a)
{
    shared_free(a->typecode == 'i' ? (void *)a->i : (void *)a->d,
                a->len * (a->typecode == 'i' ? sizeof *a->i : sizeof *a->d));
}

static void value_free(struct value *v)
{
    struct array one = { v->typecode, 1, v->i, v->d };

    array_free(&one);
}

static void print_results(const char *who, const struct task *t)
{
    printf("Result(in %s): ", who);
    if (t->result.typecode == 'i')
        pylist_print_ints(stdout, t->result.i, t->result.len);
    else
        pylist_print_doubles(stdout, t->result.d, t->result.len);
    printf("\nSum of squares(in %s): ", who);
    if (t->square_sum.typecode == 'i')
        printf("%d", *t->square_sum.i);
    else
        py_print_double(stdout, *t->square_sum.d);
    putchar('\n');
}

/* The target of process p1: writes into the shared array and value. The
 * squares were checked to fit the type before any process started. */
static int square_list(void *arg)
{
    struct task *t = arg;
    struct array *result = &t->result;

    for (size_t idx = 0; idx < result->len; idx++) {
        long num = t->mylist[idx];

        if (result->typecode == 'i')
            result->i[idx] = (int)(num * num);
        else
            result->d[idx] = (double)num * (double)num;
    }
    if (result->typecode == 'i') {
        *t->square_sum.i = 0;
        for (size_t idx = 0; idx < result->len; idx++)
            *t->square_sum.i += result->i[idx];
    } else {
        *t->square_sum.d = 0;
        for (size_t idx = 0; idx < result->len; idx++)
            *t->square_sum.d += result->d[idx];
    }
    print_results("process p1", t);
    return 0;
}

/* With typecode 'i', every square and their sum must fit in a C int:
 * overflowing a signed int is undefined behaviour in C, so we refuse
 * before starting anything. */
static void check_fits_int(const long *mylist, size_t len)
{
    const long root = 46340;    /* 46340^2 <= INT_MAX < 46341^2 */
    long long sum = 0;

    for (size_t i = 0; i < len; i++) {
        if (mylist[i] < -root || mylist[i] > root)
            usage_error("%ld squared does not fit in type 'i' (a C int, at most %d); "
                        "try --type d", mylist[i], INT_MAX);
        sum += (long long)mylist[i] * mylist[i];
    }
    if (sum > INT_MAX)
        usage_error("the sum of squares, %lld, does not fit in type 'i' "
                    "(a C int, at most %d); try --type d", sum, INT_MAX);
}

static void usage(void)
{
    printf("Usage: session2 [OPTION]... [NUMBER]...\n"
           "Memory mapped with MAP_SHARED before fork() is shared: the child writes the\n"
           "squares and their sum, and the parent reads them.\n"
           "\n"
           "  NUMBER            the input list (default: 1 2 3 4); put -- before a list\n"
           "                    that starts with a negative number\n"
           "  -t, --type=CODE   the typecode of the shared Array and Value, as in Python:\n"
           "                    i (C int, default) or d (C double)\n"
           "  -h, --help        print this help and exit\n"
           "\n"
           "Explained in docs/session2.md.\n");
}

int main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "type", required_argument, NULL, 't' },
        { "help", no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static const long default_list[] = { 1, 2, 3, 4 };
    char msg[ARG_MSG_SIZE];
    char typecode = 'i';
    const long *mylist = default_list;
    size_t len = 4;
    long *parsed = NULL;
    struct task task;
    int opt, status;
    pid_t p1;

    die_init("session2");
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":t:h", options, NULL)) != -1) {
        switch (opt) {
        case 't':
            if ((optarg[0] != 'i' && optarg[0] != 'd') || optarg[1] != '\0')
                usage_error("invalid --type '%s' (accepted: i for int, d for double)",
                            optarg);
            typecode = optarg[0];
            break;
        case 'h':
            usage();
            return 0;
        default:
            arg_getopt_problem(opt, argv, msg, sizeof msg);
            usage_error("%s", msg);
        }
    }
    if (optind < argc) {
        len = (size_t)(argc - optind);
        parsed = malloc(len * sizeof *parsed);
        if (parsed == NULL)
            die("malloc");
        if (arg_long_list(argv + optind, len, "list item", LONG_MIN, LONG_MAX,
                          parsed, msg, sizeof msg) == -1)
            usage_error("%s", msg);
        mylist = parsed;
    }
    if (typecode == 'i')
        check_fits_int(mylist, len);

    /* result = Array(typecode, len); square_sum = Value(typecode):
     * both mapped shared *before* fork, so the child inherits the mapping. */
    task.mylist = mylist;
    if (array_new(&task.result, typecode, len) == -1)
        die("mmap");
    if (value_new(&task.square_sum, typecode) == -1)
        die("mmap");
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");

    p1 = proc_start(square_list, &task);        /* p1.start() */
    if (p1 == -1)
        die("fork");
    if (proc_join(p1, &status) == -1)           /* p1.join() */
        die("waitpid");
    if (!proc_succeeded(status)) {
        char how[64];
        fail("process p1 %s", proc_describe_status(status, how, sizeof how));
    }

    print_results("main program", &task);
    array_free(&task.result);
    value_free(&task.square_sum);
    free(parsed);
    return fflush(stdout) == 0 ? 0 : 1;
}
