# session7: process-shared semaphores and robust mutexes need -pthread.
session7_LDLIBS := -pthread
# --explore counts schedules with GMP integers (common/explore.c).
session7_LDLIBS += -lgmp
