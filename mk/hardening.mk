# mk/hardening.mk - the hardening targets; docs/testing.md explains each one.
#
#   make check-sanitize        make check with AddressSanitizer + UBSan
#   make check-valgrind        each default run and the unit tests under memcheck
#   make lint                  clang-tidy (.clang-tidy) and cppcheck, zero findings
#   make fuzz [FUZZ_SECONDS=N] libFuzzer on the message framing and the manager's requests
#   make fuzz-seeds            rewrite fuzz/corpus/manager with the protocol's encoder
#
# The sanitized build runs in a copy of the tree (build/sanitize-tree), so its
# objects and programs never mix with the plain ones a later `make check` uses.

HARDEN_DIR     := $(BUILD)/hardening
SANITIZE_TREE  := $(BUILD)/sanitize-tree
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
                  -fno-omit-frame-pointer
# Leaks are valgrind's job (check-valgrind): Check's forked test processes and
# the programs' children end with _exit on purpose, holding memory the parent
# frees. halt_on_error/abort make any report a failing test. Instrumented
# code is slower: CK_TIMEOUT_MULTIPLIER stretches every test deadline
# (Check's and tests/testutil.h's RUN_TIMEOUT).
# The assignments' graders are built without the sanitizers (rules.mk) and
# run at full speed: their deadlines stay as they are (GRADE_TIMEOUT_MULTIPLIER).
SANITIZE_ENV   := ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
                  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                  CK_TIMEOUT_MULTIPLIER=3 GRADE_TIMEOUT_MULTIPLIER=1

.PHONY: check-sanitize check-valgrind lint fuzz fuzz-seeds

# $(call fresh_tree,DIR): a copy of every file but the build outputs, cleaned.
fresh_tree = rm -rf $(1) && mkdir -p $(1) && \
    tar --exclude=./$(BUILD) --exclude=./.git -cf - . | tar -xf - -C $(1) && \
    $(MAKE) --no-print-directory -C $(1) clean >/dev/null

# The whole suite, in its own tree, with the sanitizer flags on every compile
# and link.
check-sanitize:
	@echo "== check-sanitize: make check with $(SANITIZE_FLAGS)"
	+@$(call fresh_tree,$(SANITIZE_TREE))
	@$(SANITIZE_ENV) $(MAKE) --no-print-directory -C $(SANITIZE_TREE) check \
	    EXTRA_CFLAGS="$(SANITIZE_FLAGS)" LDFLAGS="$(SANITIZE_FLAGS)"

# memcheck: any error, or any definitely/indirectly lost byte, fails the run.
# Children started with fork() are followed by valgrind without asking.
# Its own tree again: valgrind 3.19 cannot read the DWARF 5 debug information
# clang 14 writes, so this build asks for DWARF 4 whatever CC is.
VALGRIND_TREE := $(BUILD)/valgrind-tree
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect

# A test program forks copies of itself (a producer, a pool worker, a fake
# client) that end with _exit holding the test's memory, as die_child's
# comment explains; valgrind would call that memory lost in each copy and
# make the copy exit 99, failing a test that did nothing wrong. So for a
# test program a leak counts only in the program's own process, while a
# memory error (a bad read or write, an uninitialised value) counts in every
# process. One log per process, in $(VALGRIND_LOGS)/PROGRAM/.
VALGRIND_LOGS  := $(BUILD)/valgrind-logs
VALGRIND_TESTS := valgrind --error-exitcode=99 --leak-check=full \
                  --errors-for-leak-kinds=none --show-leak-kinds=definite,indirect

