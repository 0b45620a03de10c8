#!/bin/sh
# mpi-crossover.sh [ITEMS [RUNS]] - when do 2 workers beat the plain loop? For each
# --work W, session8-mpi (mpirun -np 3: rank 0 and 2 worker ranks) and
# session8's fork pool (--processes 2) map ITEMS items (default 100); each
# --summary gives the serial loop's time for the same work (so the task's
# size in microseconds) and the speedup over it. The MPI time is rank 0's
# map alone (mpirun's start, about half a second, is not in it); the fork
# pool's includes forking and joining its two workers. The two programs'
# --work units differ (session8-mpi's is bench's generator), hence the
# microseconds. Each figure is the median of RUNS runs (default 5): the
# machine may be shared. docs/beyond.md shows a run.
set -eu
items=${1:-100}
runs=${2:-5}
root=
[ "$(id -u)" = 0 ] && root=--allow-run-as-root

# "task_us speedup" from a --summary on stdin (speedup 0 for "none").
parse() {
    awk -v n="$items" '
        /^serial: wall time/ { us = $4 / n * 1e6 }
        /^speedup: none/     { s = 0 }
        /^speedup: [0-9.]+x$/ { s = $2; sub(/x$/, "", s) }
        END { printf "%.1f %s\n", us, s }'
}

# The medians of the two columns of RUNS lines on stdin.
median() {
    sort -n -k2 | awk '{ us[NR] = $1; s[NR] = $2 }
        END { m = int((NR + 1) / 2); printf "%s %s\n", us[m], (s[m] < 0.1 ? "<0.1" : s[m]) }'
}

printf '%-7s | %-10s %-9s | %-10s %-9s\n' "--work" "MPI task" "speedup" "fork task" "speedup"
for w in 0 1 2 5 10 20 50 100 300; do
    set -- $(for r in $(seq "$runs"); do
                 mpirun --oversubscribe --mca mpi_yield_when_idle 1 $root -np 3 \
                     session8/session8-mpi --quiet --summary --range "$items" --work "$w" | parse
             done | median)
    mpi_us=$1 mpi_s=$2
    set -- $(for r in $(seq "$runs"); do
                 session8/session8 --quiet --summary --processes 2 --range "$items" --work "$w" | parse
             done | median)
    printf '%-7s | %7s us %-9s | %7s us %-9s\n' "$w" "$mpi_us" "$mpi_s" "$1" "$2"
done
