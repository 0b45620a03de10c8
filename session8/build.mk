# session8/build.mk - the Pool's charts from real runs (make plots).
#
# Both rules depend on FORCE: a plot is always drawn from a new run.

PLOTS += docs/plots/session8-timeline.svg docs/plots/session8-speedup.svg

docs/plots/session8-timeline.svg: session8/session8 session8/plot-timeline.sh FORCE
	$(say) PLOT $@
	$(Q)session8/plot-timeline.sh $@

docs/plots/session8-speedup.svg: session8/session8 session8/plot-speedup.sh FORCE
	$(say) PLOT $@
	$(Q)session8/plot-speedup.sh $@