check-valgrind:
	@echo "== check-valgrind: every default run, then every test program (CK_FORK=no)"
	+@$(call fresh_tree,$(VALGRIND_TREE))
	@$(MAKE) --no-print-directory -C $(VALGRIND_TREE) EXTRA_CFLAGS=-gdwarf-4 \
	    all $(TEST_PROGRAMS)
	@cd $(VALGRIND_TREE) && set -e && for p in $(PROGRAMS); do \
	    echo "  VG     $$p"; \
	    $(VALGRIND) ./$$p >/dev/null; \
	done
	@cd $(VALGRIND_TREE) && rm -rf $(VALGRIND_LOGS) && status=0 && processes=0 && copies=0 && \
	for t in $(TEST_PROGRAMS); do \
	    echo "  VG     $$t"; \
	    logs=$(VALGRIND_LOGS)/$${t##*/}; mkdir -p $$logs; \
	    CK_FORK=no CK_VERBOSITY=minimal CK_TIMEOUT_MULTIPLIER=3 GRADE_TIMEOUT_MULTIPLIER=1 sh -c 'echo $$$$ >'$$logs/main.pid'; \
	        exec $(VALGRIND_TESTS) --log-file='$$logs/%p.log' ./'$$t || status=1; \
	    main=$$logs/$$(cat $$logs/main.pid).log; \
	    grep -q 'ERROR SUMMARY' $$main || { echo "check-valgrind: no summary from $$t"; exit 1; }; \
	    bad=$$(grep -L 'ERROR SUMMARY: 0 errors' $$(grep -l 'ERROR SUMMARY' $$logs/*.log) </dev/null); \
	    if [ -n "$$bad" ]; then cat $$bad; echo "check-valgrind: memory errors, above"; exit 1; fi; \
	    if grep -Eq '(definitely|indirectly) lost: [1-9]' $$main; then \
	        cat $$main; echo "check-valgrind: $$t leaked, above"; exit 1; fi; \
	    processes=$$((processes + $$(ls $$logs/*.log | wc -l))); \
	    copies=$$((copies + $$(grep -lE '(definitely|indirectly) lost: [1-9]' $$logs/*.log | wc -l))); \
	done; \
	echo "check-valgrind: 0 errors in $$processes processes; 0 bytes lost by the test programs"; \
	echo "  ($$copies forked copies of test programs ended with _exit holding test memory: not leaks)"; \
	exit $$status

# ------------------------------------------------------------------ lint

# The MPI program (mpicc) and the file GMP makes unused are not in the build.
LINT_SOURCES = $(sort $(filter-out $(MPI_SRC) $(session6_APART),\
                   $(wildcard common/*.c session[1-8]/*.c tests/*.c bench/*.c)))
# The fuzz targets are built by `make fuzz` only (with clang's fuzzer flags,
# which bear records as clang's internal commands), so they get plain flags.
LINT_FUZZ    = $(sort $(wildcard fuzz/*.c))
COMPILE_DB  := $(HARDEN_DIR)/compile_commands.json

# bear records the compiler commands of a full rebuild (in a scratch build
# directory, so the normal objects are not touched).
$(COMPILE_DB): FORCE
	@mkdir -p $(HARDEN_DIR)
	@bear --output $@ -- $(MAKE) --no-print-directory -B BUILD=$(HARDEN_DIR)/lint-build \
	    $(foreach s,$(SESSIONS),$(HARDEN_DIR)/lint-build/$(s)/$(s).o) \
	    $(patsubst $(BUILD)/%,$(HARDEN_DIR)/lint-build/%,$(TEST_PROGRAMS)) \
	    $(HARDEN_DIR)/lint-build/bench/bench.o $(HARDEN_DIR)/lint-build/bench/figures.o >/dev/null

# clang-tidy runs once per file: clang-tidy 14 given several files reports a
# false "uninitialized va_list" in the second (its va_list checker keeps state
# from the first file). Findings are errors (.clang-tidy), so xargs fails.

# cppcheck: every check family that is about bugs; style is clang-tidy's and
# ours. The suppressions file says why each entry is there.
CPPCHECK := cppcheck -q --error-exitcode=1 --inline-suppr --std=c11 \
            --enable=warning,portability,performance \
            --suppressions-list=.cppcheck-suppressions --library=mk/cppcheck.cfg \
            -D__linux__ -D__GNUC__

lint: $(COMPILE_DB)
	@echo "== lint: clang-tidy (.clang-tidy) and cppcheck over $(words $(LINT_SOURCES) $(LINT_FUZZ)) files"
	@printf '%s\n' $(LINT_SOURCES) | xargs -n1 -P2 clang-tidy --quiet -p $(HARDEN_DIR) 2>/dev/null
	@printf '%s\n' $(LINT_FUZZ) | xargs -n1 -P2 -I{} clang-tidy --quiet {} -- \
	    $(STD) -Icommon -Itests -Isession3 $(SESSION_CFLAGS) 2>/dev/null
	@$(CPPCHECK) -Icommon --project=$(COMPILE_DB)
	@$(CPPCHECK) -D_POSIX_C_SOURCE=200809L -Icommon -Itests -Isession3 $(LINT_FUZZ)
	@echo "lint: no findings"

# ------------------------------------------------------------------ fuzz

# Each target: fuzz/NAME_fuzz.c plus the rule checker tests/fuzz_NAME_check.c
# (shared with tests/test_fuzz.c) and the code under test. New inputs that
# reach new code go to a scratch corpus; the committed seeds are only read.
FUZZ_SECONDS ?= 60
FUZZ_CC      := clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_OUT     := $(HARDEN_DIR)/fuzz
FUZZ_TARGETS := frame manager
# common/ whole: the framing records its messages for --trace (common/trace.c),
# which needs the rest of the library.
FUZZ_SRC_frame := fuzz/frame_fuzz.c tests/fuzz_frame_check.c $(COMMON_SRC)
# The manager's requests: session3's decoder and store, with msgpack-c
# (session3/build.mk says how to find it).
MANAGER_FUZZ_SRC := tests/fuzz_manager_check.c session3/protocol.c session3/store.c \
                    $(COMMON_SRC)
FUZZ_SRC_manager := fuzz/manager_fuzz.c $(MANAGER_FUZZ_SRC)
manager_FUZZ_CFLAGS = $(session3_CFLAGS)
manager_FUZZ_LDLIBS = $(session3_LDLIBS)

define FUZZ_RULE
$(FUZZ_OUT)/$(1)_fuzz: $$(FUZZ_SRC_$(1))
	$$(say) FUZZCC $$@
	@mkdir -p $$(@D)
	$$(Q)$$(FUZZ_CC) $$(STD) $$(WARNINGS) $$(FUZZ_FLAGS) -Icommon -Itests -Isession3 \
	    $$($(1)_FUZZ_CFLAGS) -o $$@ $$^ $$($(1)_FUZZ_LDLIBS) $(TRACE_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_RULE,$(t))))

# A crash stops the run with the input saved as $(FUZZ_OUT)/NAME-crash-*;
# copy it to fuzz/regressions/NAME/ and `make check` replays it from then on.
fuzz: $(foreach t,$(FUZZ_TARGETS),$(FUZZ_OUT)/$(t)_fuzz)
	@set -e; for t in $(FUZZ_TARGETS); do \
	    echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
	    mkdir -p $(FUZZ_OUT)/corpus-$$t; \
	    if ! $(FUZZ_OUT)/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	        -print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/$$t- \
	        $(FUZZ_OUT)/corpus-$$t fuzz/corpus/$$t fuzz/regressions/$$t \
	        >$(FUZZ_OUT)/$$t.log 2>&1; then \
	        tail -n 30 $(FUZZ_OUT)/$$t.log; \
	        echo "fuzz: $$t failed; the input is in $(FUZZ_OUT)/$$t-*"; exit 1; \
	    fi; \
	    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss)' $(FUZZ_OUT)/$$t.log || true; \
	done

# The manager's seeds come from its encoder (fuzz/manager_seeds.c), so that
# a change of the protocol changes them too; test_fuzz.c checks they agree.
$(FUZZ_OUT)/manager_seeds: fuzz/manager_seeds.c $(MANAGER_FUZZ_SRC)
	$(say) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(STD) $(WARNINGS) $(CFLAGS) -Icommon -Itests -Isession3 $(session3_CFLAGS) \
	    -o $@ $^ $(session3_LDLIBS) $(TRACE_LIBS)

fuzz-seeds: $(FUZZ_OUT)/manager_seeds
	@mkdir -p fuzz/corpus/manager
	@$(FUZZ_OUT)/manager_seeds fuzz/corpus/manager
