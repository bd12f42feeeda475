#!/bin/sh
# tests/e2e/test_retention.sh — follow mode with --max-db-size and with
# --retention. By size: a corpus read in time order (one file, JSON lines
# sorted by time) into a store bounded far below what it needs; the store
# (file + WAL) stays within the bound plus a batch all along, and what is
# left is exactly the newest events of a reference import (events,
# invocations, points, full-text answers; the rollups of every minute not
# wholly evicted, the one cut in two whole), with the deletions counted.
# 40,000 lines in one minute keep the newest several thousand (4,500
# measured; before: 1,256, whole minutes were evicted, the newest with
# them), and so do three SIGKILLs while 40,000 more are read (6,000; before:
# 1,256 and the file over its limit); the minute's rollup counts what was
# evicted of it (evicted + kept = its events), and obsq summary says so. A reader holding a snapshot: the WAL
# stays bounded, the writer waits and says so. By age: an old
# and a recent corpus; the old one is deleted entirely, the recent one kept
# entirely.
. "$(dirname "$0")/lib.sh"
need obsagent
need obsq
need lambdagen
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }
. "$(dirname "$0")/follow_lib.sh"

# status DB NAME — a counter of obsagent --status (0 when absent)
status()
{
    _v=$("$OBSAGENT" --status --db "$1" 2>/dev/null | sed -n "s/^$2 //p")
    echo "${_v:-0}"
}

# wait_status DB NAME N SECONDS — poll until the counter NAME reaches N
wait_status()
{
    _lim=$(($4 * 10))
    while [ "$_lim" -gt 0 ]; do
        [ "$(status "$1" "$2")" -ge "$3" ] && return 0
        sleep 0.1
        _lim=$((_lim - 1))
    done
    return 1
}

# disk DB — bytes of the store file plus its WAL
disk()
{
    _w=0
    [ -f "$1-wal" ] && _w=$(stat -c %s "$1-wal")
    echo $(($(stat -c %s "$1") + _w))
}

# obsq_count DB WORD — events whose message contains WORD, by obsq (full-text pre-filter)
obsq_count() { "$OBSQ" --db "$1" -o csv "filter @message like \"$2\" | stats count(*) as n" | tail -n 1; }

# ---- 1. --max-db-size --------------------------------------------------------
section size
now=$(date +%s)
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
G=$T/gen1
S=$T/s1
DB=$T/s1.db
REF=$T/ref1.db
ERR=$T/s1.err
LIMIT=4194304            # 4M
PENDING=262144           # --max-pending-bytes: the most one batch reads
"$LAMBDAGEN" --out "$G" --functions 3 --invocations 3000 --format json --seed 5 \
    --start "$(iso $((now - 4 * 3600)))" --hours 3 --truth "$TRUTH" >/dev/null
mkdir -p "$S/fn"
tab=$(printf '\t')
# sort key: the record's time, or the EMF document's Timestamp as the same ISO form
cat "$G"/*/*.log | awk '
    match($0, /^\{"time(stamp)?":"[^"]*"/) { k = substr($0, RSTART, RLENGTH); sub(/^[^:]*:"/, "", k);
        sub(/"$/, "", k); print k "\t" $0; next }
    match($0, /^\{"_aws":\{"Timestamp":[0-9]+/) { n = substr($0, 23, RLENGTH - 22) + 0;
        print strftime("%Y-%m-%dT%H:%M:%S", int(n / 1000), 1) sprintf(".%03dZ", n % 1000) "\t" $0; next }
    { print "?\t" $0 }' | sort -s -t "$tab" -k1,1 | cut -f2- >"$S/fn/all.log"
lines=$(truth lines)
check_eq "1. the sorted corpus has every line" "$(wc -l <"$S/fn/all.log")" "$lines"
check_eq "1. every line had a time to sort by" \
    "$(cat "$G"/*/*.log | grep -Ec '^\{"(time|timestamp|_aws":\{"Timestamp)":')" "$lines"
