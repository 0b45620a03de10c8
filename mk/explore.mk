# explore.mk - docs/plots/explore.svg (drawn by `make plots`): for a small N,
# how many of all the schedules end at each final balance (session6
# --explore N) beside the final balances of real runs with N updates per
# process (session6 --iterations N). docs/session6.md shows it.

EXPLORE_N      ?= 5
EXPLORE_TRIALS ?= 2000
EXPLORE_DIR    := $(BUILD)/explore
PLOTS += docs/plots/explore.svg

docs/plots/explore.svg: session6/session6 mk/explore.gp FORCE
	@mkdir -p $(EXPLORE_DIR) docs/plots
	@./session6/session6 --explore $(EXPLORE_N) --csv | sed 1d | tr , ' ' > $(EXPLORE_DIR)/schedules.dat
	@./session6/session6 --iterations $(EXPLORE_N) --trials $(EXPLORE_TRIALS) --csv \
	    | sort -n | uniq -c | awk '{ print $$2, $$1 }' > $(EXPLORE_DIR)/runs.dat
	@gnuplot -e "schedules='$(EXPLORE_DIR)/schedules.dat'; runs='$(EXPLORE_DIR)/runs.dat'; \
	    n=$(EXPLORE_N); trials=$(EXPLORE_TRIALS); out='$@'" mk/explore.gp
	@echo "wrote $@"
