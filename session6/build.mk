# session6: process-shared semaphores (the --interleave schedule) need -pthread.
session6_LDLIBS := -pthread
# --explore counts schedules with GMP integers (explore_count.c). On a machine
# where libgmp-dev is missing and could not be installed, explore_without_gmp.c
# stands in, so sessions 6 and 7 still build, and --explore says what it needs.
ifneq ($(filter libgmp-dev,$(SETUP_MISSING)),)
  EXPLORE_COUNT := explore_without_gmp
  GMP_LIBS      :=
else
  EXPLORE_COUNT := explore_count
  GMP_LIBS      := -lgmp
endif
session6_LDLIBS += $(GMP_LIBS)
session6_APART  := $(filter-out session6/$(EXPLORE_COUNT).c,session6/explore_count.c \
                                session6/explore_without_gmp.c)
# What session7 links of session6 (session7 is session6 plus the lock): all
# but the lesson, its options and its own labs (schedule.c, value_lock.c).
session6_SHARED := bank bank_trace explore $(EXPLORE_COUNT)
