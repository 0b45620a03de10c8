# mk/grade.mk - the assignments (assignments/README.md, docs/assignments.md).
#
#   make grade                    grades every assignment (the files in assignments/NAME)
#   make grade-NAME [WORK=dir]    one assignment; WORK=dir grades the files in dir instead
#   make grade-NAME TESTS="a b"   only tests a and b
#   make grade-NAME WRONG=M       one of the wrong solutions that test the grader:
#                                 the solution with tests/assignments/NAME/M.patch applied
#   make handout                  build/handout/NAME.tar.gz for every assignment
#   make handout-NAME             one: starter, README, grader, a Makefile; no solution
#
# An assignment is a folder assignments/NAME with an assignment.mk;
# assignments/grade/rules.mk builds and runs its grader, here and in a handout.

ASSIGNMENTS := $(sort $(patsubst assignments/%/assignment.mk,%,$(wildcard assignments/*/assignment.mk)))
HANDOUT_DIR := $(BUILD)/handout

# A build folder per graded folder, so the solution and each wrong solution
# keep their own objects: $(call grade_out,NAME,FOLDER).
grade_out = $(BUILD)/grade/$(1)/$(if $(2),$(shell printf '%s' '$(abspath $(2))' | cksum | cut -d' ' -f1),starter)
grade_rules = $(MAKE) --no-print-directory -f assignments/grade/rules.mk A=assignments/$(1) \
    WORK=$(or $(2),assignments/$(1)) LIB=assignments/grade OUT=$(call grade_out,$(1),$(2)) \
    GOUT=$(BUILD)/grade/$(1)/grader
# A wrong solution, $(call wrong_rules,NAME,M): tests/assignments/wrong.mk
# patches a copy of the solution in $(BUILD)/grade/NAME/patched/M/src and grades it.
wrong_rules = $(MAKE) --no-print-directory -f tests/assignments/wrong.mk NAME=$(1) WRONG=$(2) \
    BUILD=$(BUILD)

.PHONY: grade handout
grade:
	@status=0; for a in $(ASSIGNMENTS); do \
	    echo "== $$a"; $(MAKE) --no-print-directory grade-$$a WORK= WRONG= || status=1; \
	done; exit $$status

handout: $(foreach a,$(ASSIGNMENTS),handout-$(a))

define GRADE_RULE
.PHONY: grade-$(1) handout-$(1)
grade-$(1):
	+@$$(if $$(WRONG),$$(call wrong_rules,$(1),$$(WRONG)),$$(call grade_rules,$(1),$$(WORK)))

# Every file at the top of assignments/NAME (never its solution/ folder), the
# library in grade/, handout.mk as the Makefile, and in docs/ the pages of the
# suite the README and the grader's hints name, with their pictures (the
# README's ../../docs/ links become docs/).
handout-$(1):
	@rm -rf $(HANDOUT_DIR)/$(1) && mkdir -p $(HANDOUT_DIR)/$(1)/grade
	@find assignments/$(1) -maxdepth 1 -type f -exec cp {} $(HANDOUT_DIR)/$(1)/ \;
	@cp assignments/grade/grade.h assignments/grade/grade.c assignments/grade/rules.mk \
	    $(HANDOUT_DIR)/$(1)/grade/
	@cp assignments/grade/handout.mk $(HANDOUT_DIR)/$(1)/Makefile
	@tools/handout-docs assignments/$(1) $(HANDOUT_DIR)/$(1)
	@tar -czf $(HANDOUT_DIR)/$(1).tar.gz -C $(HANDOUT_DIR) $(1)
	@rm -rf $(HANDOUT_DIR)/$(1)
	@echo "wrote $(HANDOUT_DIR)/$(1).tar.gz"
endef
$(foreach a,$(ASSIGNMENTS),$(eval $(call GRADE_RULE,$(a))))

# docs/assignments.md shows a wrong solution's grade, which test_docs runs:
# its grader is built before the tests start, so the docs test's deadline
# covers the grading only.
check-run: grade-docs-example
.PHONY: grade-docs-example
grade-docs-example:
	+@$(call wrong_rules,deadlock,ordered-twice) $(BUILD)/grade/deadlock/patched/ordered-twice/grade
