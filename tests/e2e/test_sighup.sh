#!/bin/sh
# tests/e2e/test_sighup.sh — SIGHUP re-reads the --exclude-from list and
# rescans at once, while a writer keeps appending: the change takes effect
# (a file no longer excluded is read from its head, a newly excluded one is
# not taken), the agent keeps running, and no line is lost or doubled. A list
# that cannot be read keeps the previous one; at start it is an error.
. "$(dirname "$0")/lib.sh"
need obsagent
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }
. "$(dirname "$0")/follow_lib.sh"


L=$T/logs
DB=$T/h.db
ERR=$T/h.err
EX=$T/exclude
mkdir -p "$L/fn"

# ---- at start: a missing list is a one-line error --------------------------
"$OBSAGENT" --db "$T/bad.db" --exclude-from "$T/none" "$L" >"$T/bad.out" 2>&1 </dev/null
check_eq "missing --exclude-from list: exit 1" "$?" 1
check_grep "missing --exclude-from list: says which file" "$T/bad.out" "cannot read exclude list $T/none"
check_eq "missing --exclude-from list: one line" "$(wc -l <"$T/bad.out" | tr -d ' ')" 1

# ---- the list excludes skip-*.log ------------------------------------------------
printf '# not yet\n  *skip-*  \n\n' >"$EX"
$WRITER "$L/fn/a.log" ha 1 200
$WRITER "$L/fn/skip-b.log" hb 1 100
start_agent "$L" "$DB" "$ERR" --exclude-from "$EX"
wait_count "$DB" ha 200 >/dev/null
sleep 0.5
check_eq "excluded by the list: skip-b.log not read" "$(counts "$DB" hb)" "0 0"

# a writer appends to a.log all along
$WRITER "$L/fn/a.log" ha 201 3000 40 0.03 &
W=$!
BG="$BG $W"
sleep 0.3

# ---- SIGHUP with a list that no longer excludes it -------------------------
printf '# skip-* allowed now; c.log excluded\n*/c.log\n' >"$EX"
kill -HUP "$AGENT"
check "SIGHUP: one line says what was re-read" \
    wait_grep "$ERR" "SIGHUP: 1 exclude pattern from $EX; rescanning" 3
wait_count "$DB" hb 100 3 >/dev/null
check "SIGHUP: the file no longer excluded is stored within 2 s (took $WAITED ms)" test "$WAITED" -le 2000
check "SIGHUP: the agent is still running" alive "$AGENT"
$WRITER "$L/fn/c.log" hc 1 50
sleep 1
check_eq "SIGHUP: a newly excluded file is not taken" "$(counts "$DB" hc)" "0 0"

# ---- SIGHUP with an unreadable list keeps the previous one ------------------
mv "$EX" "$EX.away"
kill -HUP "$AGENT"
check "SIGHUP, list gone: one-line error, previous list kept" \
    wait_grep "$ERR" "SIGHUP: cannot read exclude list $EX: .*; keeping the previous 1 pattern$" 3
$WRITER "$L/fn/c.log" hc 51 60
sleep 0.6
check_eq "SIGHUP, list gone: c.log still excluded" "$(counts "$DB" hc)" "0 0"
check "SIGHUP, list gone: the agent is still running" alive "$AGENT"

wait "$W"
wait_count "$DB" ha 3000 10 >/dev/null
sleep 0.3
stop_agent "after two SIGHUPs" "$ERR"
expect_exact "a.log appended across two SIGHUPs: 3000 lines, each once" "$DB" ha 3000 "$ERR" "$L"
expect_exact "skip-b.log, taken at the SIGHUP: 100 lines, each once" "$DB" hb 100 "$ERR" "$L"
finish