"$OBSAGENT" --once -q --db "$REF" "$S" >/dev/null 2>&1
check_eq "1. reference import: every line" "$(sql "$REF" "SELECT count(*) FROM events")" "$lines"
# the corpus ends an hour ago; its invalid EMF documents have no time of
# their own and are stored with their arrival time (now: the newest, kept,
# and different in each import), so the rows are compared before END
END=$(((now - 1800) * 1000))
arrival=$(sql "$REF" "SELECT count(*) FROM events WHERE flags & 32")
check_eq "1. only arrival-time rows after END" \
    "$(sql "$REF" "SELECT count(*) FROM events WHERE ts >= $END")" "$arrival"
check "1. the reference needs more than 3x the limit" \
    test "$(disk "$REF")" -gt $((3 * LIMIT))

start_agent "$S" "$DB" "$ERR" --max-db-size 4M --max-pending-bytes $PENDING
# the file stays near the limit (within it when the turns are even: 3.99 MB
# measured; a turn that reads more than the estimate overshoots, up to 1.7x
# seen on a loaded machine under ASan); the WAL holds the pages of the last
# transaction or two on top of it (docs/operations.md, "Bounded disk").
# Without a limit this corpus needs over 3x the limit (checked above).
peak=0
peak_all=0
i=0
while [ "$(status "$DB" lines)" -lt "$lines" ] && [ $i -lt 1200 ]; do
    if [ -f "$DB" ]; then
        d=$(stat -c %s "$DB")
        [ "$d" -gt "$peak" ] && peak=$d
        d=$(disk "$DB")
        [ "$d" -gt "$peak_all" ] && peak_all=$d
    fi
    sleep 0.1
    i=$((i + 1))
done
check_eq "1. every line read" "$(status "$DB" lines)" "$lines"
# the minute being deleted when the last line came is finished in the next
# turns: wait until the deletions settle
prev=-1
i=0
while [ "$(status "$DB" retention_events_deleted)" != "$prev" ] && [ $i -lt 30 ]; do
    prev=$(status "$DB" retention_events_deleted)
    sleep 1
    i=$((i + 1))
done
check "1. the store file stayed within the limit (peak $peak)" test "$peak" -le "$LIMIT"
# the WAL holds every page a batch touched until its checkpoint: transient
check "1. file + WAL stayed within twice the limit (peak $peak_all)" \
    test "$peak_all" -le $((2 * LIMIT))
stop_agent "1. stop" "$ERR"
check "1. after the stop (WAL checkpointed), the store is within the limit" \
    test "$(disk "$DB")" -le "$LIMIT"
check "1. and the pages in use are within the limit" \
    test "$(sql "$DB" "SELECT (SELECT * FROM pragma_page_count) - (SELECT * FROM pragma_freelist_count)")" \
    -le $((LIMIT / 4096))

kept=$(sql "$DB" "SELECT count(*) FROM events")
deleted=$(status "$DB" retention_events_deleted)
check "1. some events were deleted, some kept" test "$deleted" -gt 0 -a "$kept" -gt 0
check_eq "1. kept + retention_events_deleted = every line" $((kept + deleted)) "$lines"
check "1. retention_runs counted" test "$(status "$DB" retention_runs)" -gt 0
# M: the oldest event kept; everything before it went, nothing after it
M=$(sql "$DB" "SELECT min(ts) FROM events")
check_eq "1. the kept events are the reference's from $M on" \
    "$kept" "$(sql "$REF" "SELECT count(*) FROM events WHERE ts >= $M")"
check_eq "1. and the same rows (message, time)" \
    "$(sqlite3 -readonly "$DB" "ATTACH '$REF' AS ref; SELECT count(*) FROM (
       SELECT ts, message FROM events WHERE ts < $END EXCEPT
       SELECT ts, message FROM ref.events WHERE ts >= $M AND ts < $END)")" 0
