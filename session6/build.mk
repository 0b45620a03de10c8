# session6: process-shared semaphores (the --interleave schedule) need -pthread.
session6_LDLIBS := -pthread
