# The student writes lock.c and bank.c. They are compiled with interpose.h
# included first, so that the grader can switch processes at each atomic
# operation and count the futex calls (README.md, "How it is graded").
FILES := lock.c bank.c
GIVEN :=
STUDENT_CFLAGS := -include interpose.h