check_eq "1. metric points: the reference's from M on" \
    "$(sql "$DB" "SELECT count(*) FROM metric_points")" \
    "$(sql "$REF" "SELECT count(*) FROM metric_points WHERE ts >= $M")"
check_eq "1. retention_points_deleted counts the rest" "$(status "$DB" retention_points_deleted)" \
    "$(sql "$REF" "SELECT count(*) FROM metric_points WHERE ts < $M")"
check_eq "1. invocations: the reference's ending from M on" \
    "$(sql "$DB" "SELECT count(*) FROM invocations")" \
    "$(sql "$REF" "SELECT count(*) FROM invocations WHERE coalesce(end_ts, start_ts) >= $M")"
# duration_sum is a sum of reals: its last bits depend on how a minute's REPORTs
# were split into batches (follow mode with retention commits more often than
# the reference import), so it is compared to a nanosecond
rollups="SELECT function, minute, events, error_lines, invocations, errors, timeouts, crashes, oom,
  cold_starts, round(duration_sum, 6) FROM rollup_minute"
# the minute M is in (or one before it, when the last step ended in a
# minute with no event left) keeps its rollups whole: counts of all of it
F=$(sql "$DB" "SELECT min(minute) FROM rollup_minute")
check "1. the first rollup minute kept ($F) is M's or the one before" \
    test "$F" -le "$M" -a "$F" -gt $((M - 120000))
check_eq "1. rollup minutes: the reference's from that minute on, equal" \
    "$(sqlite3 -readonly "$DB" "ATTACH '$REF' AS ref;
       SELECT count(*) FROM ($rollups WHERE minute < $END
         EXCEPT ${rollups%rollup_minute}ref.rollup_minute WHERE minute >= $F AND minute < $END);
       SELECT count(*) FROM rollup_minute WHERE minute < $END;")" \
    "$(printf '0\n%s' "$(sql "$REF" "SELECT count(*) FROM rollup_minute WHERE minute >= $F AND minute < $END")")"
check_eq "1. metric rollups: none before that minute" \
    "$(sql "$DB" "SELECT count(*) FROM metric_rollup_minute WHERE minute < $F")" 0
for w in authenticated cache timeout; do
    check_eq "1. obsq's full-text answer for '$w' = the kept rows that have it" \
        "$(obsq_count "$DB" "$w")" "$(sql "$REF" "SELECT count(*) FROM events WHERE ts >= $M AND instr(message, '$w') > 0")"
done

# ---- 3. one busy minute, and SIGKILLs, under --max-db-size -----------------------
section busy
S=$T/s3
DB=$T/s3.db
ERR=$T/s3.err
mkdir -p "$S/fn"
# flood TAG N: N lines of the Lambda text format, one a millisecond, all in
# the minute starting 20 minutes ago
base=$(((now - 1200) / 60 * 60000))
flood()
{
    awk -v b="$base" -v tag="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) {
        ms = b + i; s = int(ms / 1000);
        printf "%s.%03dZ\tr-%d\tINFO\tflood line-%s-%06d of a busy minute: some text to index\n",
            strftime("%Y-%m-%dT%H:%M:%S", s, 1), ms % 1000, i, tag, i } }'
}
flood a 40000 >"$S/fn/busy.log"
start_agent "$S" "$DB" "$ERR" --max-db-size 4M --max-pending-bytes $PENDING
check "3. 40,000 lines of one minute read" wait_status "$DB" lines 40000 60
stop_agent "3. stop" "$ERR"
kept=$(sql "$DB" "SELECT count(*) FROM events")
check "3. the newest several thousand kept ($kept; before: 1,256)" test "$kept" -ge 3000
check_eq "3. the kept ones are exactly the newest" \
    "$(sql "$DB" "SELECT min(message) FROM events")" "$(sed -n "$((40000 - kept + 1))p" "$S/fn/busy.log")"
