#!/bin/sh
# tests/e2e/test_wrappers.sh — obsagent reads the lines inside every wrapper
# as the lines themselves: each real stream of tests/realworld/logs that is
# plain Lambda output is wrapped as `sam logs`, a console copy (as lines and
# as the console's table copied as text), `aws logs tail` (short and
# default), and `docker logs -t` print it
# (tests/realworld/wrap.js), imported with --once (the format chosen by the
# content), and compared with the plain import: the same lines, the same
# invocations with the same fields, every event at its wrapper's time, in
# the stream the wrapper names. The same for the documents that hold Lambda's
# events (filter-log-events JSON, its events one a line as `sam logs --output
# json` prints them, a Logs Insights export as JSON and CSV,
# get-query-results, Firehose's gzipped subscription envelopes, a CloudWatch
# export to S3 in its directory layout), with the function they name.
. "$(dirname "$0")/lib.sh"
need obsagent
HERE=$(cd "$(dirname "$0")" && pwd)
REAL=$HERE/../realworld/logs
command -v node >/dev/null 2>&1 || { fail "node is needed (tests/realworld/wrap.js)"; finish; }
STREAM='2024/05/06/[$LATEST]0123456789abcdef0123456789abcdef'
BASE=1714953600000   # 2024-05-06T00:00:00Z

# the lines an import stored, one per line, in order
lines_of() { sql "$1" "SELECT message FROM events ORDER BY id" | awk 'NF'; }
invocations_of() {
    sql "$1" "SELECT request_id, outcome, cold, duration, billed_duration, memory_size, max_memory_used,
                     init_duration, restore_duration, error_type, xray_trace_id FROM invocations ORDER BY request_id"
}

