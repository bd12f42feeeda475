#!/bin/sh
# tests/e2e/test_memory_bounds.sh — the agent's memory follows its limits,
# not its input (docs/security.md, "Bounds"): 60 TCP connections each
# holding 900 KB of a document without its newline stay under
# --emf-buffer 2M (before: 74 MB held, outside the buffer), the documents
# cut are counted (emf_frames_over_buffer) and said, and the endpoint still
# stores the next document; a /metrics scrape of a store of 20,000
# functions holds --metrics-max-series of them and says how many it left
# out (obs_scrape_series_left_out). Memory is the agent's VmHWM
# (/proc/PID/status).
. "$(dirname "$0")/lib.sh"
need obsagent
command -v node >/dev/null || { fail "node is needed (make deps)"; finish; }
DB=$T/obs.db
AGENT_PID=
trap 'kill -KILL ${AGENT_PID:-} 2>/dev/null; rm -rf "$T"' EXIT

hwm_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }

# start_agent LOG WAITFOR ARGS...: follow mode, no paths; sets AGENT_PID
start_agent()
{
    _log=$1 _say=$2
    shift 2
    # under AddressSanitizer (make test SANITIZE=…), freed memory waits in
    # its quarantine (256 MB by default) and would count as the agent's:
    # a small one keeps the measure about the program
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1" \
        "$OBSAGENT" --db "$DB" "$@" >"$_log" 2>&1 &
    AGENT_PID=$!
    _i=0
    until grep -q "$_say" "$_log" 2>/dev/null; do
        sleep 0.1
        _i=$((_i + 1))
        if [ $_i -ge 50 ] || ! kill -0 "$AGENT_PID" 2>/dev/null; then
            return 1
        fi
    done
}

stop_agent()
{
    kill -TERM "$AGENT_PID" 2>/dev/null
    wait "$AGENT_PID"
    _rc=$?
    AGENT_PID=
    return $_rc
}

# ---- partial documents count against --emf-buffer ---------------------------------
PORT=$(free_port)
start_agent "$T/a.log" "network inputs receive" --emf-listen "tcp://127.0.0.1:$PORT" --emf-buffer 2M ||
    { fail "obsagent listens" "$T/a.log"; finish; }
base=$(hwm_kb "$AGENT_PID")
node -e '
    const net = require("net"), port = +process.argv[1], part = "{\"a\":\"" + "x".repeat(900 * 1024);
    let sent = 0;
    const socks = [];
    for (let i = 0; i < 60; i++) {
        const s = net.connect(port, "127.0.0.1", () => s.write(part, () => { if (++sent === 60) done(); }));
        s.on("error", () => {});
        socks.push(s);
    }
    function done() {
        setTimeout(() => {
            const d = JSON.stringify({ _aws: { Timestamp: Date.now(), LogGroupName: "/aws/lambda/after",
                CloudWatchMetrics: [] }, after: 1 }) + "\n";
            const c = net.connect(port, "127.0.0.1", () => c.end(d, () => {
                setTimeout(() => { socks.forEach((s) => s.destroy()); console.log("sent 60"); }, 500);
            }));
        }, 1000);
    }' "$PORT" >"$T/client.out" 2>&1
check_grep "the client held 60 partial documents" "$T/client.out" "^sent 60"
peak=$(hwm_kb "$AGENT_PID")
grew=$((peak - base))
# the bound: 2 MB of partial documents, 2 MB queued, 60 x 64 KiB of read
# buffers, one 1 MB frame; 32 MB leaves room for AddressSanitizer's
# shadow (its quarantine is kept small above)
check "60 x 900 KB of partial documents: the agent grew by under 32 MB ($grew KB; before: 74 MB)" \
    test "$grew" -lt 32768
check "a document after them is stored" wait_sql "$DB" \
    "SELECT count(*) FROM events WHERE message LIKE '%\"after\":1%'" 1
check_grep "the agent says it dropped unfinished documents" "$T/a.log" \
    "dropped a TCP document not yet ended: unfinished documents hold as much as the buffer \\(--emf-buffer\\)"
check "stops cleanly" stop_agent
n=$(sql "$DB" "SELECT value FROM agent_counters WHERE name = 'emf_frames_over_buffer'")
check "the dropped documents are counted: emf_frames_over_buffer ($n) >= 50" test "${n:-0}" -ge 50

# ---- a scrape of 20,000 functions holds --metrics-max-series ----------------------
DB=$T/many.db
"$OBSAGENT" --once -q --db "$DB" /dev/null >/dev/null 2>&1
sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
               INSERT INTO rollup_hour(function, hour, events, invocations)
               SELECT printf('fn%05d', i), 1795305600000, 3, 1 FROM n" || fail "functions inserted"
MPORT=$(free_port)
OBS_EMF_LISTEN=off start_agent "$T/m.log" "Prometheus metrics on" --metrics-listen "127.0.0.1:$MPORT" \
    --metrics-max-series 1000 || { fail "obsagent serves /metrics" "$T/m.log"; finish; }
base=$(hwm_kb "$AGENT_PID")
node -e '
    require("http").get("http://127.0.0.1:" + process.argv[1] + "/metrics", (r) => {
        const c = [];
        r.on("data", (d) => c.push(d));
        r.on("end", () => process.stdout.write(Buffer.concat(c)));
    });' "$MPORT" >"$T/scrape" 2>&1
grew=$(($(hwm_kb "$AGENT_PID") - base))
check_eq "the scrape has 1000 functions" "$(grep -c '^obs_lambda_invocations_total{' "$T/scrape")" 1000
check_grep "... the first by name" "$T/scrape" '^obs_lambda_invocations_total{function="fn01000"} 1$'
check_grep "... and says how many it left out" "$T/scrape" '^obs_scrape_series_left_out{kind="function"} 19000$'
check "... in under 16 MB ($grew KB)" test "$grew" -lt 16384
check "stops cleanly" stop_agent
finish
