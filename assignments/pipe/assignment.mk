# The student writes conn.c; grade.c tests it through conn.h.
FILES := conn.c
GIVEN :=
