/* WRONG (for the grader's tests): the child returns from square_list_in_child instead of ending with
 * _exit(): it runs the rest of the caller's code as a second copy.
 *
 * shared.c - the parent sees what the child wrote (session 2): the reference
 * solution. mmap(MAP_SHARED | MAP_ANONYMOUS) before fork() gives both
 * processes the same pages; docs/session2.md explains why.
 */
#define _DEFAULT_SOURCE         /* MAP_ANONYMOUS: not in POSIX 2008, on every Unix */
#include "shared.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Zero-filled pages that every process forked afterwards shares. */
static void *shared_pages(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

int squares_new(struct squares *s, size_t len)
{
    s->len = len;
    s->values = shared_pages(len * sizeof *s->values);
    s->sum = shared_pages(sizeof *s->sum);
    if (s->values == NULL || s->sum == NULL) {
        int saved = errno;

        squares_free(s);
        errno = saved;
        return -1;
    }
    return 0;
}

void squares_free(struct squares *s)
{
    if (s->values != NULL)
        munmap(s->values, s->len * sizeof *s->values);
    if (s->sum != NULL)
        munmap(s->sum, sizeof *s->sum);
    s->values = NULL;
    s->sum = NULL;
}

int square_list_in_child(const long *mylist, struct squares *s)
{
    pid_t pid = fork();
    int status;

    if (pid == -1)
        return -1;
    if (pid == 0) {                         /* the child: the same pages */
        long total = 0;

        for (size_t i = 0; i < s->len; i++) {
            s->values[i] = square(mylist[i]);
            total += s->values[i];
        }
        *s->sum = total;
        return 0;
    }
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
