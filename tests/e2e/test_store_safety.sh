#!/bin/sh
# tests/e2e/test_store_safety.sh — the store file is created 0600 (its WAL
# too); the writer refuses a world-writable directory (sticky or not); a
# damaged or foreign file given as the store gets one clear line and exit 1
# from obsagent, obsq and obstop --dump, never a crash; a reader holding a
# long read transaction never stops the agent committing (WAL).
. "$(dirname "$0")/lib.sh"
need obsagent
need obsq
need lambdagen
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }
. "$(dirname "$0")/follow_lib.sh"
OBSTOP=$BUILD/obstop

mkdir -p "$T/logs/fn"
echo "2026-11-01T00:00:00.000Z hello store" >"$T/logs/fn/a.log"

# ---- 1. permissions -----------------------------------------------------------
section perms
umask 022
"$OBSAGENT" --once -q --db "$T/p.db" "$T/logs" >"$T/p.out" 2>&1
check_eq "1. store created 0600 (umask 022)" "$(stat -c %a "$T/p.db")" 600
sqlite3 "$T/p.db" "PRAGMA journal_mode" >/dev/null
"$OBSAGENT" --db "$T/p.db" --poll-ms 50 "$T/logs" >"$T/p.err" 2>&1 </dev/null &
AGENT=$!
i=0
while [ ! -f "$T/p.db-wal" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "1. its WAL 0600 too" "$(stat -c %a "$T/p.db-wal" 2>/dev/null)" 600
stop_agent "1. stop" "$T/p.err"
for mode in 777 1777 757; do
    mkdir -m $mode "$T/open$mode" && chmod $mode "$T/open$mode"
    "$OBSAGENT" --once -q --db "$T/open$mode/obs.db" "$T/logs" >"$T/w.out" 2>&1
    check_eq "1. directory $mode: refused (exit 1)" $? 1
    check_grep "1. directory $mode: says why" "$T/w.out" "refusing store .*writable by every user"
    check "1. directory $mode: nothing created" test ! -e "$T/open$mode/obs.db"
done
mkdir -m 770 "$T/group" && chmod 770 "$T/group"
check "1. a group-writable directory is accepted" "$OBSAGENT" --once -q --db "$T/group/obs.db" "$T/logs"

# ---- 2. damaged and foreign files --------------------------------------------
section bad
"$LAMBDAGEN" --out "$T/gen" --functions 2 --invocations 200 --seed 3 >/dev/null
"$OBSAGENT" --once -q --db "$T/good.db" "$T/gen" >/dev/null 2>&1
head -c 20000 "$T/good.db" >"$T/truncated.db"
head -c 100000 /dev/urandom >"$T/random.db"
sqlite3 "$T/foreign.db" "CREATE TABLE t(x); INSERT INTO t VALUES(1);"
mkdir "$T/dir.db"
cp "$T/good.db" "$T/corrupt.db"
# every page after the first 8 overwritten (the schema page survives)
size=$(stat -c %s "$T/good.db")
head -c $((size - 32768)) /dev/urandom | dd of="$T/corrupt.db" bs=4096 seek=8 conv=notrunc 2>/dev/null
# one_line DESC FILE — FILE is exactly one line naming the store's problem
one_line()
{
    check_eq "$1: one line on stderr" "$(wc -l <"$2")" 1
    check_grep "$1: it says what is wrong" "$2" \
        "not an obs store|damaged|malformed|is a directory|not a store"
}
for f in truncated random foreign dir corrupt; do
    cp -r "$T/$f.db" "$T/w_$f.db"
    "$OBSAGENT" --once -q --db "$T/w_$f.db" "$T/logs" >"$T/a.out" 2>"$T/a.err"
    check_eq "2. obsagent on a $f file: exit 1" $? 1
    one_line "2. obsagent on a $f file" "$T/a.err"
    "$OBSQ" --db "$T/$f.db" 'stats count(*) by @logStream' >"$T/q.out" 2>"$T/q.err"
    check_eq "2. obsq on a $f file: exit 1" $? 1
    one_line "2. obsq on a $f file" "$T/q.err"
    "$OBSQ" --db "$T/$f.db" summary >"$T/q.out" 2>"$T/q.err"
    check_eq "2. obsq summary on a $f file: exit 1" $? 1
    for v in overview tail emf; do
        "$OBSTOP" --dump --view $v --window all --db "$T/$f.db" >"$T/t.out" 2>"$T/t.err"
        check_eq "2. obstop --dump --view $v on a $f file: exit 1" $? 1
        one_line "2. obstop --dump --view $v on a $f file" "$T/t.err"
    done
done
: >"$T/empty.db"
"$OBSQ" --db "$T/empty.db" 'stats count(*)' >"$T/q.out" 2>"$T/q.err"
check_eq "2. obsq on an empty file: exit 1" $? 1
one_line "2. obsq on an empty file" "$T/q.err"
check "2. obsagent takes an empty file as a new store" \
    "$OBSAGENT" --once -q --db "$T/empty.db" "$T/logs"
check_eq "2. and stores into it" "$(sql "$T/empty.db" "SELECT count(*) FROM events")" 1

# ---- 3. a long reader never blocks the writer ---------------------------------
section reader
L=$T/r/logs
DB=$T/r.db
ERR=$T/r.err
mkdir -p "$L/fn"
$WRITER "$L/fn/a.log" r 1 500
start_agent "$L" "$DB" "$ERR" --batch-ms 100
wait_count "$DB" r 500 >/dev/null
# a reader holding one read transaction open (its snapshot) for the test
mkfifo "$T/reader.fifo"
sqlite3 -batch "$DB" <"$T/reader.fifo" >"$T/reader.out" 2>&1 &
READER=$!
BG="$BG $READER"
exec 8>"$T/reader.fifo"
printf 'BEGIN;\nSELECT count(*) FROM events;\n' >&8
i=0
while ! grep -q '^500$' "$T/reader.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check_grep "3. the reader's transaction sees 500 events" "$T/reader.out" '^500$'
c0=$(sql "$DB" "SELECT value FROM agent_counters WHERE name = 'lines'")
$WRITER "$L/fn/a.log" r 501 3000
wait_count "$DB" r 3000 10 >/dev/null
expect_exact "3. the agent stored 2,500 more lines while the reader held its snapshot" "$DB" r 3000 "$ERR" "$L"
check "3. the lines counter moved on ($c0 before)" \
    test "$(sql "$DB" "SELECT value FROM agent_counters WHERE name = 'lines'")" -gt "$c0"
printf 'SELECT count(*) FROM events;\n' >&8
i=0
while [ "$(grep -c '^500$' "$T/reader.out")" -lt 2 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "3. the reader's snapshot still says 500" "$(grep -c '^500$' "$T/reader.out")" 2
printf 'COMMIT;\nSELECT count(*) FROM events;\n.quit\n' >&8
exec 8>&-
wait "$READER"
check_grep "3. after its commit the reader sees the 3,000" "$T/reader.out" '^3000$'
check_fail "3. the agent never paused" grep -q "paused" "$ERR"
stop_agent "3. stop" "$ERR"

# ---- 4. a missing directory is made, private -------------------------------------
check "4. a store in a directory that does not exist yet" "$OBSAGENT" --once -q --db "$T/new/obs.db" /dev/null
check_eq "4. ... the directory is made with mode 700" "$(stat -c %a "$T/new")" 700
check_eq "4. ... the store with mode 600" "$(stat -c %a "$T/new/obs.db")" 600
check_fail "4. but not two levels" "$OBSAGENT" --once -q --db "$T/a/b/obs.db" /dev/null

finish
