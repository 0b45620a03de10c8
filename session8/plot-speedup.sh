#!/bin/sh
# plot-speedup.sh OUT.svg - speedup of the pool over the serial loop for
# 1, 2 and 4 processes on the same CPU-bound work, measured by --summary.
# docs/session8.md shows the result.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpus=$(getconf _NPROCESSORS_ONLN)

for p in 1 2 4; do
    s=$(session8/session8 --processes $p --range 64 --work 2000 --quiet --summary \
        | sed -n 's/^speedup: \(.*\)x$/\1/p')
    ideal=$(( p < cpus ? p : cpus ))
    echo "$p $s $ideal" >> "$tmp/data"
done

gnuplot <<GP
set terminal svg size 600,360 font "Helvetica,11" background "white"
set output "$out"
set title "Pool vs serial loop, 64 items x --work 2000 ($cpus CPUs)"
set xlabel "processes"
set ylabel "speedup over the serial loop"
set yrange [0:2.9]
set xrange [0.5:4.5]
set xtics ("1" 1, "2" 2, "4" 4)
set grid ytics
set style fill solid 0.8
set boxwidth 0.6
set key top left opaque box
plot "$tmp/data" using 1:2 with boxes lc rgb "#4477aa" title "measured", \
     "$tmp/data" using 1:2:(sprintf("%.2fx", \$2)) with labels offset 0,0.7 notitle, \
     "$tmp/data" using 1:3 with linespoints lw 2 pt 7 lc rgb "#cc6677" title "ideal: min(processes, CPUs)"
GP
