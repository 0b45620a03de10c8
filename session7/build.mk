# session7: process-shared semaphores and robust mutexes need -pthread.
session7_LDLIBS := -pthread
