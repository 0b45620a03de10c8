# session8/build.mk - the Pool's charts from real runs (make plots).
#
# Both rules depend on FORCE: a plot is always drawn from a new run.

PLOTS += docs/plots/session8-timeline.svg docs/plots/session8-speedup.svg

docs/plots/session8-timeline.svg: session8/session8 session8/plot-timeline.sh FORCE
	$(say) PLOT $@
	$(Q)session8/plot-timeline.sh $@

# A speedup measured while the timeline run takes a core is wrong: under
# make -j the two runs must not overlap, so the timeline is drawn first.
docs/plots/session8-speedup.svg: session8/session8 session8/plot-speedup.sh FORCE \
                                 | docs/plots/session8-timeline.svg
	$(say) PLOT $@
	$(Q)session8/plot-speedup.sh $@

# ---------------------------------------------------------------- MPI
# session8/session8-mpi: the same Pool.map on MPI (docs/beyond.md), from
# session8-mpi.c, mpi_pool.c and mpi_options.c. They are set apart from
# session8's own program (session8_APART), which must not need MPI; its
# tests (tests/test_mpi.c) only run it. Built by `make mpi`, and by `make`
# and `make check` when mpicc is there; otherwise skipped with a note.
#
#   make mpi                            build it
#   make run-session8-mpi NP=3 ARGS=…   mpirun -np 3 session8/session8-mpi ARGS
#
# mpicc compiles with $(CC) (OMPI_CC), so `make CC=clang` builds it too.
# Open MPI refuses to start as root unless told it is meant: as root the
# run target adds --allow-run-as-root. NP may exceed the CPUs: --oversubscribe.

MPICC   ?= mpicc
MPIRUN  ?= mpirun
NP      ?= 3
HAVE_MPICC := $(shell command -v $(MPICC) 2>/dev/null)
MPI_PROGRAM := session8/session8-mpi
MPI_SRC := session8/session8-mpi.c $(wildcard session8/mpi_*.c)
MPI_OBJ := $(patsubst session8/%.c,$(BUILD)/session8/mpi/%.o,$(MPI_SRC) session8/items.c)
session8_APART := $(MPI_SRC)
MPIRUN_FLAGS := --oversubscribe $(if $(filter 0,$(shell id -u)),--allow-run-as-root)

$(BUILD)/session8/mpi/%.o: session8/%.c
	$(say) MPICC $<
	@mkdir -p $(@D)
	$(Q)OMPI_CC=$(CC) $(MPICC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(MPI_PROGRAM): $(MPI_OBJ) $(LIBCOMMON)
	$(say) LD $@
	$(Q)OMPI_CC=$(CC) $(MPICC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: mpi mpi-note mpi-clean run-session8-mpi
ifeq ($(HAVE_MPICC),)
mpi mpi-note:
	@echo "make: mpicc not found, session8/session8-mpi not built (apt-get install openmpi-bin libopenmpi-dev)"
run-session8-mpi: mpi
else
mpi: $(MPI_PROGRAM)
mpi-note: $(MPI_PROGRAM)
run-session8-mpi: $(MPI_PROGRAM)
	@$(MPIRUN) $(MPIRUN_FLAGS) -np $(NP) $(MPI_PROGRAM) $(ARGS)
endif

# make bench measures it too (bench/figures.c, the mpi_* figures).
all: mpi-note
check-run: mpi-note
bench: mpi-note
clean: mpi-clean
mpi-clean:
	rm -f $(MPI_PROGRAM)