check_eq "3. kept + retention_events_deleted = every line" \
    $((kept + $(status "$DB" retention_events_deleted))) 40000
check_eq "3. the minute cut in two keeps its rollup: all 40,000" \
    "$(sql "$DB" "SELECT sum(events) FROM rollup_minute")" 40000
# evicted: what retention deleted of a minute whose rollup it kept
evicted() { sql "$DB" "SELECT sum(evicted) FROM rollup_minute WHERE minute = $base"; }
check_eq "3. ... and says what was evicted: evicted + kept = the rollup's events" \
    $(($(evicted) + kept)) "$(sql "$DB" "SELECT events FROM rollup_minute WHERE minute = $base")"
check_eq "3. ... its hour too" \
    $(($(sql "$DB" "SELECT sum(evicted) FROM rollup_hour") + kept)) 40000
"$OBSQ" --db "$DB" summary >"$T/s3.summary" 2>&1
check_grep "3. obsq summary says how many of its events were evicted" "$T/s3.summary" \
    "^$(evicted) of these 40000 EVENTS were evicted by retention"
# three SIGKILLs while 40,000 more lines are read, then a clean run
flood b 40000 >>"$S/fn/busy.log"
for k in 1 2 3; do
    start_agent "$S" "$DB" "$ERR" --max-db-size 4M --max-pending-bytes $PENDING
    sleep 0.7
    kill_agent
done
start_agent "$S" "$DB" "$ERR" --max-db-size 4M --max-pending-bytes $PENDING
# (the lines counter counts what a killed run read and did not commit:
# wait for the last line itself)
last_stored() { [ "$(sql "$DB" "SELECT count(*) FROM events WHERE message LIKE '%line-b-039999 %'")" = 1 ]; }
i=0
while ! last_stored && [ $i -lt 600 ]; do
    sleep 0.1
    i=$((i + 1))
done
if last_stored; then
    pass "3. after 3 SIGKILLs the last line is stored"
else
    echo "---- the last line read back: $(sql "$DB" "SELECT count(*) FROM events WHERE message LIKE '%line-b-039999 %'")" >>"$ERR"
    agent_where "$ERR"
    fail "3. after 3 SIGKILLs the last line is stored within 60 s; the agent's stderr:" "$ERR"
fi
stop_agent "3. stop after the kills" "$ERR"
kept=$(sql "$DB" "SELECT count(*) FROM events")
check "3. after the kills the newest several thousand are kept ($kept; before: 1,256, the store over its limit)" test "$kept" -ge 3000
check_eq "3. ... the very last line among them" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE message LIKE '%line-b-039999 %'")" 1
check_eq "3. ... and the rollup still says what was evicted: evicted + kept = its events" \
    $(($(evicted) + kept)) "$(sql "$DB" "SELECT events FROM rollup_minute WHERE minute = $base")"
# a run started after a SIGKILL reads its backlog in full batches before
# its growth estimate has settled: the file may pass the limit once, by a
# turn's growth (4.36 MB measured under ASan; docs/operations.md)
check "3. the store is within the limit and a turn's growth" test "$(disk "$DB")" -le $((LIMIT + LIMIT / 4))

# ---- 4. a reader holding a snapshot: the WAL stays bounded ------------------------
# obsq's output waits in a pipe nobody reads (a pager left open) for 6 s,
# holding its read transaction, while 40,000 more lines come: the writer
# waits (said) instead of growing the WAL past 4 x its share and a batch
# (before: 55-87 MB past an 8 MB limit), and reads them all once the
# reader is gone.
section reader
"$OBSQ" --db "$DB" -o csv 'fields @message' | (sleep 6; cat >/dev/null) &
READER=$!
sleep 0.5
start_agent "$S" "$DB" "$ERR" --max-db-size 4M --max-pending-bytes $PENDING
flood c 40000 >>"$S/fn/busy.log"
wal_peak=0
i=0
while [ $i -lt 50 ]; do
    w=0
    [ -f "$DB-wal" ] && w=$(stat -c %s "$DB-wal")
    [ "$w" -gt "$wal_peak" ] && wal_peak=$w
    sleep 0.1
    i=$((i + 1))
