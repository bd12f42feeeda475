#!/bin/sh
# tests/e2e/test_multiline.sh — multi-line events end to end: stack traces
# and tracebacks written line by line are stored as one event with the line
# that started them (import and follow mode), unrelated lines are not
# swallowed, --no-multiline stores every line, and exactly once holds: a
# SIGKILL while an event is half written, then a restart, stores the event
# once and whole; the follow-mode timeout and SIGTERM store a pending event.
. "$(dirname "$0")/lib.sh"
need obsagent obsq
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }

AGENT=
cleanup()
{
    [ -z "$AGENT" ] || kill -KILL "$AGENT" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
NB=$(printf '\302\240')
TAB=$(printf '\t')
REQ=c793869b-ee49-115b-a5b6-4fd21e8dedac
TS=2024-03-04T17:22:38.033Z

# count_msg DB TEXT — events whose message is exactly TEXT
count_msg() { sql "$1" "SELECT count(*) FROM events WHERE message = $(sqlq "$2")"; }

# wait_sql DB QUERY WANT [SECONDS] — poll until QUERY prints WANT (default 5 s)
wait_sql()
{
    _t0=$(now_ms)
    while [ "$(sql "$1" "$2")" != "$3" ] && [ $(($(now_ms) - _t0)) -lt $((${4:-5} * 1000)) ]; do
        sleep 0.1
    done
    WAITED=$(($(now_ms) - _t0))
}

# ---- 1. import: the runtime shapes --------------------------------------
L=$T/logs/fn
mkdir -p "$L"
PY1="[ERROR] ZeroDivisionError: division by zero"
PY2="Traceback (most recent call last):"
PY3="$NB${NB}File \"/var/task/lambda_function.py\", line 12, in lambda_handler"
PY4="$NB$NB$NB${NB}return total / count"
J1="2024-01-01 00:00:00 $REQ ERROR Handler - request failed"
J2="java.lang.IllegalStateException: order 42 has no items"
J3="${TAB}at example.Handler.handleRequest(Handler.java:10)"
J4="Caused by: java.io.IOException: connection reset"
J5="${TAB}... 3 more"
N1="$TS$TAB$REQ${TAB}ERROR${TAB}TypeError: Cannot read properties of undefined (reading 'id')"
N2="    at Runtime.handler (file:///var/task/index.mjs:3:9)"
P1="  indented print after an INFO line"
{
    echo "START RequestId: $REQ Version: \$LATEST"
    echo "$TS$TAB$REQ${TAB}INFO${TAB}starting"
    echo "$P1"
    echo "$PY1"; echo "$PY2"; echo "$PY3"; echo "$PY4"
    echo "processed 0 records"
    echo "$J1"; echo "$J2"; echo "$J3"; echo "$J4"; echo "$J5"
    echo "$N1"; echo "$N2"
    echo "END RequestId: $REQ"
    echo "REPORT RequestId: $REQ${TAB}Duration: 2.00 ms${TAB}Billed Duration: 2 ms${TAB}Memory Size: 128 MB${TAB}Max Memory Used: 20 MB"
} >"$L/s.log"
DB=$T/import.db
check "1. obsagent --once imports the file" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
cp "$T/.check.out" "$T/summary"
check_eq "1. 17 lines, 9 events" "$(sql "$DB" 'SELECT count(*) FROM events')" 9
check_eq "1. Python traceback: one event, lines joined with \\n" \
    "$(count_msg "$DB" "$(printf '%s\n%s\n%s\n%s' "$PY1" "$PY2" "$PY3" "$PY4")")" 1
check_eq "1. Java log4j line + exception + stack with Caused by: one event" \
    "$(count_msg "$DB" "$(printf '%s\n%s\n%s\n%s\n%s' "$J1" "$J2" "$J3" "$J4" "$J5")")" 1
check_eq "1. Node stack: one event" "$(count_msg "$DB" "$(printf '%s\n%s' "$N1" "$N2")")" 1
check_eq "1. an indented line after an INFO line is its own event" "$(count_msg "$DB" "$P1")" 1
check_eq "1. a plain line after a traceback is its own event" "$(count_msg "$DB" "processed 0 records")" 1
check_eq "1. the joined events keep their first line's level and request id" \
    "$(sql "$DB" "SELECT group_concat(level || '/' || coalesce(request_id, '-'), ' ') FROM (SELECT level, request_id FROM events WHERE message LIKE '%' || char(10) || '%' ORDER BY id)")" \
    "ERROR/- ERROR/$REQ ERROR/$REQ"
check_eq "1. the Python event's error type and time (inherited from the INFO line)" \
    "$(sql "$DB" "SELECT error_type || ' ' || ts FROM events WHERE message LIKE '[ERROR] Zero%'")" \
    "ZeroDivisionError 1709572958033"
check_eq "1. the invocation failed (uncaught Python error)" \
    "$(sql "$DB" "SELECT outcome_name FROM invocations_v")" error
"$OBSQ" --db "$DB" -o csv --start 2020-01-01T00:00:00Z 'filter @message like "handleRequest" | fields @requestId' >"$T/q1" 2>&1
check_eq "1. obsq finds a frame of the Java stack in its event" "$(tail -n +2 "$T/q1")" "\"$REQ\""
check_count "1. summary: continuation lines joined" "$T/summary" 8 "continuation lines joined"
check_count "1. summary: multi-line events" "$T/summary" 3 "multi-line events"
"$OBSAGENT" --status --db "$DB" >"$T/status"
check_grep "1. --status: multiline_joined 8" "$T/status" '^multiline_joined 8$'
check_grep "1. --status: multiline_events 3" "$T/status" '^multiline_events 3$'
check "1. a second import reads nothing" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
check_eq "1. ... and stores nothing more" "$(sql "$DB" 'SELECT count(*) FROM events')" 9
DB=$T/off.db
check "1. --no-multiline imports" "$OBSAGENT" --once --no-progress --no-multiline --db "$DB" "$T/logs"
check_eq "1. --no-multiline: every line an event" "$(sql "$DB" 'SELECT count(*) FROM events')" 17
check_eq "1. standard input: the same 9 events" \
    "$("$OBSAGENT" --once --no-progress --db "$T/stdin.db" - <"$L/s.log" >/dev/null 2>&1;
       sql "$T/stdin.db" 'SELECT count(*) FROM events')" 9

