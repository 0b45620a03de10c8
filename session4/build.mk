# session4/build.mk - the Queue's process-shared mutex and condition
# variables are pthread objects.
session4_CFLAGS := -pthread
session4_LDLIBS := -pthread
