# ratios.gp - bar chart of bench/results.csv: suite/baseline and python/suite
# per figure (the medians of the rounds' ratios, columns s_base and
# py_suite), log scale. Called by `make plots` with csv= and out= set.
# docs/performance.md shows the chart and explains the ratios.
set terminal svg size 1300,480 dynamic noenhanced font "sans,11"
set output out
set datafile separator ","
set datafile missing ""
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.001:1000]
set grid ytics
set xtics rotate by -30 font ",9"
set bmargin 3
set ylabel "ratio (log scale)"
set title "make bench: suite / raw system calls, and CPython / suite"
set key top left
plot csv using 6:xtic(1) every ::1 title "suite / baseline", \
     ''  using 9 every ::1 title "python / suite", \
     1 with lines lc rgb "black" dt 2 notitle
