# session6: process-shared semaphores (the --interleave schedule) need -pthread.
session6_LDLIBS := -pthread
# --explore counts schedules with GMP integers (common/explore.c).
session6_LDLIBS += -lgmp
