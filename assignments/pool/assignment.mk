# The student writes pool.c; grade.c tests it through pool.h.
FILES := pool.c
GIVEN :=