files=$(cd "$REAL" && node -e '
    const e = require("./expected.json").files;
    for (const [f, v] of Object.entries(e)) if (!v.wrapper && !/json/.test(v.log_format || "")) console.log(f);')
n=0
for f in $files; do
    fn=${f%%/*}
    mkdir -p "$T/plain/$fn"
    cp "$REAL/$f" "$T/plain/$fn/s.log"
    "$OBSAGENT" --once -q --db "$T/plain.$fn.db" "$T/plain/$fn/s.log" >/dev/null 2>&1 ||
        fail "$f: plain import"
    for fmt in sam-logs console console-table tail tail-long docker; do
        mkdir -p "$T/$fmt/$fn"
        node "$HERE/../realworld/wrap.js" "$fmt" "$REAL/$f" "$BASE" "$STREAM" >"$T/$fmt/$fn/s.log"
        db=$T/$fmt.$fn.db
        "$OBSAGENT" --once -q --db "$db" "$T/$fmt/$fn/s.log" >"$T/out" 2>&1 || fail "$f as $fmt: import" "$T/out"
        check_eq "$f as $fmt: the same lines" "$(lines_of "$db")" "$(lines_of "$T/plain.$fn.db")"
        check_eq "$f as $fmt: the same invocations" "$(invocations_of "$db")" "$(invocations_of "$T/plain.$fn.db")"
        check_eq "$f as $fmt: every event at its wrapper's time" \
            "$(sql "$db" "SELECT count(*) FROM events WHERE flags & (16 | 32 | 128) OR (ts - $BASE) % 7 != 0")" 0
        case $fmt in
        sam-logs | tail-long)
            check_eq "$f as $fmt: in the stream the wrapper names" \
                "$(sql "$db" "SELECT DISTINCT s.stream FROM events e JOIN streams s ON s.id = e.stream_id")" "$STREAM" ;;
        esac
        n=$((n + 1))
    done
done
check "wrapped $n inputs (at least 50)" test "$n" -ge 50

# ---- a viewer's time of day ------------------------------------------------------
# "HH:MM:SS <line>" before each event's first line (a REPORT's XRAY line has
# none): taken off when a platform line of Lambda's follows it on some line,
# and the file reads as its plain lines. The time of day has no date and no
# zone, so it gives no time: the events have the plain import's times (arrival
# times aside; a line the plain import joined to the one before, a traceback's,
# is an event of its own here, as the wrapper prints its time before it). A
# file with no platform line is an application's own "HH:MM:SS ..." lines:
# stored whole.
times_of() { sql "$1" "SELECT DISTINCT CASE WHEN flags & 32 THEN 0 ELSE ts END FROM events ORDER BY 1"; }
n=0
whole=0
for f in $files; do
    fn=${f%%/*}
    mkdir -p "$T/clock/$fn"
    node "$HERE/../realworld/wrap.js" clock "$REAL/$f" "$BASE" "$STREAM" >"$T/clock/$fn/s.log"
    db=$T/clock.$fn.db
    "$OBSAGENT" --once -q --db "$db" "$T/clock/$fn/s.log" >"$T/out" 2>&1 || fail "$f as clock: import" "$T/out"
    if grep -qE '^((START|END|REPORT) RequestId: |(INIT|RESTORE)_(START|REPORT) )' "$REAL/$f"; then
        check_eq "$f as clock: the same lines" "$(lines_of "$db")" "$(lines_of "$T/plain.$fn.db")"
        check_eq "$f as clock: the same invocations" "$(invocations_of "$db")" "$(invocations_of "$T/plain.$fn.db")"
        check_eq "$f as clock: the plain lines' times" "$(times_of "$db")" "$(times_of "$T/plain.$fn.db")"
        n=$((n + 1))
    else
        check_eq "$f as clock, no platform line: each line whole" "$(lines_of "$db")" "$(awk 'NF' "$T/clock/$fn/s.log")"
        whole=$((whole + 1))
    fi
done
check "clock: $n inputs read as their lines (at least 8), $whole kept whole (at least 1)" test "$n" -ge 8 -a "$whole" -ge 1

# the probe's shapes (public GitHub logs, shortened): Python 3.12 under such a
# viewer, one space and two after the time; out-of-memory and timeout REPORTs;
# and an application's own lines that start with a time of day, Lambda's bare
tabs() { sed 's/\\t/\t/g'; }
mkdir -p "$T/clk/gate" "$T/clk/search" "$T/clk/app"
tabs >"$T/clk/gate/ops.log" <<'EOF'
16:36:11 INIT_START Runtime Version: python:3.12.mainlinev2.v43\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:36aeb19f
16:36:11 START RequestId: 8d5958b5-559f-43f3-b278-b71dd7dd0e01 Version: $LATEST
16:36:11 REPORT RequestId: 8d5958b5-559f-43f3-b278-b71dd7dd0e01\tDuration: 2.46 ms\tBilled Duration: 417 ms\tMemory Size: 1024 MB\tMax Memory Used: 95 MB\tInit Duration: 413.61 ms\t
XRAY TraceId: 1-6ac7c67a-1c0aa43118a5d54708c0da61\tSegmentId: 2d54219895e821dd\tSampled: true
17:39:34 START RequestId: 276ff3b9-1609-4ee7-a288-db3752630767 Version: $LATEST
17:39:35 [contracts] cadence map: 1826 artifacts resolvable
17:39:45 REPORT RequestId: 276ff3b9-1609-4ee7-a288-db3752630767\tDuration: 10935.70 ms\tBilled Duration: 10936 ms\tMemory Size: 1024 MB\tMax Memory Used: 1024 MB\tStatus: error\tError Type: Runtime.OutOfMemory
XRAY TraceId: 1-6ac7d556-032906e375c910cf42cb849e\tSegmentId: 90cbc97f4ee64a7f\tSampled: true
17:43:27 START RequestId: 054d8776-b852-42f6-a1a6-752552daea41 Version: $LATEST
17:43:27 [contracts] cadence map: 1826 artifacts resolvable
17:53:27 REPORT RequestId: 054d8776-b852-42f6-a1a6-752552daea41\tDuration: 600000.00 ms\tBilled Duration: 600000 ms\tMemory Size: 1024 MB\tMax Memory Used: 1024 MB\tStatus: timeout
17:56:54 START RequestId: c14902aa-5807-41ca-a1b7-40cc90a7a544 Version: $LATEST
EOF
tabs >"$T/clk/search/s.log" <<'EOF'
21:00:54  INIT_START Runtime Version: python:3.12.mainlinev2.v7\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:2b830756
21:00:55  [ERROR] Runtime.ImportModuleError: Unable to import module 'search': No module named 'search'
Traceback (most recent call last):
21:00:55  INIT_REPORT Init Duration: 80.49 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ImportModuleError
21:00:55  START RequestId: 12131914-ade7-4b3b-adbf-f01e971190d5 Version: $LATEST
21:00:55  END RequestId: 12131914-ade7-4b3b-adbf-f01e971190d5
21:00:55  REPORT RequestId: 12131914-ade7-4b3b-adbf-f01e971190d5\tDuration: 98.71 ms\tBilled Duration: 99 ms\tMemory Size: 512 MB\tMax Memory Used: 46 MB\tStatus: error\tError Type: Runtime.ImportModuleError
EOF
tabs >"$T/clk/app/s.log" <<'EOF'
START RequestId: 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0 Version: $LATEST
12:00:01 fetching page 1
12:00:02.250 fetching page 2
END RequestId: 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0
REPORT RequestId: 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB
EOF
"$OBSAGENT" --once -q --db "$T/clk.db" "$T/clk" >"$T/out" 2>&1 || fail "clock probe: import" "$T/out"
check_eq "clock probe: invocations, outcomes, cold starts, memory" \
    "$(sql "$T/clk.db" "SELECT request_id, outcome_name, cold, duration, memory_size, max_memory_used, error_type
                        FROM invocations_v ORDER BY request_id")" \
    "$(printf '%s\n' '054d8776-b852-42f6-a1a6-752552daea41|timeout|0|600000.0|1024000000|1024000000|' \
        '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0|ok|0|1.0|128000000|60000000|' \
        '12131914-ade7-4b3b-adbf-f01e971190d5|error|0|98.71|512000000|46000000|Runtime.ImportModuleError' \
        '276ff3b9-1609-4ee7-a288-db3752630767|oom|0|10935.7|1024000000|1024000000|Runtime.OutOfMemory' \
        '8d5958b5-559f-43f3-b278-b71dd7dd0e01|ok|1|2.46|1024000000|95000000|' \
        'c14902aa-5807-41ca-a1b7-40cc90a7a544|ok|0||||')"
check_eq "clock probe: no time of day left before a platform line" \
    "$(sql "$T/clk.db" "SELECT count(*) FROM events WHERE message GLOB '[0-9][0-9]:[0-9][0-9]:[0-9][0-9]* *_*'
                        AND (message LIKE '%RequestId:%' OR message LIKE '%INIT_%')")" 0
check_eq "clock probe: an application's own time of day is kept" \
    "$(sql "$T/clk.db" "SELECT message FROM events e JOIN streams s ON s.id = e.stream_id
                        WHERE s.function = 'app' AND message LIKE '12:%' ORDER BY e.id")" \
    "$(printf '12:00:01 fetching page 1\n12:00:02.250 fetching page 2')"

# ---- JSON messages a tool pretty-printed over several lines --------------------
# `sam logs` prints a message that is a JSON object indented after its prefix
# (samcli CWJsonFormatter, indent 2); `aws logs tail --format json` prints a
# header, the time and the stream, then any JSON message indented on the lines
# after it (indent 4). Each is one CloudWatch event: joined back, kept as
# printed, read as the same message (compared here through SQLite's json()).
# Every real stream, the JSON log format's too.
all_files=$(cd "$REAL" && node -e '
    const e = require("./expected.json").files;
    for (const [f, v] of Object.entries(e)) if (!v.wrapper) console.log(f);')
compact_of() {
    sql "$1" "SELECT CASE WHEN json_valid(message) THEN json(message) ELSE message END FROM events ORDER BY id" | awk 'NF'
}
# read_as_plain LABEL DB PLAIN_DB — DB holds what the plain import holds: the
# same messages (JSON compacted), invocations, and JSON messages read the same
read_as_plain() {
    check_eq "$1: the same messages" "$(compact_of "$2")" "$(compact_of "$3")"
    check_eq "$1: the same invocations" "$(invocations_of "$2")" "$(invocations_of "$3")"
    check_eq "$1: JSON messages read the same" \
        "$(sql "$2" "SELECT kind, type, level, outcome, request_id FROM events WHERE json_valid(message) ORDER BY id")" \
        "$(sql "$3" "SELECT kind, type, level, outcome, request_id FROM events WHERE json_valid(message) ORDER BY id")"
}
n=0
for f in $all_files; do
    fn=${f%%/*}
    mkdir -p "$T/plainj/$fn"
    cp "$REAL/$f" "$T/plainj/$fn/s.log"
    "$OBSAGENT" --once -q --db "$T/plainj.$fn.db" "$T/plainj/$fn/s.log" >/dev/null 2>&1 || fail "$f: plain import"
    for fmt in sam-logs-json tail-json; do
        mkdir -p "$T/$fmt/$fn"
        node "$HERE/../realworld/wrap.js" "$fmt" "$REAL/$f" "$BASE" "$STREAM" >"$T/$fmt/$fn/s.log"
        db=$T/$fmt.$fn.db
        "$OBSAGENT" --once -q --db "$db" "$T/$fmt/$fn/s.log" >"$T/out" 2>&1 || fail "$f as $fmt: import" "$T/out"
        read_as_plain "$f as $fmt" "$db" "$T/plainj.$fn.db"
        check_eq "$f as $fmt: every event at its wrapper's time" \
            "$(sql "$db" "SELECT count(*) FROM events WHERE flags & (16 | 32 | 128) OR (ts - $BASE) % 7 != 0")" 0
        check_eq "$f as $fmt: in the stream the wrapper names" \
            "$(sql "$db" "SELECT DISTINCT s.stream FROM events e JOIN streams s ON s.id = e.stream_id")" "$STREAM"
        n=$((n + 1))
    done
done
check "pretty-printed $n inputs (at least 30)" test "$n" -ge 30

# ---- the console's expanded view copied ----------------------------------------
# Each event: its time alone on a line, the message (a JSON object pretty-printed),
# an empty line, then Copy and the message again on one line, or the compact JSON.
# One event per time line, at that time, the message once: the same messages, read
# the same, as the plain import's (a REPORT's XRAY line, the same event's second
# line here, takes the time before it, as in an export). Every real stream.
n=0
for f in $all_files; do
    fn=${f%%/*}
    fmt=console-expanded
    mkdir -p "$T/$fmt/$fn"
    node "$HERE/../realworld/wrap.js" "$fmt" "$REAL/$f" "$BASE" "$STREAM" >"$T/$fmt/$fn/s.log"
    db=$T/$fmt.$fn.db
    "$OBSAGENT" --once -q --db "$db" "$T/$fmt/$fn/s.log" >"$T/out" 2>&1 || fail "$f as $fmt: import" "$T/out"
    read_as_plain "$f as $fmt" "$db" "$T/plainj.$fn.db"
    check_eq "$f as $fmt: every event at its time line's time" \
        "$(sql "$db" "SELECT count(*) FROM events WHERE flags & (16 | 32 | 128) AND NOT (flags & (32 | 128) = 0
                      AND message LIKE 'XRAY TraceId:%') OR (ts - $BASE) % 7 != 0")" 0
    check_eq "$f as $fmt: no line of the console's own stored" \
        "$(sql "$db" "SELECT count(*) FROM events WHERE message = 'Copy' OR message GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*-05:00'")" 0
    # a JSON message's second copy is the line Lambda wrote: stored as it wrote it
    check_eq "$f as $fmt: JSON messages stored as written, not as printed" \
        "$(sql "$db" "SELECT message FROM events WHERE json_valid(message) ORDER BY id")" \
        "$(sql "$T/plainj.$fn.db" "SELECT message FROM events WHERE json_valid(message) ORDER BY id")"
    n=$((n + 1))
done
check "expanded $n inputs (at least 15)" test "$n" -ge 15

# the probe's shape (a public GitHub log, shortened): one event over two lines (one
# event: its second line is the message's, as the console printed it; its error type
# the invocation's), its second copy joined with a space; the offset applied; the console's own lines
# counted, not stored; a line after Copy that is not the message again is stored
mkdir -p "$T/exp/myIPFunctionGo"
tabs >"$T/exp/myIPFunctionGo/2024-02-25.log" <<'EOF'
2024-02-25T14:36:29.053-05:00
START RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c Version: $LATEST

Copy
START RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c Version: $LATEST

2024-02-25T14:36:29.075-05:00
RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]
Runtime.InvalidEntrypoint

Copy
RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap] Runtime.InvalidEntrypoint

2024-02-25T14:36:29.076-05:00
END RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c

Copy
END RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c

2024-02-25T14:36:29.077-05:00
REPORT RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c\tDuration: 30.32 ms\tBilled Duration: 31 ms\tMemory Size: 128 MB\tMax Memory Used: 2 MB\t

Copy
not the message again
EOF
"$OBSAGENT" --once --db "$T/exp.db" "$T/exp" >"$T/out" 2>&1 || fail "expanded probe: import" "$T/out"
check_eq "expanded probe: each message once, at its time" \
    "$(sql "$T/exp.db" "SELECT ts, message FROM events ORDER BY id")" \
    "$(printf '%s\n' '1708889789053|START RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c Version: $LATEST' \
        "1708889789075|RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]" \
        'Runtime.InvalidEntrypoint' \
        '1708889789076|END RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c' \
        "$(printf '1708889789077|REPORT RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c\tDuration: 30.32 ms\tBilled Duration: 31 ms\tMemory Size: 128 MB\tMax Memory Used: 2 MB\t')" \
        '1708889789077|not the message again')"
check_eq "expanded probe: the invocation" \
    "$(sql "$T/exp.db" "SELECT request_id, outcome_name, duration, error_type FROM invocations_v")" \
    'd619c06a-7b1b-40e8-95d9-5adf1b31983c|error|30.32|Runtime.InvalidEntrypoint'
check_grep "expanded probe: the console's own lines counted" "$T/out" \
    '24 new lines: 5 stored as events, 7 empty lines \(not stored\), 11 lines of the wrapper.s own.*1 continuation lines joined'

# a Node.js function in the JSON log format (the probe's shape, shortened): each JSON
# message pretty-printed, an empty line, then the line Lambda wrote (compact, no Copy).
# That line is the message as CloudWatch holds it, so @message is it: Logs Insights'
# `like` on the compact text finds what it finds in CloudWatch. The last event's copy
# was cut off: its printed lines are the message, joined
mkdir -p "$T/expj/tenner-notifier"
cat >"$T/expj/tenner-notifier/2026-10-08.log" <<'EOF'
2026-10-08T07:30:28.235Z
{
    "time": "2026-10-08T07:30:28.235Z",
    "type": "platform.start",
    "record": {
        "requestId": "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36",
        "version": "$LATEST"
    }
}

{"time":"2026-10-08T07:30:28.235Z","type":"platform.start","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","version":"$LATEST"}}
2026-10-08T07:30:29.443Z
{
    "timestamp": "2026-10-08T07:30:29.443Z",
    "level": "ERROR",
    "requestId": "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36",
    "message": "{\"level\":\"ERROR\",\"message\":\"Widget update failed\"}"
}

{"timestamp":"2026-10-08T07:30:29.443Z","level":"ERROR","requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","message":"{\"level\":\"ERROR\",\"message\":\"Widget update failed\"}"}
2026-10-08T07:30:29.450Z
{
    "timestamp": "2026-10-08T07:30:29.450Z",
    "level": "INFO",
    "requestId": "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36",
    "message": "done"
}

{"timestamp":"2026-10-08T07:30:29.450Z","level":"INFO","requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","message":"done"}
2026-10-08T07:30:29.452Z
{
    "timestamp": "2026-10-08T07:30:29.452Z",
    "level": "ERROR",
    "requestId": "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36",
    "message": "retry failed"
}

{"timestamp":"2026-10-08T07:30:29.452Z","level":"ERROR","requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","message":"retry failed"}
2026-10-08T07:30:29.470Z
{
    "time": "2026-10-08T07:30:29.470Z",
    "type": "platform.report",
    "record": {
        "requestId": "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36",
        "metrics": {
            "durationMs": 1233.96
        },
        "status": "success"
    }
}
EOF
"$OBSAGENT" --once --db "$T/expj.db" "$T/expj" >"$T/out" 2>&1 || fail "expanded JSON: import" "$T/out"
grep '^{"' "$T/expj/tenner-notifier/2026-10-08.log" >"$T/expj.compact"
check_eq "expanded JSON: like /\"level\":\"ERROR\"/ finds the compact lines' records" \
    "$("$OBSQ" --db "$T/expj.db" 'filter @message like /"level":"ERROR"/ | stats count(*) as n' 2>&1 | tail -n 1)" \
    "$(grep -c '"level":"ERROR"' "$T/expj.compact")"
check_eq "expanded JSON: like /\"requestId\":\"79b5e81f/ too" \
    "$("$OBSQ" --db "$T/expj.db" 'filter @message like /"requestId":"79b5e81f/ | stats count(*) as n' 2>&1 | tail -n 1)" \
    "$(grep -c '"requestId":"79b5e81f' "$T/expj.compact")"
check_eq "expanded JSON: each message the line Lambda wrote, the cut one as printed" \
    "$(sql "$T/expj.db" "SELECT CASE WHEN message LIKE '{' || char(10) || '%' THEN json(message) ELSE message END FROM events ORDER BY id")" \
    "$(cat "$T/expj.compact"; printf '%s' '{"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","metrics":{"durationMs":1233.96},"status":"success"}}')"
check_eq "expanded JSON: read the same (levels, request ids, the invocation)" \
    "$(sql "$T/expj.db" "SELECT level, request_id FROM events ORDER BY id; SELECT request_id, outcome_name, duration FROM invocations_v")" \
    "$(printf '%s\n' '|79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36' 'ERROR|79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36' \
        'INFO|79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36' 'ERROR|79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36' \
        '|79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36' '79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36|ok|1233.96')"
check_grep "expanded JSON: the printed copies counted as the console's own lines" "$T/out" \
    '50 new lines: 5 stored as events, 4 empty lines \(not stored\), 31 lines of the wrapper.s own.*10 continuation lines joined into 1 multi-line'

# ---- a message's later lines, printed without the prefix -----------------------
# `sam logs`, `aws logs tail` (short and default), an S3 export, a console copy and a
# viewer's time of day print their prefix once per CloudWatch event: a line without it
# is the event's own, whatever it looks like (tests/realworld: the sam logs of
# fastapi-chatbot-python-samlogs, "Unknown application error occurred" then a bare
# "Runtime.Unknown": one event, its error type the invocation's). A bare platform
# line of Lambda's stays an event of its own, even under a forced wrapper.
"$OBSAGENT" --once --db "$T/bare.db" "$REAL/fastapi-chatbot-python-samlogs/2024-08-18-import-error.log" \
    >"$T/out" 2>&1 || fail "sam logs' bare lines: import" "$T/out"
check_eq "sam logs' bare lines: 12 lines, 9 events" "$(sql "$T/bare.db" "SELECT count(*) FROM events")" 9
check_eq "sam logs' bare lines: the crash event whole, an error_type event" \
    "$(sql "$T/bare.db" "SELECT kind, error_type FROM events WHERE message = 'Unknown application error occurred' || char(10) || 'Runtime.Unknown'")" \
    '12|Runtime.Unknown'
check_eq "sam logs' bare lines: the invocation failed with Runtime.Unknown" \
    "$(sql "$T/bare.db" "SELECT outcome_name, error_type FROM invocations_v")" 'error|Runtime.Unknown'
check_grep "sam logs' bare lines: said as joined" "$T/out" '3 continuation lines joined into 3 multi-line events'
RID=7e1b3d8a-0000-4000-8000-00000000abcd
for fmt in sam-logs tail tail-long console console-table clock; do
    case $fmt in
    sam-logs) p1="$STREAM 2024-05-06T00:00:01.000000 "; p2="$STREAM 2024-05-06T00:00:02.000000 " ;;
    tail) p1='2024-05-06T00:00:01.000Z '; p2='2024-05-06T00:00:02.000Z ' ;;
    tail-long) p1="2024-05-06T00:00:01.000000+00:00 $STREAM "; p2="2024-05-06T00:00:02.000000+00:00 $STREAM " ;;
    console) p1='2024-05-06T02:00:01.000+02:00	'; p2='2024-05-06T02:00:02.000+02:00	' ;;
    console-table) p1='2024-05-06T02:00:01.000+02:00 | '; p2='  | 2024-05-06T02:00:02.000+02:00 | ' ;;
    clock) p1='00:00:01 '; p2='00:00:02 ' ;;
    esac
    mkdir -p "$T/bare-$fmt/fn"
    {
        printf '%sSTART RequestId: %s Version: $LATEST\n' "$p1" "$RID"
        printf '%s2024-05-06T00:00:01.500Z\t%s\tINFO\tfirst line\n' "$p1" "$RID"
        printf 'second line, no prefix\n'
        printf '{"not": "its own"}\n'
        printf '%sEND RequestId: %s\n' "$p2" "$RID"
        printf '%sREPORT RequestId: %s\tDuration: 1.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t\n' "$p2" "$RID"
    } >"$T/bare-$fmt/fn/s.log"
    "$OBSAGENT" --once --db "$T/bare-$fmt.db" "$T/bare-$fmt/fn/s.log" >"$T/out" 2>&1 ||
        fail "bare lines under $fmt: import" "$T/out"
    check_eq "bare lines under $fmt: the Node line's event holds them" \
        "$(sql "$T/bare-$fmt.db" "SELECT level, replace(message, char(10), '|') FROM events WHERE kind = 1")" \
        "$(printf 'INFO|2024-05-06T00:00:01.500Z\t%s\tINFO\tfirst line|second line, no prefix|{"not": "its own"}' "$RID")"
    check_eq "bare lines under $fmt: 4 events" "$(sql "$T/bare-$fmt.db" "SELECT count(*) FROM events")" 4
done
mkdir -p "$T/bare-forced/fn"
printf '%s 2024-05-06T00:00:01.000000 [ERROR] boom\nSTART RequestId: %s Version: $LATEST\n' "$STREAM" "$RID" \
    >"$T/bare-forced/fn/s.log"
"$OBSAGENT" --once --format sam-logs --db "$T/bare-forced.db" "$T/bare-forced/fn/s.log" >"$T/out" 2>&1 ||
    fail "a bare START under a forced wrapper: import" "$T/out"
check_eq "a bare START under a forced wrapper: an event of its own" \
    "$(sql "$T/bare-forced.db" "SELECT kind FROM events ORDER BY id")" "$(printf '1\n2')"

# ---- sam logs --include-traces -----------------------------------------------------
# X-Ray's traces and service graphs among the events, without the prefix (samcli
# xray_event_mappers.py; made up in its format): SAM's own lines, not CloudWatch
# events: not stored, counted and said; the REPORT before them keeps no line of them.
mkdir -p "$T/traces/HelloWorldFunction"
S='2023/02/20/[$LATEST]9c1f0e2d3a4b5c6d7e8f90a1b2c3d4e5'
R=5b7ac1b8-0d3c-4f2e-9a1b-2c3d4e5f6a7b
tabs >"$T/traces/HelloWorldFunction/sam.log" <<EOF
$S 2023-02-20T23:05:14.341000 START RequestId: $R Version: \$LATEST
$S 2023-02-20T23:05:16.900000 END RequestId: $R
$S 2023-02-20T23:05:16.900000 REPORT RequestId: $R\tDuration: 2429.12 ms\tBilled Duration: 2430 ms\tMemory Size: 256 MB\tMax Memory Used: 88 MB\t

New XRay Service Graph
  Start time: 2023-02-20 23:05:16+00:00
  End time: 2023-02-20 23:05:18+00:00
  Reference Id: 0 - (Root) AWS::Lambda - sam-app-HelloWorldFunction - Edges: []
   Summary_statistics:
     - total requests: 1
     - total response time: 2.814

XRay Event [revision 3] at (2023-02-20T23:05:16.521000) with id (1-63f38c2c-270200bf1d292a442c8e8a00) and duration (2.877s)
 - 2.839s - sam-app/Prod [HTTP: 200]
   - 2.836s - Lambda [HTTP: 200]
 - 2.429s - sam-app-HelloWorldFunction
$S 2023-02-20T23:05:20.000000 START RequestId: 6b7ac1b8-0d3c-4f2e-9a1b-2c3d4e5f6a7b Version: \$LATEST
EOF
"$OBSAGENT" --once --db "$T/traces.db" "$T/traces" >"$T/out" 2>&1 || fail "sam logs' traces: import" "$T/out"
check_eq "sam logs' traces: the log events alone, whole" \
    "$(sql "$T/traces.db" "SELECT type, instr(message, char(10)) FROM events ORDER BY id")" \
    "$(printf 'START|0\nEND|0\nREPORT|0\nSTART|0')"
check_grep "sam logs' traces: counted as SAM's own" "$T/out" \
    "17 new lines: 4 stored as events, 2 empty lines \(not stored\), 11 lines of the wrapper.s own .*X-Ray traces"
check_eq "sam logs' traces: the invocation" \
    "$(sql "$T/traces.db" "SELECT duration FROM invocations_v WHERE request_id = '$R'")" 2429.12

# ---- the Serverless Framework's sls logs -----------------------------------------
# (format-lambda-log-event.js; made up in its format) v4 keeps the request id after
# "-": its invocation whole, the REPORT's numbers from the line after it; v3 drops it:
# its "END Duration: ..." is a REPORT tied to no invocation, and its "START" alone is
# counted unrecognised, never passed over in silence.
mkdir -p "$T/sls4/hello" "$T/sls3/hello"
tabs >"$T/sls4/hello/sls.log" <<'EOF'
START - 3beb80df-4951-4348-b375-f9df632bc995 - Version: $LATEST
END - 3beb80df-4951-4348-b375-f9df632bc995
REPORT - 3beb80df-4951-4348-b375-f9df632bc995
Duration: 937.73 ms\tBilled Duration: 1142 ms\tMemory Size: 128 MB\tMax Memory Used: 47 MB\tInit Duration: 203.47 ms\t
EOF
tabs >"$T/sls3/hello/sls.log" <<'EOF'
START
2022-02-11 13:42:10.457\tINFO\tHello world!
END Duration: 3.22 ms\tBilled Duration: 4 ms\tMemory Size: 1024 MB\tMax Memory Used: 55 MB\tInit Duration: 198.57 ms
EOF
"$OBSAGENT" --once --db "$T/sls4.db" "$T/sls4" >"$T/out" 2>&1 || fail "sls logs v4: import" "$T/out"
check_eq "sls logs v4: the invocation whole" \
    "$(sql "$T/sls4.db" "SELECT request_id, duration, billed_duration, init_duration, cold FROM invocations")" \
    '3beb80df-4951-4348-b375-f9df632bc995|937.73|1142.0|203.47|1'
"$OBSAGENT" --once --db "$T/sls3.db" "$T/sls3" >"$T/out" 2>&1 || fail "sls logs v3: import" "$T/out"
check_eq "sls logs v3: END's numbers read as a REPORT" \
    "$(sql "$T/sls3.db" "SELECT duration, billed_duration FROM events WHERE kind = 4")" '3.22|4.0'
check_grep "sls logs v3: START and END said unrecognised" "$T/out" 'unrecognised 2 lines look like'

# ---- other logs' own fields are no wrapper ------------------------------------
# A word then a time with a zone (Route 53's query log "<version> <time>Z ...",
# an ALB's "<type> <time>Z ...") is not `sam logs`' "<stream> <time>": SAM
# prints a naive UTC time. The lines stay whole, in the path's stream.
mkdir -p "$T/other/r53"
cat >"$T/other/r53/s1.log" <<'EOF'
1.0 2026-11-01T00:00:00.000Z Z123FAKE example0.com A NOERROR UDP IAD79-C3 192.0.2.0 -
1.0 2026-11-01T00:01:00.000Z Z123FAKE example1.com AAAA SERVFAIL UDP IAD79-C3 192.0.2.1 -
http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - -
EOF
"$OBSAGENT" --once -q --db "$T/other.db" "$T/other" >"$T/out" 2>&1 || fail "other logs: import" "$T/out"
check_eq "other logs: each line whole" "$(lines_of "$T/other.db")" "$(cat "$T/other/r53/s1.log")"
check_eq "other logs: in the path's stream" \
    "$(sql "$T/other.db" "SELECT DISTINCT s.function || ' ' || s.stream FROM events e JOIN streams s ON s.id = e.stream_id")" "r53 s1"

# ---- documents: each line one CloudWatch event -------------------------------
# The file sits in a directory named "dl" (a download folder): a document that
# names the log group names the function; one that does not (filter-log-events,
# get-query-results) leaves the path's. A Logs Insights export is newest first:
# its lines are compared in time order.
TASK=0f2b9b3e-6b1a-4c55-9d7e-2a1f3c4d5e6f
lines_by_time() { sql "$1" "SELECT message FROM events ORDER BY ts, id" | awk 'NF'; }
n=0
for f in $files; do
    fn=${f%%/*}
    for fmt in events-json events-lines insights-json query-results insights-csv subscription export-gz; do
        case $fmt in
        insights-csv) file=$T/$fmt/$fn/dl/logs-insights-results.csv; want_fn=$fn ;;
        subscription) file=$T/$fmt/$fn/dl/to-firehose-1-2024-05-06-00-00-00-7b1c; want_fn=$fn ;;
        export-gz) file=$T/$fmt/exports/$fn/$TASK/$STREAM/000000.gz; want_fn=$fn ;;
        insights-json) file=$T/$fmt/$fn/dl/logs-insights-results.json; want_fn=$fn ;;
        *) file=$T/$fmt/$fn/dl/$fmt.json; want_fn=dl ;;
        esac
        mkdir -p "$(dirname "$file")"
        node "$HERE/../realworld/wrap.js" "$fmt" "$REAL/$f" "$BASE" "$STREAM" "$fn" >"$file"
        db=$T/$fmt.$fn.db
        "$OBSAGENT" --once -q --db "$db" "$file" >"$T/out" 2>&1 || fail "$f as $fmt: import" "$T/out"
        check_eq "$f as $fmt: the same lines" "$(lines_by_time "$db")" "$(lines_of "$T/plain.$fn.db")"
        check_eq "$f as $fmt: the same invocations" "$(invocations_of "$db")" "$(invocations_of "$T/plain.$fn.db")"
        # (an export writes a record's second line, the REPORT's XRAY line, without
        # the time: it takes the time of the line before it, flag 16)
        check_eq "$f as $fmt: every event at its record's time" \
            "$(sql "$db" "SELECT count(*) FROM events WHERE flags & (16 | 32 | 128) AND NOT ('$fmt' = 'export-gz'
                          AND flags & (32 | 128) = 0 AND message LIKE 'XRAY TraceId:%') OR (ts - $BASE) % 7 != 0")" 0
        check_eq "$f as $fmt: in the stream and function the record names" \
            "$(sql "$db" "SELECT DISTINCT s.function || ' ' || s.stream FROM events e JOIN streams s ON s.id = e.stream_id")" \
            "$want_fn $STREAM"
        n=$((n + 1))
    done
done
check "imported $n documents (at least 60)" test "$n" -ge 60
finish
