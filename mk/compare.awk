# compare.awk - the side-by-side table of `make compare`, from the --summary
# blocks of session6 (first file) and session7 (second file).
FNR == 1 { col++ }
/^Trials:/                 { trials[col] = $2; updates[col] = substr($3, 2) }
/^Wrong final balances:/   { wrong[col] = $4 }
/^Smallest final balance:/ { min[col] = $4 }
/^Largest final balance:/  { max[col] = $4 }
/^Mean distance from it:/  { mean[col] = $5 }
/^Time per trial:/         { time[col] = $4 " ms" }
END {
    fmt = "%-22s %18s %18s\n"
    printf fmt, "", "session6 (no lock)", "session7 (Lock)"
    printf fmt, "trials", trials[1], trials[2]
    printf fmt, "updates per process", updates[1], updates[2]
    printf fmt, "correct", trials[1] - wrong[1], trials[2] - wrong[2]
    printf fmt, "wrong", wrong[1], wrong[2]
    printf fmt, "min final balance", min[1], min[2]
    printf fmt, "max final balance", max[1], max[2]
    printf fmt, "mean |error|", mean[1], mean[2]
    printf fmt, "time per trial", time[1], time[2]
    if (updates[1] != updates[2])
        print "(session6 ran longer loops: its two processes could not run at once, see its line above)"
}
