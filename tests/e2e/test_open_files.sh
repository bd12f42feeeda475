#!/bin/sh
# tests/e2e/test_open_files.sh — nothing unread in silence (issue 16): follow
# mode past the open-file limit reads every file (idle ones are closed and
# opened again by identity, in turn), a --max-open-files above the limit is
# lowered with a line on stderr; an unreadable file is said once with the
# reason and counted, and read once it can be.
. "$(dirname "$0")/lib.sh"
need obsagent
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }
. "$(dirname "$0")/follow_lib.sh"

counter() { sql "$1" "SELECT coalesce((SELECT value FROM agent_counters WHERE name = '$2'), 0)"; }

# ---- 1. 300 files, ulimit -n 128 -------------------------------------------------
L=$T/n/logs
DB=$T/n.db
ERR=$T/n.err
i=1
while [ $i -le 300 ]; do
    mkdir -p "$L/f$i"
    i=$((i + 1))
done
i=1
while [ $i -le 300 ]; do
    $WRITER "$L/f$i/s.log" "n$i" 1 2
    i=$((i + 1))
done
(ulimit -n 128 && exec "$OBSAGENT" --db "$DB" --poll-ms 100 "$L") >"$ERR" 2>&1 </dev/null &
AGENT=$!
# every file's first two lines, then two more in each, appended in a burst
wait_sql "$DB" "SELECT count(*) FROM events" 600 || true
check_eq "1. ulimit -n 128, 300 files: every file's first 2 lines stored" "$(sql "$DB" 'SELECT count(*) FROM events')" 600
i=1
while [ $i -le 300 ]; do
    $WRITER "$L/f$i/s.log" "n$i" 3 4
    i=$((i + 1))
done
wait_sql "$DB" "SELECT count(*) FROM events" 1200 || true
sleep 0.5
stop_agent "1." "$ERR"
check_eq "1. ... and the 2 appended to each: 1,200 lines, each once" \
    "$(sql "$DB" "SELECT count(*) || ' ' || count(DISTINCT message) FROM events")" "1200 1200"
check "1. ... files were closed while idle and opened again (files_closed_idle > 0)" \
    test "$(counter "$DB" files_closed_idle)" -gt 0
"$OBSAGENT" --status --db "$DB" >"$T/n.status"
check_grep "1. ... no lag left" "$T/n.status" '^lag_bytes 0$'
check_grep "1. ... 300 sources" "$T/n.status" '^sources 300$'
(ulimit -n 64 && exec "$OBSAGENT" --db "$T/n2.db" --poll-ms 100 --max-open-files 1000 "$L") >"$T/n2.err" 2>&1 </dev/null &
AGENT=$!
sleep 1
stop_agent "1. --max-open-files 1000" "$T/n2.err"
check_grep "1. --max-open-files above the limit: lowered, said" "$T/n2.err" \
    "--max-open-files 1000 is above what the open-file limit allows \(ulimit -n 64"

# ---- 2. an unreadable file ---------------------------------------------------------------
# as root every file is readable: the agent runs as nobody then
U=$T/u
mkdir -p "$U/logs/fn" "$U/db"
$WRITER "$U/logs/fn/ok.log" uo 1 10
$WRITER "$U/logs/fn/locked.log" ul 1 10
chmod 000 "$U/logs/fn/locked.log"
RUN=
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1; then
        chmod 711 "$T"
        chown -R 65534:65534 "$U"
        chown 0:0 "$U/logs/fn/locked.log"
        chmod 755 "$U" "$U/logs" "$U/logs/fn"
        chmod 700 "$U/db"
        RUN="setpriv --reuid=65534 --regid=65534 --clear-groups"
    else
        fail "2. running as root without setpriv: cannot make a file unreadable"
    fi
fi
$RUN "$OBSAGENT" --db "$U/db/u.db" --poll-ms 100 "$U/logs" >"$T/u.err" 2>&1 </dev/null &
AGENT=$!
wait_count "$U/db/u.db" uo 10 >/dev/null
sleep 0.6   # a few more scans
check_eq "2. the readable file is read" "$(counts "$U/db/u.db" uo)" "10 10"
check_eq "2. the unreadable one is said once (scanned every 100 ms)" \
    "$(grep -c "not read: $U/logs/fn/locked.log: cannot read it: Permission denied" "$T/u.err")" 1
chmod 644 "$U/logs/fn/locked.log"
wait_count "$U/db/u.db" ul 10 >/dev/null
check_eq "2. once it can be read, it is read" "$(counts "$U/db/u.db" ul)" "10 10"
stop_agent "2." "$T/u.err"
check_eq "2. ... and it was counted (files_unreadable)" "$(counter "$U/db/u.db" files_unreadable)" 1

finish
