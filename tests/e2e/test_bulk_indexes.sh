#!/bin/sh
# tests/e2e/test_bulk_indexes.sh — an import bringing at least as much as
# the store holds builds the indexes by time (of events, invocations and
# metric points) once, at its end (store.h, store_defer_time_indexes): after
# it the store has them, as a new store and one
# imported in parts has, and both answer the same queries; an import stopped
# by SIGINT says they wait, queries meanwhile answer as they would with them,
# and the next run builds them; after a SIGKILL, the next open of a follow
# agent builds them. Every line is stored once throughout.
. "$(dirname "$0")/lib.sh"
need obsagent obsq lambdagen

"$LAMBDAGEN" --out "$T/logs" --lines 240000 --format mixed --seed 7 --emf-rate 0.2 \
    --start 2026-11-01T00:00:00Z --truth "$TRUTH" >/dev/null || { fail "lambdagen"; finish; }
LINES=$(truth lines)
idx() { sql "$1" "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN ('events_ts', 'events_report')"; }
pending() { sql "$1" "SELECT count(*) FROM deferred_index"; }
NDEFER=6   # the indexes by time an import defers: 2 of events, 3 of invocations, 1 of metric points
events() { sql "$1" "SELECT count(*) || ' ' || count(DISTINCT id) FROM events"; }
Q='filter @type = "REPORT" | stats count(*) as n, avg(@duration) as d by bin(1h) | sort bin(1h)'
Q2='stats count(*) by bin(30m)'

# 1. all at once into an empty store: deferred, then built at the end
"$OBSAGENT" --once -q --db "$T/once.db" "$T/logs" >"$T/once.out" 2>&1 || fail "1. import" "$T/once.out"
check_eq "1. both time indexes are there after the import" "$(idx "$T/once.db")" 2
check_eq "1. nothing left to build" "$(pending "$T/once.db")" 0
check_eq "1. every line once" "$(events "$T/once.db")" "$LINES $LINES"
check_eq "1. the indexes' definitions as a new store has them" \
    "$(sql "$T/once.db" "SELECT sql FROM sqlite_schema WHERE name = 'events_ts'")" \
    "CREATE INDEX events_ts ON events(ts)"
# the same indexes by time as a store filled line by line (a follow agent's)
mkdir -p "$T/none"
"$OBSAGENT" --db "$T/fresh.db" "$T/none" >"$T/fresh.out" 2>&1 &
fresh=$!
wait_sql "$T/fresh.db" "SELECT count(*) > 0 FROM sqlite_schema WHERE name = 'metric_points_ts'" 1 ||
    fail "1. a new store" "$T/fresh.out"
kill -TERM "$fresh"
wait "$fresh"
TIMEIDX="'events_ts', 'events_report', 'invocations_time', 'invocations_failed', 'invocations_cold', 'metric_points_ts'"
schema_of() { sql "$1" "SELECT name || ': ' || sql FROM sqlite_schema WHERE name IN ($TIMEIDX) ORDER BY name"; }
check_eq "1. all $NDEFER indexes by time built, as a new store has them" "$(schema_of "$T/once.db")" "$(schema_of "$T/fresh.db")"
check_eq "1. $NDEFER of them" "$(sql "$T/once.db" "SELECT count(*) FROM sqlite_schema WHERE name IN ($TIMEIDX)")" "$NDEFER"
check_eq "1. integrity" "$(sql "$T/once.db" "PRAGMA integrity_check")" ok

