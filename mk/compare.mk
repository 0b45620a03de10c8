# compare.mk - `make compare [TRIALS=200]`: session6 (no lock) against
# session7 (a Lock) over many trials, as a side-by-side table, and with
# gnuplot a histogram of the final balances in build/compare/compare.svg
# (`make plots` draws docs/plots/compare.svg). docs/session6.md shows it.

TRIALS ?= 200
COMPARE_DIR := $(BUILD)/compare
PLOTS += docs/plots/compare.svg

# Both programs with --summary: their balance lines feed the histogram, their
# summary blocks the table.
define compare_run
	@mkdir -p $(COMPARE_DIR) docs/plots
	@./session6/session6 --summary --trials $(TRIALS) > $(COMPARE_DIR)/racy.txt
	@./session7/session7 --summary --trials $(TRIALS) > $(COMPARE_DIR)/locked.txt
endef

# $(1): where the histogram goes (make compare: under build/, never a
# tracked file; make plots: docs/plots/compare.svg).
define compare_plot
	@sed -n 's/^Final balance = //p' $(COMPARE_DIR)/racy.txt > $(COMPARE_DIR)/racy.dat
	@sed -n 's/^Final balance = //p' $(COMPARE_DIR)/locked.txt > $(COMPARE_DIR)/locked.dat
	@gnuplot -e "racy='$(COMPARE_DIR)/racy.dat'; locked='$(COMPARE_DIR)/locked.dat'; \
	    trials=$(TRIALS); out='$(1)'; \
	    updates='$$(sed -n 's/^Trials: *[0-9]* (\([0-9]*\) .*/\1/p' $(COMPARE_DIR)/racy.txt)'" mk/compare.gp
	@echo "wrote $(1)"
endef

.PHONY: compare
compare: session6/session6 session7/session7
	$(compare_run)
	@awk -f mk/compare.awk $(COMPARE_DIR)/racy.txt $(COMPARE_DIR)/locked.txt
	@if command -v gnuplot >/dev/null 2>&1; then $(MAKE) --no-print-directory compare-plot; \
	 else echo "make compare: gnuplot not found, no histogram (apt-get install gnuplot-nox)"; fi

.PHONY: compare-plot
compare-plot:
	$(call compare_plot,$(COMPARE_DIR)/compare.svg)

docs/plots/compare.svg: session6/session6 session7/session7 mk/compare.gp FORCE
	$(compare_run)
	$(call compare_plot,docs/plots/compare.svg)
