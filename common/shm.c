/* shm.c - anonymous shared memory; see shm.h. */
#define _DEFAULT_SOURCE         /* MAP_ANONYMOUS: not in POSIX 2008, on every Unix */
#include "shm.h"

#include <errno.h>
#include <sys/mman.h>

void *shared_alloc(size_t size)
{
    void *mem;

    if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return mem == MAP_FAILED ? NULL : mem;
}

int shared_free(void *mem, size_t size)
{
    return munmap(mem, size);
}
