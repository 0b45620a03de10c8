# timeline.mk - `make timeline-sessionN [ARGS="..."]`: runs sessionN with
# --trace and draws the trace (build/timeline, from tools/timeline.c) with
# gnuplot: one lane per process, time across, every operation a mark.
# The picture and the trace go in build/; `make plots` draws the ones the
# docs show, docs/plots/sessionN-trace.svg. docs/tracing.md explains them.

TIMELINE      := $(BUILD)/timeline
TIMELINE_DIR  := $(BUILD)/timelines
HAVE_GNUPLOT  := $(shell command -v gnuplot 2>/dev/null)

# Without ARGS, a run small enough to see each operation.
TIMELINE_ARGS_session1 :=
TIMELINE_ARGS_session2 :=
TIMELINE_ARGS_session3 :=
TIMELINE_ARGS_session4 :=
TIMELINE_ARGS_session5 :=
TIMELINE_ARGS_session6 := --trials 1 --iterations 60
TIMELINE_ARGS_session7 := --trials 1 --iterations 30
TIMELINE_ARGS_session8 := --processes 2 --range 32 --chunksize 4 --work 2000 --quiet

$(TIMELINE): tools/timeline.c $(LIBCOMMON) | check-json
	$(say) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBCOMMON) $(TRACE_LIBS) $(LDLIBS)

.PHONY: check-json
check-json:
	@if [ -z "$(TRACE_LIBS)" ]; then \
	    echo "make: the timelines need json-c; install with: $(SETUP_INSTALL)" >&2; exit 1; fi

# The title says what ran, when, and on what: a picture is one real run.
timeline_title = $(strip $(1) $(2)) -- $$(date +%Y-%m-%d), $$(nproc) CPUs, load $$(cut -d' ' -f1 /proc/loadavg)

# $(1) session, $(2) its arguments, $(3) the picture, $(4) for the docs'
# pictures: a grep pattern the trace must hold, or "overlap". The run is
# repeated, at most 30 times, until it shows what the page explains
# (session6: a lost update; session7: the two processes at work at once,
# which a busy machine does not always give); the page says so.
define timeline_draw
	@mkdir -p $(TIMELINE_DIR) $(dir $(3))
	@n=0; while :; do n=$$((n + 1)); \
	    ./$(1)/$(1) --trace $(TIMELINE_DIR)/$(1).json $(2) > $(TIMELINE_DIR)/$(1).out 2>&1 || \
	        { cat $(TIMELINE_DIR)/$(1).out >&2; exit 1; }; \
	    [ $$n -ge 30 ] && break; \
	    $(if $(filter overlap,$(4)),$(TIMELINE) --script --need-overlap \
	        $(TIMELINE_DIR)/$(1).json /dev/null > /dev/null && break;, \
	    grep -q '$(or $(4),.)' $(TIMELINE_DIR)/$(1).json && break;) \
	done
	@$(TIMELINE) $(if $(5),--need-overlap) $(TIMELINE_DIR)/$(1).json $(3) \
	    "$(call timeline_title,$(1),$(2))"; rc=$$?; \
	if [ $$rc -eq 3 ]; then $(TIMELINE) $(TIMELINE_DIR)/$(1).json $(3) \
	    "$(call timeline_title,$(1),$(2))"; else exit $$rc; fi
endef

TIMELINE_WANT_session6 := "note":"lost update
TIMELINE_WANT_session7 := overlap
# Drawn only where both children were at work (the race, the lock's waits).
TIMELINE_OVERLAP_session6 := yes
TIMELINE_OVERLAP_session7 := yes

define TIMELINE_RULE
.PHONY: timeline-$(1)
ifeq ($(HAVE_GNUPLOT),)
timeline-$(1):
	@echo "make timeline-$(1): gnuplot not found, no picture (apt-get install gnuplot-nox)"
else
timeline-$(1): $(1)/$(1) $(TIMELINE)
	$$(call timeline_draw,$(1),$$(or $$(ARGS),$$(TIMELINE_ARGS_$(1))),$(TIMELINE_DIR)/$(1).svg)
	@cat $(TIMELINE_DIR)/$(1).out
	@echo "make timeline-$(1): $(TIMELINE_DIR)/$(1).svg (the trace: $(TIMELINE_DIR)/$(1).json)"
endif

docs/plots/$(1)-trace.svg: $(1)/$(1) $(TIMELINE) FORCE
	$$(say) PLOT $$@
	$$(call timeline_draw,$(1),$$(TIMELINE_ARGS_$(1)),$$@,$$(TIMELINE_WANT_$(1)),$$(TIMELINE_OVERLAP_$(1)))
endef
$(foreach s,$(SESSIONS),$(eval $(call TIMELINE_RULE,$(s))))

# The pictures the docs show (the others are drawn on demand).
PLOTS += $(foreach s,session1 session2 session3 session4 session5 session6 session7,docs/plots/$(s)-trace.svg)

# tests/test_trace.c checks what build/timeline draws (its script).
$(BUILD)/tests/trace-tests: | $(TIMELINE)

clean: timeline-clean
.PHONY: timeline-clean
timeline-clean:
	rm -rf $(TIMELINE_DIR)
