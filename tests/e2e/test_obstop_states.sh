#!/bin/sh
# tests/e2e/test_obstop_states.sh — obstop honest at a glance, in a real
# terminal (tmux): the header says the agent is running, stopped since a
# time, gone (died without a clean stop) or never seen, never "ok"; every
# active filter is on a row of its own and x clears them all; the EMF view
# tells its series apart at 80x24; the tail scrolls long lines sideways
# (< >) and wraps them (z).
. "$(dirname "$0")/lib.sh"
need obsagent obstop lambdagen
OBSTOP=$BUILD/obstop
command -v tmux >/dev/null || { fail "tmux is not installed (make deps-test)"; finish; }

"$LAMBDAGEN" --out "$T/logs" --functions 3 --invocations 60 --seed 11 --start 2026-11-01T00:00:00Z \
    --truth "$TRUTH" >/dev/null || { fail "lambdagen"; finish; }
FUNCTIONS=$(truth functions)
F1=$(echo "$FUNCTIONS" | awk '{ print $1 }')
F2=$(echo "$FUNCTIONS" | awk '{ print $2 }')
DB=$T/obs.db
LONG="the start of a long line $(printf 'x%.0s' $(seq 1 150)) THE-END-OF-IT"
mkdir -p "$T/logs/longfn"
printf '2026-11-01T00:30:00.000Z\tabc\tINFO\t%s\n' "$LONG" >"$T/logs/longfn/s.log"
check "import" "$OBSAGENT" --once -q -d "$DB" "$T/logs"

