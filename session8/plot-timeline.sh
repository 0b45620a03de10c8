#!/bin/sh
# plot-timeline.sh OUT.svg - a Gantt chart of which worker ran which item when.
#
# Runs session8 with 2 workers, chunksize 4 and some CPU work per item,
# records --timeline, numbers the worker PIDs 1, 2, ... in order of first
# appearance, and draws one bar per task. docs/session8.md shows the result.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

session8/session8 --processes 2 --range 32 --chunksize 4 --work 2000 --quiet \
    --timeline "$tmp/timeline" > /dev/null

# worker-number item start end, times in milliseconds
awk '!($1 in w) { w[$1] = ++n } { printf "%d %d %.3f %.3f\n", w[$1], $2, $3 * 1000, $4 * 1000 }' \
    "$tmp/timeline" > "$tmp/data"

gnuplot <<GP
set terminal svg size 800,300 font "Helvetica,11" background "white"
set output "$out"
set title "session8 --processes 2 --range 32 --chunksize 4 --work 2000: one bar per task"
set xlabel "time since the pool started (ms)"
set ylabel "worker"
set yrange [0.4:2.6]
set ytics 1
set grid xtics
set style fill solid 0.8 border rgb "white"
unset key
# Items of the same chunk share a colour: chunk number = (item - 1) / 4.
chunk(item) = int((item - 1) / 4) % 3
rgb(item) = chunk(item) == 0 ? 0x4477aa : chunk(item) == 1 ? 0x228833 : 0xcc6677
plot "$tmp/data" using ((\$3+\$4)/2):1:3:4:(\$1-0.35):(\$1+0.35):(rgb(\$2)) \
        with boxxyerror lc rgb variable, \
     "$tmp/data" using ((\$3+\$4)/2):1:(sprintf("%d", \$2)) with labels font ",8" tc rgb "white"
GP
