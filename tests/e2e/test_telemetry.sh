#!/bin/sh
# tests/e2e/test_telemetry.sh — the Lambda Telemetry API receiver and the
# extension mode. (1) Batches POSTed to --telemetry-listen are stored as the
# JSON log format would give them: platform records as invocations (cold
# start, durations, memory, outcome), function records (text lines and JSON
# records) as application lines, routed by the URL (/FUNCTION?stream=S),
# platform.logsDropped counted; a body that is not a JSON array is a 400, a
# body over the limit a 413, other paths and methods 404/405. (2) With the
# store locked and the buffer full the receiver answers 503 (Lambda retries)
# and every batch ends up stored once. (3) --extension against a test double
# of the Extensions and Telemetry APIs (tests/e2e/runtime_api_double.js; no
# real Lambda runtime runs here): it registers, subscribes, takes N
# invocations' telemetry, stops by itself at SHUTDOWN with exit 0, and the
# store holds every invocation once.
. "$(dirname "$0")/lib.sh"
need obsagent
command -v node >/dev/null || { fail "node is needed (make deps)"; finish; }
HERE=$(cd "$(dirname "$0")" && pwd)
DB=$T/t.db
AGENT_PID=
trap 'kill -KILL ${AGENT_PID:-} ${DOUBLE:-} 2>/dev/null; rm -rf "$T"' EXIT

