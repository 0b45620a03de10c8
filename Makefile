# Makefile - builds and runs the suite. README.md lists every target.
#
#   make                      the common library and all eight programs
#   make run                  the classroom walkthrough, session by session
#   make run-session6 ARGS=…  one program (add -s to see only its output)
#   make check                the Check test suite (installs Check if missing)
#   make V=1                  show the full compiler commands
#
# A session is a folder sessionN/ with sessionN.c (its main) and any other
# .c files (its modules, which the tests link too). A session's extra
# libraries and plots go in sessionN/build.mk, included below.

.DEFAULT_GOAL := all

CC       ?= cc
CFLAGS   ?= -O2 -g
STD      := -std=c11 -D_POSIX_C_SOURCE=200809L
WARNINGS := -Wall -Wextra -Werror -pedantic
CPPFLAGS += -Icommon -MMD -MP
ALL_CFLAGS = $(STD) $(WARNINGS) $(CFLAGS) $(EXTRA_CFLAGS)
BUILD    := build

# Quiet by default ("  CC  common/proc.c"); V=1 shows the commands; make -s
# shows nothing but the programs' own output.
ifeq ($(V),1)
  Q :=
  say := @:
else
  Q := @
  ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
    say := @:
  else
    say := @printf '  %-6s %s\n'
  endif
endif

# ---------------------------------------------------------------- setup

# A checkout this user cannot write (another user's clone, a read-only
# mount): one line saying so, before anything is tried.
UNWRITABLE := $(shell if [ ! -w . ]; then echo 'the tree ($(CURDIR))'; \
                elif [ -e $(BUILD) ] && [ ! -w $(BUILD) ]; then echo '$(BUILD)/'; fi)
ifneq ($(UNWRITABLE),)
$(error $(UNWRITABLE) is not writable by $(shell id -un); make writes its build outputs there: run it as the owner, or in a copy of the tree)
endif

# Before anything is built, tools/setup installs the Debian packages the
# build and the tests need (groups build and check of mk/packages.txt) when
# they are missing and this machine allows it (root, or sudo without a
# password), and writes what is still missing to build/setup.mk. When that
# file changes, make reads this Makefile again, so the pkg-config flags of
# session3/build.mk see what was just installed.
SETUP_MK := $(BUILD)/setup.mk
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
-include $(SETUP_MK)
endif
$(SETUP_MK): FORCE
	@tools/setup $@

# ---------------------------------------------------------------- programs

SESSIONS := session1 session2 session3 session4 session5 session6 session7 session8
PROGRAMS := session1/session1 session2/session2 session3/session3 session4/session4 \
            session5/session5 session6/session6 session7/session7 session8/session8

