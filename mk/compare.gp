# compare.gp - histogram of final balances, racy (session6) against locked
# (session7). Called by mk/compare.mk with racy, locked, trials and out set.
set terminal svg size 760,420 dynamic font "Helvetica,12" background rgb "white"
set output out
set title sprintf("Final balances of %d trials (start 100, 10 000 withdrawals and 10 000 deposits)", trials)
set xlabel "final balance (expected: 100)"
set key top left box opaque
set logscale y
set yrange [0.8:trials * 2]
set ylabel "trials (log scale)"
set grid ytics
set style fill solid 0.6 border -1
width = 400
bin(x) = width * floor(x / width) + width / 2.0
set boxwidth width * 0.9
set xrange [-10500:10700]
plot racy   using (bin($1)):(1.0) smooth frequency with boxes lc rgb "#cc3311" title "session6: no lock", \
     locked using (bin($1)):(1.0) smooth frequency with boxes lc rgb "#228833" title "session7: Lock (all 100)"