done
# the bound is checked between batches: 4 x the WAL's share (1.6 MB here)
# plus what one batch writes (4.1 MB measured; 12.8 MB without the bound,
# and growing with the input)
check "4. while the reader holds its snapshot the WAL stays within 1.25 x the limit ($wal_peak)" \
    test "$wal_peak" -le $((LIMIT + LIMIT / 4))
check_grep "4. the agent says why it waits" "$ERR" "paused, store full: its WAL has [0-9]+ bytes, over 4 times its share of --max-db-size, and a reader holds an old snapshot"
wait "$READER"
check "4. once the reader is gone every line is read" wait_status "$DB" lines 120000 60
stop_agent "4. stop" "$ERR"
# the backlog piled up while paused comes in full batches at once: the
# first turn after the pause may read more than the estimate and push the
# file past the limit once, by that turn's growth (5.09 MB measured once
# under ASan; docs/operations.md)
check "4. the store is within the limit and a turn's growth" test "$(disk "$DB")" -le $((LIMIT + LIMIT / 4))
check_eq "4. ... the very last line kept" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE message LIKE '%line-c-039999 %'")" 1

# ---- 2. --retention ----------------------------------------------------------
section age
"$LAMBDAGEN" --out "$T/s2old" --functions 2 --invocations 300 --seed 7 \
    --start "$(iso $((now - 5 * 3600)))" --hours 1 --truth "$T/truth.old" >/dev/null
"$LAMBDAGEN" --out "$T/s2new" --functions 2 --invocations 300 --seed 8 \
    --start "$(iso $((now - 1800)))" --hours 1 --truth "$T/truth.new" >/dev/null
DB=$T/s2.db
REF=$T/ref2.db
ERR=$T/s2.err
old_lines=$(truth lines "$T/truth.old")
new_lines=$(truth lines "$T/truth.new")
"$OBSAGENT" --once -q --db "$REF" "$T/s2new" >/dev/null 2>&1
"$OBSAGENT" --db "$DB" --poll-ms 100 --retention 2h "$T/s2old" "$T/s2new" >"$ERR" 2>&1 </dev/null &
AGENT=$!
check "2. every line read" wait_status "$DB" lines $((old_lines + new_lines)) 60
check "2. the old corpus deleted (retention_events_deleted)" \
    wait_status "$DB" retention_events_deleted "$old_lines" 30
stop_agent "2. stop" "$ERR"
check_eq "2. retention_events_deleted = the old lines, exactly" \
    "$(status "$DB" retention_events_deleted)" "$old_lines"
check_eq "2. the recent corpus kept whole" "$(sql "$DB" "SELECT count(*) FROM events")" "$new_lines"
check_eq "2. nothing older than 2 h" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE ts < ($now - 7200) * 1000")" 0
for t in invocations metric_points rollup_minute metric_rollup_minute rollup_hour; do
    check_eq "2. $t: the recent corpus's" "$(sql "$DB" "SELECT count(*) FROM $t")" \
        "$(sql "$REF" "SELECT count(*) FROM $t")"
done
for w in cache authenticated; do
    check_eq "2. obsq's full-text answer for '$w' = the recent corpus's" \
        "$(obsq_count "$DB" "$w")" "$(obsq_count "$REF" "$w")"
done
check_eq "2. retention_invocations_deleted = the old invocations" \
    "$(status "$DB" retention_invocations_deleted)" \
    "$(sed -n 's/^fn\.[^.]*\.invocations=//p' "$T/truth.old" | paste -sd+ | bc)"

finish
