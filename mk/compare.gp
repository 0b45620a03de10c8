# compare.gp - histogram of final balances, racy (session6) against locked
# (session7). Called by mk/compare.mk with racy, locked, trials, updates and
# out set. The range follows the data: on one CPU session6 runs longer loops
# (docs/session6.md), and its balances spread much further.
set terminal svg size 760,420 dynamic font "Helvetica,12" background rgb "white"
set output out
stats racy using 1 name "R" nooutput
lo = R_min < 100 ? R_min : 100
hi = R_max > 100 ? R_max : 100
width = (hi - lo) / 50.0 > 1 ? ceil((hi - lo) / 50.0) : 1
set title sprintf("Final balances of %d trials (start 100, %s withdrawals and as many deposits)", trials, updates)
set xlabel "final balance (expected: 100)"
set key top left box opaque
set logscale y
set yrange [0.8:trials * 2]
set ylabel "trials (log scale)"
set grid ytics
set style fill solid 0.6 border -1
bin(x) = width * floor(x / width) + width / 2.0
set boxwidth width * 0.9
set xrange [lo - 2 * width:hi + 2 * width]
plot racy   using (bin($1)):(1.0) smooth frequency with boxes lc rgb "#cc3311" title "session6: no lock", \
     locked using (bin($1)):(1.0) smooth frequency with boxes lc rgb "#228833" title "session7: Lock (all 100)"
