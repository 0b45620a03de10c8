# session7 is session6 plus the lock: it is built from session7/*.c and
# session6's shared modules (session6_SHARED in session6/build.mk: the bank,
# --explore), whose headers it includes by their plain names.
session7_USES   := session6
# Process-shared semaphores and robust mutexes need -pthread; session6's
# --explore, GMP (GMP_LIBS is empty when it stands in without).
session7_LDLIBS  = -pthread $(GMP_LIBS)
