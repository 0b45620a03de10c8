# bench/build.mk - `make bench`: the benchmark program, its run, and its plot.
# Included by the top-level Makefile; docs/performance.md explains the figures.
#
#   make bench                 every figure, median of 5, table + bench/results.csv
#   make bench BENCH_ARGS=...  options for bench/bench (see bench/bench --help)

BENCH_PROGRAMS += bench/bench
# It measures session3's manager too, so it needs what session3 needs.
bench_NEEDS = $(session3_NEEDS)
# The primitives measured come from the sessions' modules.
BENCH_OBJ := $(BUILD)/bench/bench.o $(BUILD)/bench/figures.o \
             $(BUILD)/session4/queue.o $(BUILD)/session4/bounded_buffer.o $(BUILD)/session4/ring.o $(BUILD)/session5/pipe.o $(BUILD)/session5/spin.o $(BUILD)/session7/lock.o $(BUILD)/session8/pool.o \
             $(BUILD)/session3/proxy.o $(BUILD)/session3/server.o $(BUILD)/session3/manager.o \
             $(BUILD)/session3/store.o $(BUILD)/session3/protocol.o $(BUILD)/session3/auth.o
bench_CFLAGS := -pthread
# Their headers, by their plain names (-I for each of these sessions).
bench_USES   := session3 session4 session5 session7 session8
bench_LDLIBS := -pthread -lm $(session3_LDLIBS) $(TRACE_LIBS)

bench/bench: $(BENCH_OBJ) $(LIBCOMMON)
	$(say) LD $@
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(bench_LDLIBS) $(LDLIBS)

.PHONY: bench
bench: bench/bench
	@./bench/bench $(BENCH_ARGS)

# The bar chart of the ratios: always from a new run (FORCE).
PLOTS += docs/plots/bench-ratios.svg
docs/plots/bench-ratios.svg: bench/bench bench/ratios.gp FORCE
	@mkdir -p $(@D)
	@./bench/bench $(BENCH_ARGS) --csv $(BUILD)/bench/plot.csv
	$(say) PLOT $@
	$(Q)gnuplot -e "csv='$(BUILD)/bench/plot.csv'; out='$@'" bench/ratios.gp