# ---- 2. follow: SIGKILL with an event half written, restart ---------------
L=$T/f/logs
F=$L/fn/s.log
DB=$T/follow.db
ERR=$T/follow.err
mkdir -p "$L/fn"
start_agent()  # ARGS... — follow $L into $DB
{
    "$OBSAGENT" --db "$DB" --poll-ms 100 "$@" "$L" >>"$ERR" 2>&1 </dev/null &
    AGENT=$!
}
HEAD1="START RequestId: $REQ Version: \$LATEST"
HEAD2="$TS$TAB$REQ${TAB}INFO${TAB}marker-before"
TB=$(printf '%s\n%s\n%s\n%s' "$PY1" "$PY2" "$PY3" "$PY4")
start_agent --multiline-timeout-ms 60000
printf '%s\n%s\n' "$HEAD1" "$HEAD2" >>"$F"
HEAD_BYTES=$(wc -c <"$F")
for l in "$PY1" "$PY2"; do
    printf '%s\n' "$l" >>"$F"
    sleep 0.3
done
wait_sql "$DB" "SELECT count(*) FROM events WHERE message LIKE '%marker-before'" 1
sleep 1.2   # more than --batch-ms: everything read is committed
check_eq "2. the lines before the traceback are stored" "$(count_msg "$DB" "$HEAD2")" 1
check_eq "2. the half-written traceback is not stored yet" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE message LIKE '%ZeroDivisionError%'")" 0
check_eq "2. the checkpoint stays at the start of the pending event" \
    "$(sql "$DB" 'SELECT offset FROM sources')" "$HEAD_BYTES"
kill -KILL "$AGENT"
wait "$AGENT" 2>/dev/null
AGENT=
printf '%s\n' "$PY3" >>"$F"
start_agent --multiline-timeout-ms 60000
sleep 0.5
printf '%s\n' "$PY4" >>"$F"
sleep 0.3
printf '%s\n' "END RequestId: $REQ" >>"$F"
wait_sql "$DB" "SELECT count(*) FROM events WHERE message LIKE 'END RequestId%'" 1
check_eq "2. after SIGKILL + restart: the traceback stored once, whole" "$(count_msg "$DB" "$TB")" 1
check_eq "2. ... and no part of it on its own" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE message LIKE '%ZeroDivisionError%' OR message LIKE '%return total%'")" 1
check_eq "2. the lines before it are not doubled" \
    "$(sql "$DB" "SELECT count(*) FROM events")" 4

