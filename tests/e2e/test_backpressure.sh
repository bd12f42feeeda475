#!/bin/sh
# tests/e2e/test_backpressure.sh — follow mode when the store cannot take
# writes: another connection holding the write lock (sqlite3 CLI, BEGIN
# IMMEDIATE), and a full store (SQLITE_FULL from a page limit, the test
# hook OBS_TEST_MAX_PAGE_COUNT_FILE). The agent must pause without reading
# (the file is the buffer: its read bytes and memory stay flat), show the
# pause (stderr, --status), resume on its own, and store every numbered line
# exactly once across it all.
. "$(dirname "$0")/lib.sh"
need obsagent
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }
. "$(dirname "$0")/follow_lib.sh"

# proc_field PID FILE NAME — a number from /proc/PID/FILE ("NAME: N ..." lines)
proc_field() { sed -n "s/^$3:[[:space:]]*\([0-9]*\).*/\1/p" "/proc/$1/$2" 2>/dev/null; }



# ---- 1. the store locked by another connection --------------------------------
section 1
L=$T/s1/logs
DB=$T/s1.db
ERR=$T/s1.err
mkdir -p "$L/fn"
$WRITER "$L/fn/a.log" s1 1 1000
start_agent "$L" "$DB" "$ERR" --batch-ms 200
wait_count "$DB" s1 1000 >/dev/null
expect_exact "1. before the lock: 1000 lines" "$DB" s1 1000 "$ERR" "$L"
check "1. sqlite3 CLI holds the write lock (BEGIN IMMEDIATE)" store_lock "$DB"
sleep 0.5
rchar0=$(proc_field "$AGENT" io rchar)
rss0=$(proc_field "$AGENT" status RssAnon)
size0=$(stat -c %s "$L/fn/a.log")
$WRITER "$L/fn/a.log" s1 1001 101000 20000   # ~9.5 MB while locked
check "1. paused: one line on stderr says the store is locked" \
    wait_grep "$ERR" 'obsagent: paused, store locked: .*' 5
sleep 1
rchar1=$(proc_field "$AGENT" io rchar)
rss1=$(proc_field "$AGENT" status RssAnon)
size1=$(stat -c %s "$L/fn/a.log")
appended=$((size1 - size0))
read_while=$((rchar1 - rchar0))
check "1. nothing read while locked: $read_while bytes read of $appended appended" \
    test "$read_while" -lt 1048576
check "1. memory flat while locked: RssAnon ${rss0} -> ${rss1} kB" test $((rss1 - rss0)) -lt 4096
"$OBSAGENT" --status --db "$DB" >"$T/st1" 2>&1
check_grep "1. --status: agent_state paused" "$T/st1" '^agent_state paused$'
check_grep "1. --status: why (store locked)" "$T/st1" '^agent_reason store locked: '
check_grep "1. --status: since when" "$T/st1" '^agent_since_ms [0-9]{13}$'
check_grep "1. --status: the appended bytes are the lag" "$T/st1" "^lag_bytes $appended\$"
check_eq "1. nothing more stored while locked" "$(counts "$DB" s1)" "1000 1000"
store_unlock
wait_count "$DB" s1 101000 20 >/dev/null
check "1. resumed on its own: stderr says so" wait_grep "$ERR" 'obsagent: resumed after [0-9]+ ms paused \(store locked\)' 5
expect_exact "1. after the lock: 101000 lines, each once" "$DB" s1 101000 "$ERR" "$L"
"$OBSAGENT" --status --db "$DB" >"$T/st1b" 2>&1
check_grep "1. --status: running again" "$T/st1b" '^agent_state running$'

