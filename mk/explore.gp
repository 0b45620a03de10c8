# explore.gp - every schedule counted (session6 --explore N) beside the final
# balances of real runs (session6 --iterations N). Called by mk/explore.mk
# with schedules, runs, n, trials and out set; each file holds "balance count".
set terminal svg size 840,580 dynamic font "Helvetica,12" background rgb "white"
set output out
stats schedules using 2 name "S" nooutput
stats runs using 2 name "R" nooutput
set title sprintf("session6 with %d updates per process: all %d schedules, and %d real runs", n, int(S_sum), trials)
set xlabel sprintf("final balance (start and expected: 100; always within 100 ± %d)", n)
set ylabel "share (%, log scale)"
set logscale y
set xrange [100 - n - 0.7 : 100 + n + 0.7]
set xtics 1
set grid ytics
set key top left box opaque
set yrange [0.02:400]
set style fill solid 0.7 border -1
set boxwidth 0.38
set bmargin 9
set label 1 at screen 0.5, screen 0.13 center sprintf("%s\n%s\n%s\n%s", \
    "How many schedules is not how likely. Counting gives every order of the steps the same weight,", \
    "and most orders mix the two loops, so the middle wins. Real processes run in long time slices:", \
    "one often does all its updates before the other starts (100), or all of them between the other's", \
    sprintf("read and write (a whole loop lost: %d or %d). So real runs pile up at 100 and at the extremes.", 100 - n, 100 + n))
plot schedules using ($1 - 0.2):(100.0 * $2 / S_sum) with boxes lc rgb "#4477aa" title "every schedule, counted (--explore)", \
     runs      using ($1 + 0.2):(100.0 * $2 / R_sum) with boxes lc rgb "#cc3311" title "real runs (--iterations)"
