# session6: process-shared semaphores (the --interleave schedule) need -pthread.
session6_LDLIBS := -pthread
# --explore counts schedules with GMP integers (common/explore.c); without
# libgmp-dev the Makefile builds common/explore_without_gmp.c instead.
session6_LDLIBS += $(GMP_LIBS)
