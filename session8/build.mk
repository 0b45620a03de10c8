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
