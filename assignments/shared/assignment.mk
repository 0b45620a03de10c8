# The student writes shared.c; grade.c tests it through shared.h.
FILES := shared.c
GIVEN :=