# ---- 3. SIGTERM stores a pending event ------------------------------------
printf '%s\n%s\n' "$N1" "$N2" >>"$F"
sleep 0.5
kill -TERM "$AGENT"
wait "$AGENT"
check_eq "3. SIGTERM: exit 0" "$?" 0
AGENT=
check_eq "3. the pending Node stack is stored at the stop" \
    "$(count_msg "$DB" "$(printf '%s\n%s' "$N1" "$N2")")" 1
check_eq "3. the checkpoint is at the end of the file" \
    "$(sql "$DB" 'SELECT offset FROM sources')" "$(wc -c <"$F" | tr -d ' ')"

# ---- 4. the timeout stores an event no line follows ------------------------
start_agent --multiline-timeout-ms 300
sleep 0.3
printf '%s\n%s\n' "$J2" "$J3" >>"$F"
wait_sql "$DB" "SELECT count(*) FROM events WHERE message = $(sqlq "$(printf '%s\n%s' "$J2" "$J3")")" 1 5
check_eq "4. a stack with no line after it is stored after --multiline-timeout-ms" \
    "$(count_msg "$DB" "$(printf '%s\n%s' "$J2" "$J3")")" 1
check "4. ... within 2.5 s (took $WAITED ms)" test "$WAITED" -le 2500
sleep 1.2
"$OBSAGENT" --status --db "$DB" >"$T/status2"
check_grep "4. --status counts the timeout" "$T/status2" '^multiline_timeouts 1$'
kill -TERM "$AGENT"
wait "$AGENT"
AGENT=
check_eq "4. 6 events in all, nothing doubled" "$(sql "$DB" "SELECT count(*) FROM events")" 6

# ---- 5. console.log of a pretty-printed object: one event, read as JSON ------
# (made-up values; the shape of Node's console.log(JSON.stringify(doc, null, 4)))
L=$T/pretty/logs/fn
mkdir -p "$L"
{
    echo "START RequestId: $REQ Version: \$LATEST"
    echo "$TS$TAB$REQ${TAB}INFO$TAB{"
    echo '    "_aws": {'
    echo '        "Timestamp": 1709572958000,'
    echo '        "CloudWatchMetrics": [{"Namespace": "Shop", "Dimensions": [["svc"]],'
    echo '                               "Metrics": [{"Name": "Carts", "Unit": "Count"}]}]'
    echo '    },'
    echo '    "svc": "cart",'
    echo '    "Carts": [2, 5]'
    echo '}'
    echo "$TS$TAB$REQ${TAB}INFO${TAB}after"
    echo "$TS$TAB$REQ${TAB}INFO$TAB"
    echo '{'
    echo '    "_aws": {"Timestamp": 1709572958000, "CloudWatchMetrics": [{"Namespace": "Shop", "Dimensions": [["svc"]],'
    echo '             "Metrics": [{"Name": "Carts", "Unit": "Count"}]}]},'
    echo '    "svc": "cart", "Carts": 4'
    echo '}'
    echo '{'
    echo '  "bare": 1'
    echo '}'
    echo "END RequestId: $REQ"
} >"$L/s.log"
DB=$T/pretty.db
check "5. imports" "$OBSAGENT" --once --no-progress --db "$DB" "$T/pretty/logs"
check_eq "5. each prefixed object is one event, its fields read" \
    "$(sql "$DB" "SELECT count(*) || ' ' || group_concat(json_extract(substr(CAST(message AS BLOB), json_at + 1), '\$.svc')) FROM events WHERE message LIKE '%' || char(10) || '}'")" "2 cart,cart"
check_eq "5. their EMF documents give their three values" \
    "$(sql "$DB" "SELECT count(*) || ' ' || sum(value) FROM metric_points")" "3 11.0"
check_eq "5. the line after the first, and a bare '{' object, stay separate events" \
    "$(sql "$DB" "SELECT count(*) FROM events")" 8

finish