# A program is made of every .c file in its folder: sessionN.c (the lesson)
# and its modules (options, labs), which its test program links too; minus
# the files its build.mk sets apart (sessionN_APART: another program's), plus
# the shared modules of the sessions it uses (sessionN_USES: session7 uses
# session6, whose build.mk lists them in session6_SHARED).
objects_of = $(patsubst %.c,$(BUILD)/%.o,$(filter-out $($(1)_APART),$(wildcard $(1)/*.c))) \
             $(foreach u,$($(1)_USES),$(patsubst %,$(BUILD)/$(u)/%.o,$($(u)_SHARED)))
modules_of = $(filter-out $(BUILD)/$(1)/$(1).o,$(call objects_of,$(1)))
# --trace writes JSON with json-c (common/trace_json.c); without libjson-c-dev
# common/trace_without_json.c stands in for both (and trace_timeline.c, which
# reads a trace back to draw it), and --trace says what it needs.
ifneq ($(filter libjson-c-dev,$(SETUP_MISSING)),)
  COMMON_SRC := $(filter-out common/trace_json.c common/trace_timeline.c,$(wildcard common/*.c))
  TRACE_LIBS :=
else
  COMMON_SRC := $(filter-out common/trace_without_json.c,$(wildcard common/*.c))
  TRACE_LIBS := -ljson-c
endif
COMMON_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(COMMON_SRC))
LIBCOMMON  := $(BUILD)/libcommon.a

# Per-session additions, in sessionN/build.mk: sessionN_CFLAGS and
# sessionN_LDLIBS (extra libraries), sessionN_NEEDS (the packages of
# mk/packages.txt it cannot be built without), sessionN_APART,
# sessionN_SHARED and sessionN_USES (above), and PLOTS += docs/plots/x.svg
# with a rule that depends on FORCE (a plot is always drawn from a new run).
# bench/build.mk and mk/*.mk add their own targets.
PLOTS :=
-include $(wildcard session*/build.mk bench/build.mk mk/*.mk)

SESSION_CFLAGS = $(foreach s,$(SESSIONS),$($(s)_CFLAGS))

# Without root or sudo, what cannot be installed is skipped: `make` and
# `make run` build and run every other session, then say what to install.
SKIPPED  = $(foreach s,$(SESSIONS) bench,$(if $(filter $($(s)_NEEDS),$(SETUP_MISSING)),$(s)))
BUILT    = $(filter-out $(foreach s,$(SKIPPED),$(s)/$(s)),$(PROGRAMS) $(BENCH_PROGRAMS))
define report_skipped
	@if [ -n "$(strip $(SKIPPED))" ]; then \
	    echo "make: skipped $(strip $(SKIPPED)) (missing $(SETUP_MISSING)); install with: $(SETUP_INSTALL)" >&2; \
	    exit 1; fi
endef

# ---------------------------------------------------------------- build

.PHONY: all
all: $(BUILT)
	$(report_skipped)

$(LIBCOMMON): $(COMMON_OBJ)
	$(say) AR $@
	$(Q)$(AR) rcs $@ $^

# build/sessionN/x.o gets sessionN_CFLAGS; build/common/x.o gets none.
$(BUILD)/%.o: %.c
	$(say) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(call cflags_of,$(notdir $(@D))) -c -o $@ $<

# A session's files include its own headers and those of the sessions it
# uses by their plain names ("options.h", "bank.h").
cflags_of = $($(1)_CFLAGS) $(foreach u,$($(1)_USES),-I$(u) $($(u)_CFLAGS))

session1/session1: $(call objects_of,session1)
session2/session2: $(call objects_of,session2)
session3/session3: $(call objects_of,session3)
session4/session4: $(call objects_of,session4)
session5/session5: $(call objects_of,session5)
session6/session6: $(call objects_of,session6)
session7/session7: $(call objects_of,session7)
session8/session8: $(call objects_of,session8)

# Each links its objects, libcommon.a and its own libraries ($(@D) is the
# folder: session3/session3 gets session3_LDLIBS).
$(PROGRAMS): $(LIBCOMMON)
	$(say) LD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCOMMON) $($(@D)_LDLIBS) $(TRACE_LIBS) $(LDLIBS)

# ---------------------------------------------------------------- run

TITLE_session1 := a child process has its own memory (fork, copy-on-write)
TITLE_session2 := shared Value and Array (mmap MAP_SHARED before fork)
TITLE_session3 := a Manager server process and its proxies (sockets)
TITLE_session4 := a Queue between processes
TITLE_session5 := a Pipe with two ends and an END message
TITLE_session6 := a race condition on a bank balance
TITLE_session7 := a Lock fixes the race
TITLE_session8 := a Pool of worker processes

.PHONY: run
run: $(BUILT)
	@$(foreach s,$(filter-out $(SKIPPED),$(SESSIONS)),printf '\n==> %s: %s\n\n' '$(s)' '$(TITLE_$(s))' && ./$(s)/$(s) &&) true
	$(report_skipped)

# The walkthrough for a projector: Python beside C, the command, the output,
# what to look for; waits for a key on a terminal (tools/present says how).
.PHONY: present
present: $(BUILT)
	@tools/present $(FROM)

# The same walkthrough as one self-contained HTML file, with the programs'
# real output captured now (tools/slides says how; tests/test_present_slides.c
# checks it in a headless chromium).
.PHONY: slides
slides: $(BUILT)
	@tools/slides $(BUILD)/slides/index.html

define RUN_RULE
.PHONY: run-$(1)
run-$(1): $(1)/$(1)
	@./$(1)/$(1) $$(ARGS)
endef
$(foreach s,$(SESSIONS),$(eval $(call RUN_RULE,$(s))))

# ---------------------------------------------------------------- tests

# One Check program per session and per cross-cutting suite: the suites of
# tests/test_G.c and tests/test_G_*.c make build/tests/G-tests, linked with
# tests/runner.c and tests/testutil.c, libcommon.a, Check, and (for a session)
# that session's modules and libraries only. G_TEST_OBJ, G_TEST_CFLAGS and
# G_TEST_LDLIBS add to a cross-cutting program (fuzz links session3's
# decoder). make check runs them all, one after the other, and
# tools/run-tests adds their results up into one Check summary line.
TEST_GROUPS   := $(SESSIONS) common docs hardening present packages bench fuzz mpi syscalls assignments trace
test_files_of  = $(sort $(wildcard tests/test_$(1).c tests/test_$(1)_*.c))
TEST_PROGRAMS := $(foreach g,$(TEST_GROUPS),$(BUILD)/tests/$(g)-tests)
TESTUTIL_OBJ  := $(BUILD)/tests/testutil.o
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -pthread)

$(foreach s,$(SESSIONS),$(eval $(s)_TEST_OBJ := $$(call modules_of,$(s))) \
    $(eval $(s)_TEST_CFLAGS = -I$(s) $$(call cflags_of,$(s))) \
    $(eval $(s)_TEST_LDLIBS = $$($(s)_LDLIBS)))
fuzz_TEST_OBJ    := $(BUILD)/tests/fuzz_frame_check.o $(BUILD)/tests/fuzz_manager_check.o \
                    $(BUILD)/session3/protocol.o $(BUILD)/session3/store.o
fuzz_TEST_CFLAGS  = -Isession3 $(session3_CFLAGS)
fuzz_TEST_LDLIBS  = $(session3_LDLIBS)

# The tests need every package of groups build and check (tools/setup has
# installed them when it could): without them, one line with the command.
.PHONY: check check-run check-installed
check: check-installed
	@$(MAKE) --no-print-directory check-run

check-run: $(PROGRAMS) $(BENCH_PROGRAMS) $(TEST_PROGRAMS)
	@tools/run-tests $(if $(filter @:,$(say)),-q) $(TEST_PROGRAMS)

check-installed:
	@if [ -n "$(SETUP_MISSING)" ]; then \
	    echo "make check: missing $(SETUP_MISSING); install with: $(SETUP_INSTALL)" >&2; exit 1; fi

$(BUILD)/tests/%.o: tests/%.c | check-installed
	$(say) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) $(TEST_CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

# $(1): a group. Its suites.inc (one SUITE(name) per file, rewritten only
# when a file comes or goes), its runner, its objects' flags, its program.
define TEST_PROGRAM
$(BUILD)/tests/$(1)/suites.inc: FORCE
	@mkdir -p $$(@D)
	@for f in $(call test_files_of,$(1)); do \
	    n=$$$${f#tests/test_}; echo "SUITE($$$${n%.c})"; \
	done > $$@.tmp
	@cmp -s $$@.tmp $$@ && rm -f $$@.tmp || mv $$@.tmp $$@

$(BUILD)/tests/$(1)/runner.o: tests/runner.c $(BUILD)/tests/$(1)/suites.inc | check-installed
	$$(say) CC "$$< ($(1))"
	$$(Q)$$(CC) $$(CPPFLAGS) -I$(BUILD)/tests/$(1) $$(ALL_CFLAGS) $$(CHECK_CFLAGS) -c -o $$@ $$<

$(patsubst tests/%.c,$(BUILD)/tests/%.o,$(call test_files_of,$(1)) \
    $(filter tests/%.c,$(patsubst $(BUILD)/%.o,%.c,$($(1)_TEST_OBJ)))): \
    TEST_CFLAGS = $$($(1)_TEST_CFLAGS)

$(BUILD)/tests/$(1)-tests: $(BUILD)/tests/$(1)/runner.o \
        $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(call test_files_of,$(1))) \
        $($(1)_TEST_OBJ) $(TESTUTIL_OBJ) $(LIBCOMMON)
	$$(say) LD $$@
	$$(Q)$$(CC) $$(ALL_CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$($(1)_TEST_LDLIBS) $$(TRACE_LIBS) $$(CHECK_LIBS) $$(LDLIBS)
endef
$(foreach g,$(TEST_GROUPS),$(eval $(call TEST_PROGRAM,$(g))))

# The README's quick start on a fresh minimal Debian 12 (tools/check-fresh
# says how; docs/testing.md why). Needs root; CI runs it first.
.PHONY: check-fresh
check-fresh:
	@tools/check-fresh

# ---------------------------------------------------------------- docs

DOT     := $(shell command -v dot 2>/dev/null)
GNUPLOT := $(shell command -v gnuplot 2>/dev/null)
DIAGRAM_SRC := $(wildcard docs/diagrams/*.dot)

.PHONY: diagrams plots docs
diagrams:
ifeq ($(DOT),)
	@echo "make diagrams: Graphviz 'dot' not found, keeping the committed SVGs (apt-get install graphviz)"
else
	@$(foreach f,$(DIAGRAM_SRC),$(if $(filter @:,$(say)),,echo "  DOT    $(f)" &&) $(DOT) -Tsvg $(f) -o $(f:.dot=.svg) &&) true
endif

plots: $(PROGRAMS)
ifeq ($(GNUPLOT),)
	@echo "make plots: gnuplot not found, keeping the committed plots (apt-get install gnuplot-nox)"
else ifeq ($(strip $(PLOTS)),)
	@echo "make plots: no session defines a plot yet"
else
	@$(MAKE) --no-print-directory $(PLOTS)
endif

docs: diagrams plots

# ---------------------------------------------------------------- clean

.PHONY: clean FORCE
clean:
	rm -rf $(BUILD) $(PROGRAMS) $(BENCH_PROGRAMS) bench/results.csv

FORCE:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
