/* shm.h - memory that parent and children share after fork().
 *
 * mmap(MAP_SHARED | MAP_ANONYMOUS) made *before* fork gives both processes
 * the same physical pages at the same address. Nothing has a name, so nothing
 * can be left behind in /dev/shm: the pages go away with the last process
 * that maps them. This is session2's mmap(), wrapped for the sessions after
 * it: session2.c calls mmap() itself, and docs/session2.md explains it.
 */
#ifndef COMMON_SHM_H
#define COMMON_SHM_H

#include <stddef.h>

/* Returns size bytes of zero-filled shared memory, or NULL with errno. */
void *shared_alloc(size_t size);

/* Unmaps memory from shared_alloc. Returns 0, or -1 with errno. */
int shared_free(void *mem, size_t size);

#endif
