# session7: process-shared semaphores and robust mutexes need -pthread.
session7_LDLIBS := -pthread
# --explore counts schedules with GMP integers (common/explore.c); without
# libgmp-dev the Makefile builds common/explore_without_gmp.c instead.
session7_LDLIBS += $(GMP_LIBS)
