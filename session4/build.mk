# session4/build.mk - the Queue's process-shared semaphores (sem_init,
# sem_timedwait) are part of the POSIX threads library.
session4_CFLAGS := -pthread
session4_LDLIBS := -pthread
