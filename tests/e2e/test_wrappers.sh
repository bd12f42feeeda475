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
        check_eq "$f as $fmt: the same messages" "$(compact_of "$db")" "$(compact_of "$T/plainj.$fn.db")"
        check_eq "$f as $fmt: the same invocations" "$(invocations_of "$db")" "$(invocations_of "$T/plainj.$fn.db")"
        check_eq "$f as $fmt: JSON messages read the same" \
            "$(sql "$db" "SELECT kind, type, level, outcome, request_id FROM events WHERE json_valid(message) ORDER BY id")" \
            "$(sql "$T/plainj.$fn.db" "SELECT kind, type, level, outcome, request_id FROM events WHERE json_valid(message) ORDER BY id")"
        check_eq "$f as $fmt: every event at its wrapper's time" \
            "$(sql "$db" "SELECT count(*) FROM events WHERE flags & (16 | 32 | 128) OR (ts - $BASE) % 7 != 0")" 0
        check_eq "$f as $fmt: in the stream the wrapper names" \
            "$(sql "$db" "SELECT DISTINCT s.stream FROM events e JOIN streams s ON s.id = e.stream_id")" "$STREAM"
        n=$((n + 1))
    done
done
check "pretty-printed $n inputs (at least 30)" test "$n" -ge 30

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