S=states
tm() { tmux -S "$T/tmux.sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT
tm new-session -d -s keep -x 80 -y 24 "sleep 3600" || { fail "tmux: start a server"; finish; }
screen() { sleep "${2:-0.5}"; tm capture-pane -p -t "$S" >"$1"; }
wait_for() {   # FILE REGEX: capture until a line matches (10 s)
    _i=0
    while [ $_i -lt 25 ]; do
        screen "$1" 0.4
        grep -Eq -- "$2" "$1" && return 0
        _i=$((_i + 1))
    done
    return 1
}
start() {      # WIDTH HEIGHT ARGS...: obstop in a fresh session
    tm kill-session -t "$S" 2>/dev/null
    _w=$1 _h=$2
    shift 2
    tm new-session -d -s "$S" -x "$_w" -y "$_h" "LANG=C.UTF-8 '$OBSTOP' -d '$DB' $*; sleep 60"
}

# ---- the agent's state ---------------------------------------------------------
start 120 30 --window all
wait_for "$T/a1" "^total " || fail "obstop draws" "$T/a1"
check_grep "after an import: stopped since a time, with the last write" "$T/a1" \
    "agent: stopped since [0-9]{2}:[0-9]{2}, last write [0-9]+[smh] ago"
if grep -q "agent: ok" "$T/a1"; then fail "never 'agent: ok'" "$T/a1"; else pass "never 'agent: ok'"; fi
rm -f "$DB-agent"
wait_for "$T/a2" "agent: never seen" || fail "no state file: never seen" "$T/a2"
sh -c 'exit 0' &
dead=$!
wait "$dead"
printf 'pid %s\nstate running\nsince_ms %s000\n' "$dead" "$(date +%s)" >"$DB-agent"
wait_for "$T/a3" "agent: gone \\(pid $dead, no clean stop\\)" || fail "a running state whose pid died: gone" "$T/a3"
mkdir -p "$T/live"
"$OBSAGENT" -d "$DB" --poll-ms 100 "$T/live" >"$T/agent.out" 2>&1 &
agent=$!
wait_for "$T/a4" "agent: running, lag" || fail "a following agent: running" "$T/a4"
kill -TERM "$agent"
wait "$agent"
wait_for "$T/a5" "agent: stopped since [0-9]{2}:[0-9]{2}" || fail "after SIGTERM: stopped since" "$T/a5"

# ---- filters: shown, and x clears them ------------------------------------------
start 120 30 --window all --function "$F1"
wait_for "$T/f1" "^filtered: function = $F1 +x clears" || fail "--function: shown on its own row with x" "$T/f1"
check "... only that function's row" sh -c "! grep -qE '^$F2 ' '$T/f1'"
tm send-keys -t "$S" x
wait_for "$T/f2" "^$F2 " || fail "x: every function again" "$T/f2"
check "x: the filter row is gone" sh -c "! grep -q '^filtered:' '$T/f2'"
check_grep "x: says so" "$T/f2" "filters cleared"
tm send-keys -t "$S" / "$F2" Enter
wait_for "$T/f3" "^filtered: name contains \"$F2\"" || fail "a name filter is shown" "$T/f3"
tm send-keys -t "$S" Tab Tab / '@message like "xxxx"' Enter
wait_for "$T/f4" "^filtered: name contains \"$F2\", tail: @message like \"xxxx\"" ||
    fail "the tail's filter is shown beside the name filter, in the tail too" "$T/f4"
tm send-keys -t "$S" Tab Tab Tab
wait_for "$T/f5" "^filtered: .*tail: @message like" || fail "... and in every view" "$T/f5"
tm send-keys -t "$S" x
wait_for "$T/f6" "filters cleared" || fail "x again" "$T/f6"
check "x: no filter row is left (the tail's filter is gone too)" sh -c "! grep -q '^filtered:' '$T/f6'"
for k in 1 2 3 4; do
    grep -q '^following ' "$T/f6" && break
    tm send-keys -t "$S" Tab
    screen "$T/f6"
done
check_grep "... and the tail says it has none" "$T/f6" "^following .*filter: none"

# ---- the tail: sideways and wrapped ------------------------------------------------
start 80 24 --window all --view tail --function longfn
wait_for "$T/t1" "the start of a long line" || fail "tail: the long line" "$T/t1"
check "tail: cut at the edge (its end not shown)" sh -c "! grep -q 'THE-END-OF-IT' '$T/t1'"
# the message is the whole line as written: "2026-11-01T00:30:00.000Z<TAB>abc..."
tm send-keys -t "$S" '>'
wait_for "$T/t2" "from column 21 \\(< >\\)" || fail "tail: > scrolls 20 columns, and says so" "$T/t2"
check_grep "tail: ... the message from its 21st column" "$T/t2" "^[0-9:.]+ longfn +000Z abc INFO the start of a long line x+$"
tm send-keys -t "$S" '>' '>'
wait_for "$T/t3" "from column 61 " || fail "tail: > again" "$T/t3"
check "tail: the line's start scrolled off" sh -c "! grep -q 'the start of a long' '$T/t3'"
for k in 1 2 3 4 5 6; do tm send-keys -t "$S" '>'; done
wait_for "$T/t3" "THE-END-OF-IT" || fail "tail: far enough right, the end" "$T/t3"
for k in 1 2 3 4 5 6 7 8 9 10; do tm send-keys -t "$S" '<'; done
wait_for "$T/t4" "^[0-9:.]+ longfn +2026-11-01T00:30:00.000Z abc INFO the start" || fail "tail: < scrolls back to the start" "$T/t4"
check "tail: ... and no column is said" sh -c "! grep -q 'from column' '$T/t4'"
tm send-keys -t "$S" z
wait_for "$T/t5" "wrapped \\(z\\)" || fail "tail: z wraps" "$T/t5"
check_grep "tail wrapped: the start" "$T/t5" "the start of a long line"
check_grep "tail wrapped: the end, on a row below" "$T/t5" "^ +x+ THE-END-OF-IT$"
check_eq "tail wrapped: the x's on full rows in between, no empty row" \
    "$(sed -n '/the start of a long line$/,/THE-END-OF-IT/p' "$T/t5" | grep -c '^ *$')" 0

# ---- the EMF view at 80x24 -----------------------------------------------------------
start 80 24 --window all --view emf
wait_for "$T/e1" "^metric " || fail "EMF view at 80x24" "$T/e1"
sed -n '/^metric /,/^$/p' "$T/e1" | sed '1d;/^$/d' >"$T/rows"
nseries=$(sql "$DB" 'SELECT count(*) FROM metric_series')
check_eq "EMF at 80x24: a row per series" "$(wc -l <"$T/rows" | tr -d ' ')" "$nseries"
check_eq "EMF at 80x24: every row's label is its own" "$(cut -c1-40 "$T/rows" | sort -u | wc -l | tr -d ' ')" "$nseries"
for fn in $FUNCTIONS; do
    check_grep "EMF at 80x24: $fn's series show their dimension" "$T/rows" "FunctionName=$fn "
done
check_grep "EMF at 80x24: avg, max, count and the sparkline fit" "$T/e1" "^metric .* avg +max +count  per minute$"
tm kill-session -t "$S" 2>/dev/null
finish
