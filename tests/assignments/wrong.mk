# wrong.mk - grades one wrong solution of an assignment's grader tests: the
# reference solution with one planted mistake, kept as a patch
# (CONTRIBUTING.md, "How to add... an assignment").
#
#   make -f tests/assignments/wrong.mk NAME=lock WRONG=no-wake           grade it
#   make -f tests/assignments/wrong.mk NAME=lock WRONG=no-wake patched   only patch it
#
# Run from the top of the tree: `make grade-lock WRONG=no-wake` and
# tests/test_assignments.c do. The copy of assignments/NAME/solution/ in
# BUILD/grade/NAME/patched/WRONG/src gets tests/assignments/NAME/WRONG.patch
# (`patch -p1`, no fuzz: every line of context must be there), again whenever
# the patch or the solution changes, and assignments/grade/rules.mk grades it
# as WORK, its objects next to it. A patch that does not apply stops here
# with one line naming it, and nothing is graded. SOLUTION and PATCH may
# name other files (the test of that line does).

BUILD    ?= build
ifeq ($(NAME),)
  $(error wrong.mk: say which assignment, NAME=lock)
endif
ifeq ($(WRONG),)
  $(error wrong.mk: say which wrong solution, WRONG=no-wake (tests/assignments/$(NAME)/*.patch))
endif
SOLUTION ?= assignments/$(NAME)/solution
PATCH    ?= tests/assignments/$(NAME)/$(WRONG).patch
ifeq ($(wildcard $(PATCH)),)
  $(error wrong.mk: no $(PATCH); the wrong solutions of $(NAME): $(patsubst %.patch,%,$(notdir $(wildcard tests/assignments/$(NAME)/*.patch))))
endif

A    := assignments/$(NAME)
LIB  := assignments/grade
OUT  := $(BUILD)/grade/$(NAME)/patched/$(WRONG)
GOUT := $(BUILD)/grade/$(NAME)/grader
WORK := $(OUT)/src
include assignments/grade/rules.mk

# The stamp is written last, so a copy whose patch failed is never graded.
# One shell for it all: a cold make check runs it for every wrong solution.
$(WORK)/.patched: $(PATCH) $(wildcard $(SOLUTION)/*)
	@rm -rf $(WORK) && mkdir -p $(WORK) && cp $(SOLUTION)/* $(WORK)/ && \
	if patch -d $(WORK) -p1 --batch --forward --fuzz=0 --no-backup-if-mismatch -r - \
	    <$(PATCH) >$(OUT)/patch.log 2>&1; then touch $@; else \
	    { echo "$(PATCH) does not apply to $(SOLUTION)/: plant its mistake again in a copy of the solution and diff -u (CONTRIBUTING.md)"; \
	      sed 's/^/    /' $(OUT)/patch.log; } >&2; exit 1; fi

$(addprefix $(WORK)/,$(FILES)): $(WORK)/.patched ;
$(WORK_OBJ): $(WORK)/.patched

.PHONY: patched
patched: $(WORK)/.patched
