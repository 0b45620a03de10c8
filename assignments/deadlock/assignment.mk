# The student writes transfer.c; grade.c supplies the bank (bank.h).
FILES := transfer.c
GIVEN :=