# SIGTERM while locked: a clean stop (exit 0 within 2 s); nothing lost
check "1. locked again" store_lock "$DB"
$WRITER "$L/fn/a.log" s1 101001 102000
wait_grep "$ERR" 'paused, store locked' 5
sleep 0.3
stop_agent "1. SIGTERM while paused" "$ERR"
check_grep "1. the stop says the rest is read again on restart" "$ERR" 'stopped while paused \(store locked\)'
"$OBSAGENT" --status --db "$DB" >"$T/st1c" 2>&1
check_grep "1. --status after the stop: not running" "$T/st1c" '^agent_state not running$'
store_unlock
start_agent "$L" "$DB" "$ERR" --batch-ms 200
wait_count "$DB" s1 102000 10 >/dev/null
sleep 0.3
stop_agent "1. restarted" "$ERR"
expect_exact "1. after SIGTERM while locked and a restart: 102000 lines, each once" "$DB" s1 102000 "$ERR" "$L"
check_grep "1. counter pauses_locked" "$T/st1b" '^pauses_locked [1-9][0-9]*$'
check_grep "1. counter paused_ms" "$T/st1b" '^paused_ms [0-9]{3,}$'

# ---- 2. a full store (page limit: SQLITE_FULL, as a full disk) ----------------
section 2
L=$T/s2/logs
DB=$T/s2.db
ERR=$T/s2.err
mkdir -p "$L/fa" "$L/fb" "$L/fc"
"$OBSAGENT" --once --db "$DB" "$L" >/dev/null 2>&1   # an empty store
pages=$(sqlite3 "$DB" "PRAGMA page_count")
echo $((pages + 40)) >"$T/cap"   # room for ~1,000 lines, not 3 x 4,000
OBS_TEST_MAX_PAGE_COUNT_FILE=$T/cap
export OBS_TEST_MAX_PAGE_COUNT_FILE
start_agent "$L" "$DB" "$ERR" --batch-ms 200
unset OBS_TEST_MAX_PAGE_COUNT_FILE
WS=
for w in a b c; do
    $WRITER "$L/f$w/s.log" "s2$w" 1 4000 250 0.05 &
    WS="$WS $!"
done
BG="$BG $WS"
check "2. full: one clear line on stderr" \
    wait_grep "$ERR" 'obsagent: paused, store full: .*(full|FULL)' 10
check_eq "2. full: said once, not at every retry" "$(grep -c 'paused, store full' "$ERR")" 1
"$OBSAGENT" --status --db "$DB" >"$T/st2" 2>&1
check_grep "2. --status: paused, store full" "$T/st2" '^agent_reason store full: '
for w in a b c; do
    c=$(counts "$DB" "s2$w")
    check "2. while full: what was committed has no line twice (s2$w: $c)" test "${c% *}" = "${c#* }"
done
for p in $WS; do
    wait "$p"
done
sleep 1.5   # a few failed retries (each reads again, rolls back)
echo 10000000 >"$T/cap"   # space returns
for w in a b c; do
    wait_count "$DB" "s2$w" 4000 20 >/dev/null
done
check "2. resumed on its own: stderr says so" wait_grep "$ERR" 'resumed after [0-9]+ ms paused \(store full\)' 5
sleep 0.3
stop_agent "2." "$ERR"
for w in a b c; do
    expect_exact "2. after the store was full: writer $w's 4000 lines, each once" "$DB" "s2$w" 4000 "$ERR" "$L"
done
"$OBSAGENT" --status --db "$DB" >"$T/st2b" 2>&1
check_grep "2. counter pauses_full" "$T/st2b" '^pauses_full [1-9][0-9]*$'
check_grep "2. no lag left" "$T/st2b" '^lag_bytes 0$'

# ---- 3. --max-pending-bytes --------------------------------------------------
section 3
L=$T/s3/logs
DB=$T/s3.db
ERR=$T/s3.err
mkdir -p "$L/fn"
agent --db "$T/x.db" --max-pending-bytes 1k "$L"
check_eq "3. --max-pending-bytes 1k: usage error, exit 2" "$?" 2
check_grep "3. says the range" "$T/agent.out" 'max-pending-bytes.*64K'
$WRITER "$L/fn/a.log" s3 1 50000
start_agent "$L" "$DB" "$ERR" --max-pending-bytes 64K
wait_count "$DB" s3 50000 20 >/dev/null
sleep 0.3
stop_agent "3." "$ERR"
expect_exact "3. a 4.7 MB backlog read 64 KB at a time: 50000 lines, each once" "$DB" s3 50000 "$ERR" "$L"
section end
finish
