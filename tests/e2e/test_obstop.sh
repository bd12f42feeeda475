#!/bin/sh
# tests/e2e/test_obstop.sh — obstop on a generated store with known truth:
# --dump and a real terminal (tmux: send-keys, capture-pane) show, for every
# function, the invocations, failures, timeouts, crashes, OOM kills,
# throttle signals, cold starts and memory size of lambdagen's truth, and
# duration percentiles within 1.6% of the nearest-rank values computed with
# SQL from the stored invocations (1% sketch + 3-digit display); keys move
# between views; the tail's filter works and reports errors; the frame
# follows a resize; the screen updates while obsagent follows new logs;
# the header shows the agent running, and PAUSED with its reason while the
# store is locked; the terminal is given back on quit, on SIGTERM and on a
# crash; colours
# and their absence under NO_COLOR; log text
# cannot put escape sequences on the screen; --dump writes frames.
. "$(dirname "$0")/lib.sh"
need obsagent obstop lambdagen
OBSTOP=$BUILD/obstop
command -v tmux >/dev/null || { fail "tmux is not installed (make deps)"; finish; }

"$LAMBDAGEN" --out "$T/logs" --functions 5 --invocations 300 --seed 7 --format mixed \
    --start 2026-11-01T00:00:00Z --truth "$TRUTH" >/dev/null || { fail "lambdagen"; finish; }
DB=$T/obs.db
check "import the corpus" "$OBSAGENT" --once -q --db "$DB" "$T/logs"
FUNCTIONS=$(truth functions)

# ---- numbers --------------------------------------------------------------

# ms FIELD: a duration as obstop prints it ("61.0ms", "6.06s", "2m03s"), in ms
ms()
{
    printf '%s\n' "$1" | awk '/ms$/ { sub(/ms$/, ""); print $0 + 0; next }
                               /m[0-9]+s$/ { split($0, a, "m"); sub(/s$/, "", a[2]); print (a[1] * 60 + a[2]) * 1000; next }
                               /s$/ { sub(/s$/, ""); print $0 * 1000; next }
                               { print "nan" }'
}

# within SHOWN EXPECTED: |shown - expected| <= 1.6% of expected
within()
{
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= 0.016 * b) }'
}

# pct FN P: nearest-rank percentile of the function's stored durations
pct()
{
    sql "$DB" "WITH d AS (SELECT duration FROM invocations_v WHERE function = $(sqlq "$1")
                 AND duration IS NOT NULL)
               SELECT duration FROM d ORDER BY duration
               LIMIT 1 OFFSET (SELECT CAST(max(1, ceil($2 / 100.0 * count(*))) AS INTEGER) - 1 FROM d)"
}

