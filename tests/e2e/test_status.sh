#!/bin/sh
# tests/e2e/test_status.sh — `obsagent --status`: the lag of every
# checkpointed file (bytes written and not yet stored), which files are
# behind, and files whose checkpoint no longer describes the file at the path.
. "$(dirname "$0")/lib.sh"
need obsagent
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }

WRITER="sh $(cd "$(dirname "$0")" && pwd)/numbered_writer.sh"
L=$T/logs
DB=$T/s.db
mkdir -p "$L/fn-a" "$L/fn-b"
$WRITER "$L/fn-a/one.log" a 1 100
$WRITER "$L/fn-b/two.log" b 1 50
agent --once --db "$DB" "$L"
check_eq "--once import: exit 0" "$?" 0

# ---- 1. everything read: no lag ----------------------------------------------
"$OBSAGENT" --status --db "$DB" >"$T/st1" 2>&1
check_eq "1. --status: exit 0" "$?" 0
check_grep "1. nothing behind: lag_bytes 0" "$T/st1" '^lag_bytes 0$'
check_grep "1. two sources" "$T/st1" '^sources 2$'
check_grep "1. none behind" "$T/st1" '^sources_behind 0$'
check_grep "1. one.log is current, lag 0" "$T/st1" "^source 0 current $L/fn-a/one.log\$"

# ---- 2. appended after the import: the appended bytes are the lag ----------
size0=$(stat -c %s "$L/fn-a/one.log")
$WRITER "$L/fn-a/one.log" a 101 130
size1=$(stat -c %s "$L/fn-a/one.log")
want=$((size1 - size0))
"$OBSAGENT" --status --db "$DB" >"$T/st2" 2>&1
check_grep "2. one.log behind by the $want appended bytes" "$T/st2" "^source $want behind $L/fn-a/one.log\$"
check_grep "2. two.log still current" "$T/st2" "^source 0 current $L/fn-b/two.log\$"
check_grep "2. lag_bytes is the sum ($want)" "$T/st2" "^lag_bytes $want\$"
check_grep "2. one source behind" "$T/st2" '^sources_behind 1$'
# the offset agrees with the store's own checkpoint row
off=$(sql "$DB" "SELECT offset FROM sources WHERE path = $(sqlq "$L/fn-a/one.log")")
check_eq "2. lag = file size - checkpoint offset" "$((size1 - off))" "$want"

# ---- 3. read again: the lag is gone ------------------------------------------
agent --once --db "$DB" "$L"
"$OBSAGENT" --status --db "$DB" >"$T/st3" 2>&1
check_grep "3. after a second import: lag_bytes 0" "$T/st3" '^lag_bytes 0$'
check_eq "3. 130 lines of one.log stored once each" \
    "$(sql "$DB" "SELECT count(*), count(DISTINCT message) FROM events WHERE message LIKE '%line-a-%'")" "130|130"

# ---- 4. another file under the path: its lag is unknown, not a guess -------
mv "$L/fn-b/two.log" "$L/fn-b/two.log.1"
$WRITER "$L/fn-b/two.log" b 51 60
rm "$L/fn-a/one.log"
"$OBSAGENT" --status --db "$DB" >"$T/st4" 2>&1
check_grep "4. a replaced file: lag unknown (-), gone" "$T/st4" "^source - gone $L/fn-b/two.log\$"
check_grep "4. a deleted file: lag unknown (-), gone" "$T/st4" "^source - gone $L/fn-a/one.log\$"
check_grep "4. unknown lags counted" "$T/st4" '^sources_lag_unknown 2$'
check_grep "4. and not added to lag_bytes" "$T/st4" '^lag_bytes 0$'

# ---- 5. no store: a one-line error, exit 1 ----------------------------------
"$OBSAGENT" --status --db "$T/none.db" >"$T/st5" 2>&1
check_eq "5. --status without a store: exit 1" "$?" 1
check_eq "5. one line on stderr" "$(wc -l <"$T/st5" | tr -d ' ')" 1
finish
