#!/bin/sh
# tests/e2e/test_time_ranges.sh — absurd event times (before 2000, or over a
# day past their arrival: common/timesane.h) are stored, flagged, counted
# and queryable, and never widen a zero-fill: one event in year 0000 and
# one in 9999 beside a few sane ones answer `stats count(*) by bin(1m)` in
# a handful of rows, in little memory, at once (before: past 5 GB, no
# answer in 60 s); one line in 2099 makes bin(5m) two rows (before: 7.6
# million); a fill wider than --max-bins is left out (the bins with data,
# and a note); extreme --since/--start/--end answer at once; obstop's "all"
# window stays on the sane data.
. "$(dirname "$0")/lib.sh"
need obsagent obsq obstop

mkdir -p "$T/logs/fn"
{
    printf '0000-01-01T00:00:00.000Z\tr0\tINFO\tthe year zero\n'
    printf '2024-06-01T00:00:00.000Z\tr1\tINFO\tsane one\n'
    printf '2024-06-01T00:03:00.000Z\tr1\tINFO\tsane two\n'
    printf '2099-01-01T00:00:00.000Z\tr2\tINFO\tthe next century\n'
    printf '9999-12-31T23:59:59.000Z\tr3\tINFO\tthe last year\n'
} >"$T/logs/fn/s.log"
DB=$T/t.db
check "import: exit 0" "$OBSAGENT" --once --db "$DB" "$T/logs"
"$OBSAGENT" --once --db "$T/again.db" "$T/logs" >"$T/summary" 2>&1
check_count "the import says how many times are absurd" "$T/summary" 3 "events timed before 2000"
check_eq "all five stored" "$("$OBSQ" -d "$DB" -o csv 'stats count(*)' | tail -n 1)" 5
check_eq "three flagged, queryable as @absurdTime" \
    "$("$OBSQ" -d "$DB" -o csv 'filter @absurdTime = 1 | stats count(*)' | tail -n 1)" 3
check_eq "... and counted" "$("$OBSAGENT" --status --db "$DB" | sed -n 's/^events_time_absurd //p')" 3

measured "$T/bins1m" "$OBSQ" -d "$DB" -o csv 'stats count(*) by bin(1m)'
check_eq "bin(1m): exit 0" "$RC" 0
check_eq "bin(1m): the absurd minutes stand alone, the sane gap filled" "$(tail -n +2 "$T/bins1m" | tr '\n' ' ')" \
    '"0000-01-01 00:00:00.000",1 "2024-06-01 00:00:00.000",1 "2024-06-01 00:01:00.000",0 "2024-06-01 00:02:00.000",0 "2024-06-01 00:03:00.000",1 "2099-01-01 00:00:00.000",1 "9999-12-31 23:59:00.000",1 '
check "bin(1m): in under 32 MB ($PEAK_KB KB)" test "$PEAK_KB" -lt 32768
check "bin(1m): in under 2 s ($SECS s)" awk "BEGIN { exit !($SECS < 2) }"

# one line in 2099 beside one sane one: two rows, not 7.6 million
printf '2024-06-01T00:00:00.000Z\tr1\tINFO\tsane\n2099-01-01T00:00:00.000Z\tr2\tINFO\tfuture\n' >"$T/one.log"
"$OBSAGENT" --once -q --db "$T/2099.db" --function fn "$T/one.log" >/dev/null 2>&1
measured "$T/bins5m" "$OBSQ" -d "$T/2099.db" 'stats count(*) by bin(5m)'
check_eq "2099 and bin(5m): two rows under the header" "$(wc -l <"$T/bins5m" | tr -d ' ')" 3

# a fill over more bins than --max-bins: left out, the bins with data
# written (the sane hour, and 2099 and 9999, outside the range), and a note
measured "$T/capped" "$OBSQ" -d "$DB" --since 1000d --max-bins 1000 -o csv 'stats count(*) by bin(1h)'
check_eq "a fill past --max-bins: exit 0" "$RC" 0
check_eq "... the header and the three hours with data" "$(wc -l <"$T/capped" | tr -d ' ')" 4
check_grep "... and a note that says what it left out" "$T/capped.err" \
    'not zero-filled: only the 3 bins with data are written.*more than --max-bins 1000 [(]--max-bins [0-9]+ fills them'
check_eq "--no-fill answers the same, without the note" "$("$OBSQ" -d "$DB" --since 1000d --max-bins 1000 \
    --no-fill -o csv 'stats count(*) by bin(1h)' 2>&1 | wc -l | tr -d ' ')" 4

# extreme ranges answer at once
for range in "--since 100000w" "--start 0000-01-01T00:00:00Z --end 9999-12-31T00:00:00Z" \
    "--start 9999-01-01T00:00:00Z" "--end 0"; do
    # shellcheck disable=SC2086
    for q in 'stats count(*) by bin(1d)' 'fields @message | limit 5'; do
        measured "$T/x" "$OBSQ" -d "$DB" $range "$q"
        check "$range '$q': answers ($RC) in under 2 s ($SECS s), 32 MB ($PEAK_KB KB)" \
            awk "BEGIN { exit !($RC == 0 && $SECS < 2 && $PEAK_KB < 32768) }"
    done
    measured "$T/x" "$OBSQ" -d "$DB" $range summary
    check "$range summary: answers" test "$RC" -eq 0
done
check_eq "--start before 1970 is the epoch: the year-zero event is before it" \
    "$("$OBSQ" -d "$DB" --start 0000-01-01T00:00:00Z -o csv 'stats count(*)' | tail -n 1)" 4

measured "$T/top" "$BUILD/obstop" --db "$DB" --dump --window all --width 100 --height 30
check "obstop --window all: answers ($RC), under 32 MB ($PEAK_KB KB)" test "$RC" -eq 0 -a "$PEAK_KB" -lt 32768
check_grep "obstop --window all: the window is the sane data's" "$T/top" "window all 06-01 00:00-06-01 00:04"
finish
