# rules.mk - builds one assignment's grader and runs it: `make grade`.
#
# The same rules serve the suite (mk/grade.mk calls them for `make grade-NAME`)
# and a handout (its Makefile includes them). What they need:
#   A     the assignment's folder: assignment.mk, grade.c, the given files
#   WORK  the folder with the student's files (default: A)
#   LIB   the grader library's folder: grade.h, grade.c, this file
#   OUT   where objects and the grader program go
#   GOUT  where the grader's own objects go (default: OUT), so that several
#         folders graded one after the other compile the grader once
#   TESTS the tests to run (default: all), e.g. make grade TESTS=bank_updates
# A's assignment.mk says what is what:
#   FILES          the .c files the student writes (taken from WORK)
#   GIVEN          the .c files that come with the assignment (taken from A)
#   STUDENT_CFLAGS flags for the student's files only (e.g. -include ...)
#   LDLIBS         libraries the grader links

A    ?= .
WORK ?= $(A)
LIB  ?= grade
OUT  ?= build
GOUT ?= $(OUT)
CC   ?= cc
CFLAGS ?= -O2 -g

include $(A)/assignment.mk

# Quiet ("  CC  lock.c") unless V=1; make -s: nothing but the grader's lines.
ifeq ($(V),1)
  GQ :=
  gsay := @:
else
  GQ := @
  ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
    gsay := @:
  else
    gsay := @printf '  %-6s %s\n'
  endif
endif

GRADE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -pedantic \
                -I$(A) -I$(LIB) -MMD -MP $(CFLAGS)
# The student's fork() goes through the grader's counter, and kill() past
# its watch (grade.c).
GRADE_LDFLAGS := -Wl,--wrap=fork,--wrap=kill

WORK_OBJ  := $(patsubst %.c,$(OUT)/yours/%.o,$(FILES))
GIVEN_OBJ := $(patsubst %.c,$(GOUT)/given/%.o,$(GIVEN) grade.c)
LIB_OBJ   := $(GOUT)/lib/grade.o

.PHONY: grade
grade: $(OUT)/grade
	@$(OUT)/grade $(TESTS)

$(OUT)/grade: $(WORK_OBJ) $(GIVEN_OBJ) $(LIB_OBJ)
	$(gsay) LD $@
	$(GQ)$(CC) $(CFLAGS) $(GRADE_LDFLAGS) -o $@ $^ $(LDLIBS)

$(OUT)/yours/%.o: $(WORK)/%.c
	@mkdir -p $(@D)
	$(gsay) CC $<
	$(GQ)$(CC) $(GRADE_CFLAGS) $(STUDENT_CFLAGS) -c -o $@ $<

$(GOUT)/given/%.o: $(A)/%.c
	@mkdir -p $(@D)
	$(gsay) CC $<
	$(GQ)$(CC) $(GRADE_CFLAGS) -c -o $@ $<

$(GOUT)/lib/%.o: $(LIB)/%.c
	@mkdir -p $(@D)
	$(gsay) CC $<
	$(GQ)$(CC) $(GRADE_CFLAGS) -c -o $@ $<

-include $(WORK_OBJ:.o=.d) $(GIVEN_OBJ:.o=.d) $(LIB_OBJ:.o=.d)
