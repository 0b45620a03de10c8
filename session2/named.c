/* named.c - session2 --named: shared memory with a name, and no leak.
 *
 * Python's multiprocessing.shared_memory uses named POSIX shared memory: a
 * file in /dev/shm that outlives a program killed before it unlinks it. The
 * rule that prevents that: unlink the name as soon as every process that
 * needs the object has it. A process has it while it holds a descriptor or a
 * mapping, and p1 gets main's mapping through fork(), so here that moment
 * is right after shm_open. docs/session2.md, "What Python users run into".
 */
#include "named.h"

#include "die.h"
#include "output.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static char name[64];       /* "/session2-PID-RANDOM" */

/* Creates a segment of `size` bytes under a name nobody else uses, and
 * unlinks the name before anything else can happen: from then on a SIGKILL
 * leaves nothing behind. Only a kill between shm_open and shm_unlink, two
 * system calls in a row, could. */
static void *named_map(size_t size)
{
    struct timespec now;
    void *mem;
    int fd = -1, err;

    for (int attempt = 0; fd == -1 && attempt < 16; attempt++) {
        clock_gettime(CLOCK_REALTIME, &now);
        snprintf(name, sizeof name, "/session2-%ld-%08lx", (long)getpid(),
                 (unsigned long)now.tv_nsec ^ (unsigned long)attempt << 28);
        fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd == -1 && errno != EEXIST)
            die("shm_open");
    }
    if (fd == -1)
        die("shm_open");
    if (shm_unlink(name) == -1)     /* the descriptor keeps the object alive */
        die("shm_unlink");
    if (ftruncate(fd, (off_t)size) == -1)
        die("ftruncate");
    /* ftruncate only sets the size; the pages come on first touch, and on a
     * full /dev/shm that touch is a SIGBUS. Reserved now, a full /dev/shm
     * is one line: "posix_fallocate: No space left on device". */
    if ((err = posix_fallocate(fd, 0, (off_t)size)) != 0)
        die_errnum("posix_fallocate", err);
    mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mem == MAP_FAILED)
        die("mmap");
    if (close(fd) == -1)            /* the mapping keeps it alive now */
        die("close");
    return mem;
}

/* Says the name, and whether /dev/shm still lists it (it must not). */
static void print_name(const char *who, void *mem)
{
    char path[96];

    snprintf(path, sizeof path, "/dev/shm%s", name);
    printf("Shared memory(in %s): %s, %s", who, name,
           access(path, F_OK) == 0 ? "still in /dev/shm!" : "not in /dev/shm");
    fputs(output_tag_at("segment", mem), stdout);
    putchar('\n');
}

/* What p1 runs (proc_start has forked it and flushed main's output). */
struct p1_work {
    const struct options *opt;
    target_fn square_list;
    struct shared *result, *square_sum;
};

static int run_p1(void *arg)
{
    const struct p1_work *w = arg;

    print_name("process p1", w->result->mem);
    w->square_list(w->opt->mylist, w->result, w->square_sum);
    return 0;
}

int lab_named(const struct options *opt, target_fn square_list,
              printer_fn print_results)
{
    struct shared result = { opt->typecode, opt->len, NULL };
    struct shared square_sum = { opt->typecode, 1, NULL };
    /* One segment: the Array, then the Value at an offset fit for a double. */
    size_t offset = (shared_size(&result) + sizeof(double) - 1) / sizeof(double) * sizeof(double);
    size_t size = offset + shared_size(&square_sum);
    struct p1_work work = { opt, square_list, &result, &square_sum };
    pid_t p1;

    result.mem = named_map(size);
    square_sum.mem = (char *)result.mem + offset;
    if (proc_cleanup_on_signals() == -1)
        die("sigaction");
    print_name("main program", result.mem);

    p1 = proc_start(run_p1, &work);                 /* p1.start() */
    if (p1 == -1)
        die("fork");
    join_or_fail(p1, "p1");                         /* p1.join() */

    print_results("main program", &result, &square_sum);
    if (munmap(result.mem, size) == -1)
        die("munmap");
    return 0;
}