# post METHOD URL FILE: the HTTP status and body, on one line
post()
{
    node -e '
        const http = require("http"), fs = require("fs");
        const u = new URL(process.argv[2]), body = process.argv[3] ? fs.readFileSync(process.argv[3]) : "";
        const r = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: process.argv[1],
            headers: { "Content-Type": "application/json" } }, (res) => {
            let d = ""; res.on("data", (c) => (d += c)); res.on("end", () => console.log(res.statusCode + " " + d.trim()));
        });
        r.on("error", (e) => console.log("error " + e.message));
        r.end(body);' "$1" "$2" "${3:-}"
}
start_agent()   # LOG ARGS...
{
    _log=$1
    shift
    "$OBSAGENT" "$@" >"$_log" 2>&1 &
    AGENT_PID=$!
    _i=0
    until grep -q "network inputs receive" "$_log" 2>/dev/null; do
        sleep 0.1; _i=$((_i + 1))
        [ $_i -lt 50 ] && kill -0 "$AGENT_PID" 2>/dev/null || return 1
    done
}
stop_agent() { kill -TERM "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null; }

# ---- 1. the receiver -------------------------------------------------------------
P=$(free_port)
start_agent "$T/a1.log" --db "$DB" --telemetry-listen "127.0.0.1:$P" --function deflt ||
    { fail "the receiver starts" "$T/a1.log"; finish; }
check_grep "it says where it listens" "$T/a1.log" "Telemetry API receiver on http://127.0.0.1:$P/"
cat >"$T/batch.json" <<'JSON'
[{"time":"2026-11-22T00:00:15.064Z","type":"platform.initStart","record":{"functionName":"orders","functionVersion":"$LATEST","initializationType":"on-demand","phase":"init","runtimeVersion":"nodejs:20.v33"}},
 {"time":"2026-11-22T00:00:15.100Z","type":"platform.start","record":{"requestId":"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa","version":"$LATEST"}},
 {"time":"2026-11-22T00:00:15.200Z","type":"function","record":"2026-11-22T00:00:15.200Z\t6d68ca91-49c9-448d-89b8-7ca3e6dc66aa\tINFO\thello"},
 {"time":"2026-11-22T00:00:15.300Z","type":"function","record":{"timestamp":"2026-11-22T00:00:15.300Z","level":"ERROR","requestId":"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa","message":"boom"}},
 {"time":"2026-11-22T00:01:15.000Z","type":"platform.report","record":{"requestId":"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa","status":"success","metrics":{"billedDurationMs":694,"durationMs":693.92,"initDurationMs":397.68,"maxMemoryUsedMB":84,"memorySizeMB":128}}},
 {"time":"2026-11-22T00:02:35.000Z","type":"platform.logsDropped","record":{"droppedBytes":12345,"droppedRecords":123,"reason":"Some logs were dropped"}}]
JSON
check_eq "a batch is accepted" "$(post POST "http://127.0.0.1:$P/orders?stream=s1" "$T/batch.json")" "200 OK"
wait_sql "$DB" "SELECT count(*) FROM events" 6 || fail "the batch's 6 records are stored"
check_eq "routed by the URL: function and stream" \
    "$(sql "$DB" "SELECT DISTINCT function || ' ' || log_group || ' ' || stream FROM streams")" "orders /aws/lambda/orders s1"
check_eq "platform.report: the invocation, cold, its numbers" \
    "$(sql "$DB" "SELECT request_id, cold, duration, init_duration, memory_size, max_memory_used, outcome FROM invocations")" \
    "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa|1|693.92|397.68|128000000|84000000|0"
check_eq "function records: the text line and the JSON record, with their levels" \
    "$(sql "$DB" "SELECT level FROM events WHERE type IS NULL ORDER BY ts")" "INFO
ERROR"
check_eq "events take the elements' times" \
    "$(sql "$DB" "SELECT min(ts) || ' ' || max(ts) FROM events")" "1795305615064 1795305755000"
check_eq "a body that is not a JSON array: 400" "$(printf 'nope' >"$T/bad"; post POST "http://127.0.0.1:$P/" "$T/bad")" \
    "400 the body is not JSON"
check_eq "GET another path: 404" "$(post GET "http://127.0.0.1:$P/x" | cut -d' ' -f1)" 404
check_eq "DELETE: 405" "$(post DELETE "http://127.0.0.1:$P/" | cut -d' ' -f1)" 405
head -c 5000000 /dev/zero | tr '\0' ' ' >"$T/big"
check_eq "a body over 4 MiB: 413" "$(post POST "http://127.0.0.1:$P/" "$T/big" | cut -d' ' -f1)" 413
printf '[{"time":"2026-11-22T00:03:00.000Z","type":"function","record":"plain line"}]' >"$T/one.json"
check_eq "no function in the URL: --function" "$(post POST "http://127.0.0.1:$P/" "$T/one.json")" "200 OK"
wait_sql "$DB" "SELECT count(*) FROM streams WHERE function = 'deflt' AND stream = 'telemetry'" 1 ||
    fail "the default route is --function, stream telemetry"
stop_agent
for c in telemetry_batches:2 telemetry_lines:7 telemetry_rejected:1 telemetry_too_large:1 \
         telemetry_logs_dropped_records:123 telemetry_logs_dropped_bytes:12345; do
    check_eq "counter ${c%%:*}" "$(sql "$DB" "SELECT value FROM agent_counters WHERE name = '${c%%:*}'")" "${c#*:}"
done

# ---- 2. the store behind: 503, retried, nothing lost -------------------------------
DB=$T/busy.db
"$OBSAGENT" --once -q --db "$DB" --function x --stream x /dev/null >/dev/null 2>&1
P=$(free_port)
start_agent "$T/a2.log" --db "$DB" --telemetry-listen "127.0.0.1:$P" --emf-buffer 64K ||
    { fail "receiver on a small buffer" "$T/a2.log"; finish; }
store_lock "$DB" || fail "sqlite3 holds the write lock"
i=0; codes=
while [ $i -lt 12 ]; do
    node -e '
        const recs = []; for (let k = 0; k < 120; k++) recs.push({ time: new Date(1795305600000 + k).toISOString(),
            type: "function", record: "busy " + process.argv[1] + " " + k + " " + "x".repeat(150) });
        console.log(JSON.stringify(recs));' "$i" >"$T/b$i.json"
    codes="$codes $(post POST "http://127.0.0.1:$P/busy" "$T/b$i.json" | cut -d' ' -f1)"
    i=$((i + 1))
done
case $codes in *503*) pass "store locked, buffer full: 503 (Lambda retries)" ;; *) fail "no 503 while the store was locked: $codes" ;; esac
store_unlock
i=0
for c in $codes; do   # retry the refused ones, as Lambda does
    if [ "$c" != 200 ]; then
        _k=0
        until [ "$(post POST "http://127.0.0.1:$P/busy" "$T/b$i.json" | cut -d' ' -f1)" = 200 ] || [ $_k -ge 50 ]; do
            sleep 0.1; _k=$((_k + 1))
        done
    fi
    i=$((i + 1))
done
wait_sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = 'busy'" 1440 || true
check_eq "every line of the 12 batches stored once" \
    "$(sql "$DB" "SELECT count(*) || ' ' || count(DISTINCT message) FROM events e JOIN streams s ON s.id = e.stream_id
                  WHERE s.function = 'busy'")" "1440 1440"
stop_agent
check "the refusals are counted (telemetry_busy > 0)" \
    test "$(sql "$DB" "SELECT coalesce((SELECT value FROM agent_counters WHERE name = 'telemetry_busy'), 0)")" -gt 0

# ---- 2b. acknowledged means stored ------------------------------------------------------
# 20 batches, each answered 200, then SIGKILL: every record of them is in
# the store (a 200 is answered once the batch is committed; Lambda does not
# send an acknowledged batch again). Before, 0 of the 200 were.
DB=$T/ack.db
P=$(free_port)
start_agent "$T/a2b.log" --db "$DB" --telemetry-listen "127.0.0.1:$P" ||
    { fail "receiver for the SIGKILL test" "$T/a2b.log"; finish; }
i=0; codes=
while [ $i -lt 20 ]; do
    node -e '
        const recs = []; for (let k = 0; k < 10; k++) recs.push({ time: new Date(1795305600000 + k).toISOString(),
            type: "function", record: "acked " + process.argv[1] + " " + k });
        console.log(JSON.stringify(recs));' "$i" >"$T/k$i.json"
    codes="$codes$(post POST "http://127.0.0.1:$P/acked" "$T/k$i.json" | cut -d' ' -f1) "
    i=$((i + 1))
done
kill -KILL "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
check_eq "20 batches answered 200" "$codes" "$(printf '200 %.0s' $(seq 20))"
check_eq "... then SIGKILL: all 200 of their records are stored, once" \
    "$(sql "$DB" "SELECT count(*) || ' ' || count(DISTINCT message) FROM events WHERE message LIKE 'acked %'")" "200 200"

# ---- 3. extension mode against a test double of the Lambda APIs ----------------------
DB=$T/ext.db
D=$(free_port)
TP=$(free_port)
node "$HERE/runtime_api_double.js" "$D" orders-ext 5 >"$T/double.out" 2>&1 &
DOUBLE=$!
sleep 0.5
AWS_LAMBDA_RUNTIME_API="127.0.0.1:$D" "$OBSAGENT" --extension --db "$DB" --telemetry-listen "127.0.0.1:$TP" \
    >"$T/ext.log" 2>&1 &
AGENT_PID=$!
_i=0
while kill -0 "$AGENT_PID" 2>/dev/null && [ $_i -lt 150 ]; do sleep 0.1; _i=$((_i + 1)); done
if kill -0 "$AGENT_PID" 2>/dev/null; then
    fail "extension: the agent stops by itself at SHUTDOWN" "$T/ext.log"
    stop_agent
else
    wait "$AGENT_PID"
    check_eq "extension: exit 0 after SHUTDOWN" "$?" 0
fi
kill -TERM "$DOUBLE" 2>/dev/null
wait "$DOUBLE" 2>/dev/null
check_grep "extension: registered, and says where telemetry goes" "$T/ext.log" \
    "registered as a Lambda extension of orders-ext; Telemetry API delivers to http://127.0.0.1:$TP/orders-ext"
check_grep "extension: the APIs were used as documented (no error seen by the double)" "$T/double.out" \
    '^\{"errors":\[\],"registered":true,"subscribed":true,"nexts":[6-9],"batches":5,'
check_eq "extension: every invocation once, the first cold, the last a timeout" \
    "$(sql "$DB" "SELECT count(*), sum(cold), sum(outcome = 2), max(init_duration) FROM invocations")" "5|1|1|250.5"
check_eq "extension: function lines (text and JSON) of each invocation" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE kind = 1")" 10
check_eq "extension: stored under the function Lambda named, stream = the extension id" \
    "$(sql "$DB" "SELECT DISTINCT function || ' ' || stream FROM streams")" "orders-ext 8476a536-e9f4-11e8-9739-2dfe598c3fcd"
check_fail "--extension outside Lambda (no AWS_LAMBDA_RUNTIME_API) is an error" \
    env -u AWS_LAMBDA_RUNTIME_API "$OBSAGENT" --extension --db "$T/no.db"
check_grep "... saying so" "$T/.check.out" "AWS_LAMBDA_RUNTIME_API is not set"
finish
