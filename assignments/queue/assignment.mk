# The student writes queue.c; grade.c tests it through queue.h.
FILES := queue.c
GIVEN :=
LDLIBS := -pthread