# 2. the same logs in two imports, the second into a store holding half
# (functions in two groups): answers equal to the store built at once
mkdir -p "$T/a" "$T/b"
n=0
for d in "$T"/logs/*/; do
    n=$((n + 1))
    if [ $((n % 2)) -eq 0 ]; then cp -r "$d" "$T/a/"; else cp -r "$d" "$T/b/"; fi
done
"$OBSAGENT" --once -q --db "$T/parts.db" "$T/a" >"$T/p1.out" 2>&1 || fail "2. first import" "$T/p1.out"
"$OBSAGENT" --once -q --db "$T/parts.db" "$T/b" >"$T/p2.out" 2>&1 || fail "2. second import" "$T/p2.out"
check_eq "2. indexes there" "$(idx "$T/parts.db")" 2
check_eq "2. every line once" "$(events "$T/parts.db")" "$LINES $LINES"
"$OBSQ" --db "$T/once.db" "$Q" >"$T/q_once" 2>&1
"$OBSQ" --db "$T/parts.db" "$Q" >"$T/q_parts" 2>&1
check_grep "2. the REPORT query answers" "$T/q_once" "[0-9]"
check "2. REPORT stats by hour: same answer from either store" cmp -s "$T/q_once" "$T/q_parts"
check_fail "2. no note once the indexes are built" grep -q "indexes by time are not built" "$T/q_once"
"$OBSQ" --db "$T/once.db" "$Q2" >"$T/q2_once" 2>&1
"$OBSQ" --db "$T/parts.db" "$Q2" >"$T/q2_parts" 2>&1
check "2. count by 30 minutes: same answer" cmp -s "$T/q2_once" "$T/q2_parts"

# 3. SIGINT during the import: the indexes wait, said; queries answer; the
# next run resumes and builds them
"$OBSAGENT" --once --no-progress --db "$T/int.db" "$T/logs" >"$T/int.out" 2>&1 &
pid=$!
wait_sql "$T/int.db" "SELECT count(*) > 20000 FROM events" 1 || fail "3. rows before the interrupt"
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 130 ]; then
    check_eq "3. interrupted: the indexes wait" "$(pending "$T/int.db") $(idx "$T/int.db")" "$NDEFER 0"
    check_grep "3. and it says so" "$T/int.out" "time indexes are built at the end of an import, or when obsagent next opens"
    stored=$(sql "$T/int.db" "SELECT count(*) FROM events WHERE ts >= strftime('%s', '2026-11-01 01:00:00') * 1000
        AND ts < strftime('%s', '2027-01-01 00:00:00') * 1000")
    "$OBSQ" --db "$T/int.db" --start 2026-11-01T01:00:00Z --end 2027-01-01T00:00:00Z 'stats count(*) as n' \
        >"$T/q_int" 2>&1
    check_grep "3. a query by time meanwhile counts what is stored" "$T/q_int" "(^|[^0-9])$stored([^0-9]|$)"
    check_grep "3. and notes why it scans" "$T/q_int" "^note: the store's indexes by time are not built yet"
else
    # the import ended before the signal came: nothing to check but the end state
    check_eq "3. the import ended (exit 0)" "$rc" 0
fi
"$OBSAGENT" --once -q --db "$T/int.db" "$T/logs" >"$T/int2.out" 2>&1 || fail "3. resumed import" "$T/int2.out"
check_eq "3. resumed: built, nothing pending" "$(idx "$T/int.db") $(pending "$T/int.db")" "2 0"
check_eq "3. every line once" "$(events "$T/int.db")" "$LINES $LINES"

# 5. what an import will read is what its files hold past their checkpoints:
# running the same import again on lines long enough that the files' sizes
# pass 200 bytes per stored event leaves the indexes as they are (their root
# pages do not move), and so does a small addition
mkdir -p "$T/long/fn"
awk 'BEGIN { for (i = 0; i < 4000; i++) { s = sprintf("2026-11-01T00:%02d:%02d.000Z\tinfo\tline %d ", (i / 60) % 60, i % 60, i);
      while (length(s) < 420) s = s "payload "; print s } }' >"$T/long/fn/s.log"
"$OBSAGENT" --once -q --db "$T/long.db" "$T/long" >"$T/long1.out" 2>&1 || fail "5. import" "$T/long1.out"
roots() { sql "$T/long.db" "SELECT group_concat(rootpage) FROM (SELECT rootpage FROM sqlite_schema WHERE name IN ('events_ts', 'events_report') ORDER BY name)"; }
r1=$(roots)
check_eq "5. imported, indexes built" "$(idx "$T/long.db") $(pending "$T/long.db")" "2 0"
"$OBSAGENT" --once -q --db "$T/long.db" "$T/long" >"$T/long2.out" 2>&1 || fail "5. again" "$T/long2.out"
check_eq "5. the same import again: nothing read, the indexes not rebuilt" "$(roots)" "$r1"
echo "2026-11-01T02:00:00.000Z	info	one more" >>"$T/long/fn/s.log"
"$OBSAGENT" --once -q --db "$T/long.db" "$T/long" >"$T/long3.out" 2>&1 || fail "5. one line more" "$T/long3.out"
check_eq "5. one line more: the indexes not rebuilt" "$(roots)" "$r1"
check_eq "5. every line once" "$(events "$T/long.db")" "4001 4001"

# 4. SIGKILL during the import: a follow agent's open builds them
"$OBSAGENT" --once --no-progress --db "$T/kill.db" "$T/logs" >"$T/kill.out" 2>&1 &
pid=$!
wait_sql "$T/kill.db" "SELECT count(*) > 20000 FROM events" 1 || fail "4. rows before the kill"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
if [ "$(pending "$T/kill.db")" = "$NDEFER" ]; then
    "$OBSAGENT" --db "$T/kill.db" "$T/logs" >"$T/follow.out" 2>&1 &
    fpid=$!
    wait_sql "$T/kill.db" "SELECT count(*) FROM deferred_index" 0 || fail "4. follow open: nothing pending" "$T/follow.out"
    check_eq "4. follow open: indexes built" "$(idx "$T/kill.db")" 2
    # the rest of 240,000 lines: seconds, but a sanitizer build reads 10-30x slower
    n=0
    while [ "$(sql "$T/kill.db" "SELECT count(*) FROM events")" != "$LINES" ] && [ $n -lt 1200 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    check_eq "4. follow: the rest read" "$(sql "$T/kill.db" "SELECT count(*) FROM events")" "$LINES"
    kill -TERM "$fpid"
    wait "$fpid"
    check_eq "4. every line once" "$(events "$T/kill.db")" "$LINES $LINES"
else
    check_eq "4. killed after the end: built" "$(idx "$T/kill.db")" 2
fi

finish