# check_rows DESC FILE: every function's row in a frame at full width
# (Function Invoc Errors Err% Timeout Crash OOM Throt Cold Cold% p50 p95 p99
# Init InitP99 MaxMem Size Head% Cost) against the truth
check_rows()
{
    _total=0
    for fn in $FUNCTIONS; do
        line=$(grep -E "^$fn " "$2" | head -n 1)
        if [ -z "$line" ]; then
            fail "$1: no row for $fn" "$2"
            continue
        fi
        # shellcheck disable=SC2086
        set -- "$1" "$2" $line
        fails=$(( $(truth "fn.$fn.errors") + $(truth "fn.$fn.timeouts") + $(truth "fn.$fn.crashes") + $(truth "fn.$fn.oom") ))
        check_eq "$1: $fn invocations" "$4" "$(truth "fn.$fn.invocations")"
        check_eq "$1: $fn errors (all failures)" "$5" "$fails"
        check_eq "$1: $fn timeouts" "$7" "$(truth "fn.$fn.timeouts")"
        check_eq "$1: $fn crashes" "$8" "$(truth "fn.$fn.crashes")"
        check_eq "$1: $fn oom" "$9" "$(truth "fn.$fn.oom")"
        check_eq "$1: $fn throttle signals" "${10}" "$(truth "fn.$fn.throttle_lines")"
        # ${11}: Conc, the window's peak concurrency (test_obstop_concurrency.sh checks its value)
        check "$1: $fn peak concurrency is a count" sh -c 'expr "$0" : "[0-9][0-9]*$" >/dev/null' "${11}"
        check_eq "$1: $fn cold starts" "${12}" "$(truth "fn.$fn.cold_starts")"
        check_eq "$1: $fn memory size" "${20}" "$(truth "fn.$fn.memory_mb")MB"
        for p in 50:14 95:15 99:16; do
            col=${p#*:}
            eval "shown=\${$col}"
            exp=$(pct "$fn" "${p%:*}")
            if within "$(ms "$shown")" "$exp"; then
                pass "$1: $fn p${p%:*}"
            else
                fail "$1: $fn p${p%:*}: shown $shown, nearest rank $exp ms"
            fi
        done
        _total=$((_total + $4))
    done
    check_grep "$1: totals row" "$2" "^total \\($(echo $FUNCTIONS | wc -w)\\) +$(truth total.invocations) "
}

"$OBSTOP" --db "$DB" --dump --window all --width 200 --height 40 >"$T/dump" 2>&1
check_rows "dump" "$T/dump"
check_grep "dump: header names the window" "$T/dump" "window all .* UTC"
check_grep "dump: series of invocations" "$T/dump" "^invocations .* $(truth total.invocations) +max [0-9]+"
check_grep "dump: footer keys" "$T/dump" "Help.*Quit.*Filter.*Sort.*Window.*Function.*Pause"

# ---- a real terminal --------------------------------------------------------

# A private tmux server (own socket, no user configuration), kept up by a
# placeholder session: killing the test's session then never leaves the
# server shutting down while the next `new-session` connects to it
# ("server exited unexpectedly"), and no other server on the machine is used.
S=obstop-e2e
tm() { tmux -S "$T/tmux.sock" -f /dev/null "$@"; }
tmux_kill() { tm kill-session -t "$S" 2>/dev/null; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT
tm new-session -d -s keep -x 80 -y 24 "sleep 3600" || { fail "tmux: start a server"; finish; }
# screen FILE: capture the pane (after letting obstop redraw)
screen() { sleep "${2:-0.8}"; tm capture-pane -p -t "$S" >"$1"; }
# wait_for FILE REGEX: capture until a line matches (up to 10 s)
wait_for()
{
    _i=0
    while [ $_i -lt 25 ]; do
        screen "$1" 0.4
        grep -Eq -- "$2" "$1" && return 0
        _i=$((_i + 1))
    done
    return 1
}

tm new-session -d -s "$S" -x 200 -y 50 \
    "LANG=C.UTF-8 '$OBSTOP' --db '$DB' --window all; echo \"EXIT=\$?\"; sleep 60"
wait_for "$T/s1" "^total " || fail "tmux: obstop did not draw" "$T/s1"
check_rows "terminal" "$T/s1"
check_eq "terminal: alternate screen while running" "$(tm display -p -t "$S" '#{alternate_on}')" 1

second=$(grep -E '^[a-z]' "$T/s1" | sed -n 2p | awk '{ print $1 }')   # the second row
tm send-keys -t "$S" Down Enter
wait_for "$T/s2" "Function: $second" || fail "Enter opens the selected function ($second)" "$T/s2"
check_grep "detail: the function's invocations" "$T/s2" "^invocations $(truth "fn.$second.invocations") "
check_grep "detail: duration histogram" "$T/s2" "duration histogram"
check_grep "detail: cold starts by runtime version" "$T/s2" "^$(truth "fn.$second.runtime_version") +$(truth "fn.$second.memory_mb")MB +$(truth "fn.$second.cold_starts") "
tm send-keys -t "$S" End
wait_for "$T/s2b" "max memory used [0-9]+ of $(truth "fn.$second.memory_mb") MB" ||
    fail "detail: End scrolls to the memory right-sizing hint" "$T/s2b"
check_grep "detail: memory sizes seen" "$T/s2b" "^ +$(truth "fn.$second.memory_mb")MB +$(truth "fn.$second.invocations") "

tm send-keys -t "$S" Tab
wait_for "$T/s3" "^following " || fail "Tab goes to the tail" "$T/s3"
tm send-keys -t "$S" / '@message like "Task timed out"' Enter
wait_for "$T/s4" "filter: @message like \"Task timed out\"" || fail "tail filter applied" "$T/s4"
if grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} ' "$T/s4" | grep -qv "Task timed out"; then
    fail "tail: every line matches the filter" "$T/s4"
else
    pass "tail: every line matches the filter"
fi
check_grep "tail: matching lines shown" "$T/s4" "^[0-9:.]+ .*Task timed out after"
tm send-keys -t "$S" / C-u '@message lik "x"' Enter
wait_for "$T/s5" "filter: column 10: " || fail "a bad filter names its column" "$T/s5"
tm send-keys -t "$S" Up Up
wait_for "$T/s6" "^PAUSED \\(End follows\\)" || fail "scrolling up pauses the tail" "$T/s6"
tm send-keys -t "$S" End
wait_for "$T/s6" "^following " || fail "End follows again" "$T/s6"
tm send-keys -t "$S" Tab
wait_for "$T/s7" "^metric \\(namespace/name dimensions\\)" || fail "Tab goes to the EMF view" "$T/s7"
tm send-keys -t "$S" '?'
wait_for "$T/s8" "^keys" || fail "? shows help" "$T/s8"
tm send-keys -t "$S" Escape Tab
wait_for "$T/s9" "Invoc" || fail "Esc closes help, Tab back to the overview" "$T/s9"
tm send-keys -t "$S" w
wait_for "$T/s10" "window 5m " || fail "w changes the window" "$T/s10"
tm send-keys -t "$S" W s
wait_for "$T/s11" "Error▼" || fail "s sorts by the next column" "$T/s11"

# resize: the frame follows, columns drop by priority, the footer stays
tm resize-window -t "$S" -x 80 -y 24
wait_for "$T/s12" "Help" || true
check_grep "resize: the columns that matter stay" "$T/s12" "^Function +Invoc +Error.*p99.*Cost$"
if grep -q "InitP99" "$T/s12"; then fail "resize: low-priority columns dropped" "$T/s12"; else pass "resize: low-priority columns dropped"; fi
check_grep "resize: footer on the last row" "$T/s12" "^\\?Help"
check_grep "resize: rows still there" "$T/s12" "^total "

tm send-keys -t "$S" q
wait_for "$T/s13" "^EXIT=0" || fail "q quits with 0" "$T/s13"
check_eq "quit: terminal given back (no alternate screen)" "$(tm display -p -t "$S" '#{alternate_on}')" 0
tmux_kill

# colours, and none under NO_COLOR (monochrome attributes instead)
for nc in "" 1; do
    tm new-session -d -s "$S" -x 100 -y 30 "TERM=xterm-256color NO_COLOR=$nc '$OBSTOP' --db '$DB' --window all; sleep 60"
    wait_for "$T/c" "^total " >/dev/null || true
    tm capture-pane -e -p -t "$S" >"$T/c.esc"
    tmux_kill
    colours=$(grep -cE "$(printf '\033')\\[(3[0-7]|4[0-7])m" "$T/c.esc")
    if [ -z "$nc" ]; then
        [ "$colours" -gt 0 ] && pass "colours by default" || fail "colours by default" "$T/c.esc"
    else
        [ "$colours" -eq 0 ] && pass "NO_COLOR: no colour" || fail "NO_COLOR: no colour" "$T/c.esc"
        check_grep "NO_COLOR: reverse video for the title" "$T/c.esc" "$(printf '\033')\\[7m obstop"
    fi
done

# SIGTERM and a crash (SIGSEGV) give the terminal back too
for sig in TERM SEGV; do
    tm new-session -d -s "$S" -x 100 -y 30 \
        "sh -c 'echo \$\$ >$T/pid; exec $OBSTOP --db $DB'; echo \"EXIT=\$?\"; sleep 60"
    wait_for "$T/k" "^total " >/dev/null || true
    kill -"$sig" "$(cat "$T/pid")"
    wait_for "$T/k" "^EXIT=" || fail "SIG$sig: obstop ends" "$T/k"
    check_eq "SIG$sig: terminal given back" "$(tm display -p -t "$S" '#{alternate_on}')" 0
    [ "$sig" = TERM ] && check_grep "SIGTERM: exit 0" "$T/k" "^EXIT=0"
    [ "$sig" = SEGV ] && check_grep "SIGSEGV: dies of it" "$T/k" "^EXIT=139"
    tmux_kill
done

# ---- live: obsagent follows new logs while obstop shows them ---------------
mkdir -p "$T/live"
"$OBSAGENT" --db "$T/live.db" --poll-ms 100 "$T/live" >"$T/agent.out" 2>&1 &
agent_pid=$!
sleep 0.5
tm new-session -d -s "$S" -x 160 -y 40 "'$OBSTOP' --db '$T/live.db' --interval 0.2 --window all; sleep 60"
sleep 0.8
# each function is written beside the followed directory and moved in whole
# (a rename): a function appears at once, not file by file as it is written
"$LAMBDAGEN" --out "$T/gen-a" --functions 1 --invocations 40 --seed 3 --truth "$T/live1" >/dev/null
mv "$T/gen-a"/* "$T/live/"
fn1=$(truth functions "$T/live1")
wait_for "$T/l1" "^$fn1 +40 " || fail "live: a new function appears with its invocations" "$T/l1"
"$LAMBDAGEN" --out "$T/gen-b" --functions 2 --invocations 25 --seed 4 --truth "$T/live2" >/dev/null
fn2=$(truth functions "$T/live2" | awk '{ print $2 }')
mv "$T/gen-b/$fn2" "$T/live/"
wait_for "$T/l2" "^$fn2 +25 " || fail "live: a second function appears while running" "$T/l2"
check_grep "live: header shows the agent running" "$T/l2" "agent: (running|catching up)"
# the store locked: the agent pauses, and the header says so and why
store_lock "$T/live.db" || fail "live: sqlite3 holds the store's write lock"
printf '2026-11-01T03:00:00.000Z\tabc\tINFO\twritten while the store is locked\n' \
    >>"$(find "$T/live" -name '*.log' | head -n 1)"
wait_for "$T/l3" "agent: PAUSED [0-9]+s, store locked" || fail "live: a paused agent is shown PAUSED with its reason" "$T/l3"
store_unlock
wait_for "$T/l4" "agent: (running|catching up)" || fail "live: ... and running again after" "$T/l4"
tmux_kill
kill -TERM "$agent_pid"
wait "$agent_pid" 2>/dev/null

# ---- emulated invocations are marked, their memory left out -----------------
# `sam local invoke` output: SAM names the function, the RIE's REPORT claims
# all the memory; beside it a real function's REPORT
cat >"$T/sam.log" <<'EOF'
Invoking app.lambda_handler (python3.12)
Mounting /home/u/app/.aws-sam/build/HelloWorldFunction as /var/task:ro,delegated, inside runtime container
START RequestId: 6b4f0e1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b Version: $LATEST
END RequestId: 6b4f0e1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b
REPORT RequestId: 6b4f0e1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b	Init Duration: 0.11 ms	Duration: 102.03 ms	Billed Duration: 103 ms	Memory Size: 128 MB	Max Memory Used: 128 MB
EOF
cat >"$T/real.log" <<'EOF'
2026-11-01T00:00:01.000Z	7c5a1b2c-3d4e-4f5a-9b8c-7d6e5f4a3b2c	INFO	hello
START RequestId: 7c5a1b2c-3d4e-4f5a-9b8c-7d6e5f4a3b2c Version: $LATEST
END RequestId: 7c5a1b2c-3d4e-4f5a-9b8c-7d6e5f4a3b2c
REPORT RequestId: 7c5a1b2c-3d4e-4f5a-9b8c-7d6e5f4a3b2c	Duration: 10.00 ms	Billed Duration: 10 ms	Memory Size: 256 MB	Max Memory Used: 64 MB
EOF
"$OBSAGENT" --once -q --db "$T/emu.db" "$T/sam.log" >/dev/null 2>&1
"$OBSAGENT" --once -q --db "$T/emu.db" --function realfn "$T/real.log" >/dev/null 2>&1
"$OBSTOP" --db "$T/emu.db" --dump --window all --width 200 --height 30 >"$T/emu.out" 2>&1
check_grep "emulated: the function is marked, its memory not shown" "$T/emu.out" \
    "^HelloWorldFunction \\[emul\\] .* emul  *-  *-  "
check_grep "emulated: a real function is not" "$T/emu.out" "^realfn  .* 64MB  *256MB"
check_grep "emulated: the mark is explained" "$T/emu.out" "^\\[emul\\]: invocations under an emulator"
"$OBSTOP" --db "$T/emu.db" --dump --window all --view function:HelloWorldFunction --width 200 --height 80 \
    >"$T/emu-detail.out" 2>&1
check_grep "emulated: the detail says why there is no memory figure" "$T/emu-detail.out" \
    "1 invocations ran under an emulator"
check_grep "emulated: ... and its memory is not a number" "$T/emu-detail.out" "memory emulated of -"

# ---- text that must not reach the terminal raw ------------------------------
printf '2026-11-01T00:00:00.000Z\tabc\tERROR\tbad \033[2J\033]0;pwned\007 \302\233 thing\n' >"$T/esc.log"
"$OBSAGENT" --once -q --db "$T/esc.db" --function esc --stream s1 "$T/esc.log" >/dev/null 2>&1
"$OBSTOP" --db "$T/esc.db" --dump --view tail --width 120 --height 10 >"$T/esc.out" 2>&1
check_grep "escape sequences: the line is shown, each control made visible" "$T/esc.out" \
    'ERROR bad \\x1b\[2J\\x1b\]0;pwned\\x07 \\u009b thing'
check_eq "escape sequences: no control byte in the frame" \
    "$(tr -d '\n' <"$T/esc.out" | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c)" 0

# ---- --dump and the command line ---------------------------------------------
"$OBSTOP" --db "$DB" --dump --iterations 2 --interval 0.1 --width 100 --height 20 >"$T/two" 2>&1
check_eq "--dump --iterations 2: two frames" "$(grep -c '^ obstop' "$T/two")" 2
check_eq "--dump: frames separated by a form feed" "$(tr -cd '\f' <"$T/two" | wc -c)" 1
check_eq "--dump: every frame has its height" "$(wc -l <"$T/two")" 41
LC_ALL=C "$OBSTOP" --db "$DB" --dump --window all --width 120 >"$T/ascii" 2>&1
check_eq "C locale: ASCII only" "$(LC_ALL=C tr -d '\n\040-\176' <"$T/ascii" | wc -c)" 0
"$OBSTOP" --db "$DB" --dump --view "function:$second" --window all >"$T/fv" 2>&1
check_grep "--view function:NAME" "$T/fv" "Function: $second"
check_fail "a missing store is an error" "$OBSTOP" --db "$T/nope.db" --dump
check_grep "... saying so" "$T/.check.out" "obstop: "
check_fail "no terminal without --dump" sh -c "'$OBSTOP' --db '$DB' </dev/null >/dev/null"
check_grep "... saying to use --dump" "$T/.check.out" "use --dump"
check_fail "a bad --window" "$OBSTOP" --db "$DB" --dump --window 7m
check_fail "a bad --filter" "$OBSTOP" --db "$DB" --dump --filter '@message like'
check_grep "... with its column" "$T/.check.out" "column [0-9]+"
finish
