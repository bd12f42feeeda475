#!/bin/sh
# tests/e2e/test_prometheus.sh — obsagent's /metrics. A generated corpus
# is imported, then `obsagent --db DB --metrics-listen` (no paths) serves
# it: per function the invocations, errors, timeouts, crashes, OOM kills,
# cold starts, throttle lines and duration sums equal lambdagen's truth,
# the histograms' counts the REPORT lines, the EMF summaries and the agent
# counters the store's; promtool (Prometheus's own parser and linter)
# accepts the text. Then Debian's prometheus scrapes the agent every second
# and its HTTP API answers the same values. In follow mode the counters
# grow as files arrive and never go down. Hostile clients: another path
# gets 404, another method 405, a 40 KB header 431, and a client trickling
# its headers is cut after about 10 s; a non-loopback address needs
# --listen-public.
. "$(dirname "$0")/lib.sh"
need obsagent lambdagen
for _p in node prometheus promtool; do
    if ! command -v "$_p" >/dev/null 2>&1; then
        fail "$_p not found: this test needs node and Debian's prometheus (run 'make deps' as root)"
        finish
    fi
done
DB=$T/obs.db
PIDS=
trap 'for _p in $PIDS; do kill -KILL "$_p" 2>/dev/null; done; rm -rf "$T"' EXIT


# get.js URL OUT [METHOD] [BIG-HEADER-BYTES]: prints the status (and the
# content type on a second line); the body goes to OUT
cat >"$T/get.js" <<'EOF'
const http = require('http');
const [url, out, method, big] = process.argv.slice(2);
const headers = big ? { 'X-Big': 'a'.repeat(+big) } : {};
const req = http.request(url, { method: method || 'GET', headers, timeout: 15000 }, (r) => {
    const chunks = [];
    r.on('data', (d) => chunks.push(d));
    r.on('end', () => {
        require('fs').writeFileSync(out, Buffer.concat(chunks));
        console.log(r.statusCode);
        console.log(r.headers['content-type'] || '');
    });
});
req.on('timeout', () => { console.log('timeout'); req.destroy(); });
req.on('error', (e) => console.log('error ' + e.code));
req.end();
EOF
# query.js PORT PROMQL: "label value" lines (label: function, else the
# EMF dimension_function_name, else empty), sorted
cat >"$T/query.js" <<'EOF'
const http = require('http');
const [port, q] = process.argv.slice(2);
http.get({ host: '127.0.0.1', port, path: '/api/v1/query?query=' + encodeURIComponent(q) }, (r) => {
    let b = '';
    r.on('data', (d) => (b += d));
    r.on('end', () => {
        const j = JSON.parse(b);
        if (j.status !== 'success') { console.error(b); process.exit(1); }
        const lines = j.data.result.map((s) =>
            (s.metric.function ?? s.metric.dimension_function_name ?? '') + ' ' + s.value[1]);
        console.log(lines.sort().join('\n'));
    });
}).on('error', (e) => { console.error(String(e)); process.exit(1); });
EOF
# slow.js PORT: sends a request line, then a header line a second, never
# ending the headers; prints how long until the server closed the connection
cat >"$T/slow.js" <<'EOF'
const net = require('net');
const t0 = Date.now();
const limit = setTimeout(() => { console.log('still open after 30 s'); process.exit(0); }, 30000);
const s = net.connect(+process.argv[2], '127.0.0.1', () => {
    s.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
    const iv = setInterval(() => s.write('X-Slow: a\r\n'), 1000);
    s.on('close', () => { clearInterval(iv); clearTimeout(limit); console.log(Date.now() - t0); });
});
s.on('error', () => {});
EOF

get() { node "$T/get.js" "$@"; }

# metric FILE NAME{LABELS}: the value of that sample, or "absent"
metric()
{
    awk -v k="$2" 'index($0, k " ") == 1 { print substr($0, length(k) + 2); f = 1 } END { if (!f) print "absent" }' "$1"
}

# same_num A B: equal within 1e-9 relative (sums of doubles, ms vs s)
same_num()
{
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a); exit !(d <= 1e-9 * (m > 1 ? m : 1)) }'
}

check_num()
{
    if same_num "$2" "$3"; then pass "$1"; else fail "$1: expected '$3', got '$2'"; fi
}

# start_metrics LOG PORT ARGS...: obsagent serving /metrics on PORT; waits
# until GET / answers; sets $AGENT_PID
start_metrics()
{
    _log=$1
    _port=$2
    shift 2
    "$OBSAGENT" "$@" >"$_log" 2>&1 &
    AGENT_PID=$!
    PIDS="$PIDS $AGENT_PID"
    _i=0
    while [ $_i -lt 100 ]; do
        [ "$(get "http://127.0.0.1:$_port/" "$T/root.out" | head -n 1)" = 200 ] && return 0
        kill -0 "$AGENT_PID" 2>/dev/null || return 1
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}

# stop_agent: SIGTERM; its exit status
stop_agent()
{
    kill -TERM "$AGENT_PID" 2>/dev/null
    wait "$AGENT_PID" 2>/dev/null
}

# ---- the corpus, imported ----------------------------------------------------

"$LAMBDAGEN" --out "$T/logs" --functions 3 --invocations 200 --seed 7 --truth "$TRUTH" >/dev/null
check "import the corpus" agent --once --no-progress --db "$DB" "$T/logs"
FUNCS=$(truth functions)

# ---- /metrics of the store (no paths) ------------------------------------------

PORT=$(free_port)
check "obsagent --metrics-listen without paths serves /metrics" \
    start_metrics "$T/agent1.out" "$PORT" --db "$DB" --metrics-listen "127.0.0.1:$PORT"
check_grep "it says where" "$T/agent1.out" "Prometheus metrics on http://127.0.0.1:$PORT/metrics"
node "$T/slow.js" "$PORT" >"$T/slow.out" 2>&1 &
SLOW_PID=$!
PIDS="$PIDS $SLOW_PID"

get "http://127.0.0.1:$PORT/metrics" "$T/m.txt" >"$T/get.out"
check_eq "GET /metrics is 200" "$(sed -n 1p "$T/get.out")" 200
check_eq "in the text format 0.0.4" "$(sed -n 2p "$T/get.out")" "text/plain; version=0.0.4; charset=utf-8"
check "promtool parses and lints the text cleanly" sh -c "promtool check metrics <'$T/m.txt'"

for f in $FUNCS; do
    L="{function=\"$f\"}"
    for k in invocations timeouts crashes oom cold_starts; do
        check_eq "$f: obs_lambda_${k}_total = truth" "$(metric "$T/m.txt" "obs_lambda_${k}_total$L")" \
            "$(truth "fn.$f.$k")"
    done
    check_eq "$f: obs_lambda_handler_errors_total = truth" \
        "$(metric "$T/m.txt" "obs_lambda_handler_errors_total$L")" "$(truth "fn.$f.errors")"
    check_eq "$f: obs_lambda_errors_total = truth's failed invocations" \
        "$(metric "$T/m.txt" "obs_lambda_errors_total$L")" \
        "$(( $(truth "fn.$f.errors") + $(truth "fn.$f.timeouts") + $(truth "fn.$f.crashes") + $(truth "fn.$f.oom") ))"
    check_eq "$f: throttle signals = truth" "$(metric "$T/m.txt" "obs_lambda_throttle_signals_total$L")" \
        "$(truth "fn.$f.throttle_lines")"
    check_eq "$f: duration histogram count = REPORT lines" \
        "$(metric "$T/m.txt" "obs_lambda_duration_seconds_count$L")" "$(truth "fn.$f.report_lines")"
    check_eq "$f: the +Inf bucket = the count" \
        "$(metric "$T/m.txt" "obs_lambda_duration_seconds_bucket{function=\"$f\",le=\"+Inf\"}")" \
        "$(truth "fn.$f.report_lines")"
    check_num "$f: duration sum (s) = truth (ms) / 1000" "$(metric "$T/m.txt" "obs_lambda_duration_seconds_sum$L")" \
        "$(awk -v v="$(truth "fn.$f.duration_sum")" 'BEGIN { printf "%.9f", v / 1000 }')"
    check_num "$f: init-duration sum (s) = truth (ms) / 1000" \
        "$(metric "$T/m.txt" "obs_lambda_init_duration_seconds_sum$L")" \
        "$(awk -v v="$(truth "fn.$f.init_sum")" 'BEGIN { printf "%.9f", v / 1000 }')"
    check_eq "$f: init histogram count = cold starts" \
        "$(metric "$T/m.txt" "obs_lambda_init_duration_seconds_count$L")" "$(truth "fn.$f.cold_starts")"
    # buckets are cumulative: never decreasing, ending at the count
    check "$f: duration buckets are cumulative" awk -v k="obs_lambda_duration_seconds_bucket{function=\"$f\"," \
        'index($0, k) == 1 { if ($2 < last) bad = 1; last = $2; n++ } END { exit bad || n != 16 }' "$T/m.txt"
    # EMF: lambdagen's ItemsProcessed (Count) and ProcessingTime (Milliseconds)
    E="{namespace=\"obs-demo\",dimension_function_name=\"$f\"}"
    W="FROM metric_series s JOIN metric_rollup_minute r ON r.series_id = s.id
       WHERE s.namespace = 'obs-demo' AND json_extract(s.dimensions, '\$.FunctionName') = $(sqlq "$f")"
    check_eq "$f: emf_items_processed_count = the store's" "$(metric "$T/m.txt" "emf_items_processed_count$E")" \
        "$(sql "$DB" "SELECT sum(r.count) $W AND s.name = 'ItemsProcessed'")"
    check_num "$f: emf_items_processed_sum = the store's" "$(metric "$T/m.txt" "emf_items_processed_sum$E")" \
        "$(sql "$DB" "SELECT sum(r.sum) $W AND s.name = 'ItemsProcessed'")"
    check_num "$f: emf_processing_time_seconds_sum = the store's ms / 1000" \
        "$(metric "$T/m.txt" "emf_processing_time_seconds_sum$E")" \
        "$(sql "$DB" "SELECT printf('%.9f', sum(r.sum) / 1000.0) $W AND s.name = 'ProcessingTime'")"
done
check_eq "EMF series: one summary series per stored series" "$(grep -c '^emf_.*_count{' "$T/m.txt")" \
    "$(sql "$DB" "SELECT count(*) FROM metric_series")"
for c in lines events bytes emf_documents; do
    check_eq "obs_agent_${c}_total = agent_counters" "$(metric "$T/m.txt" "obs_agent_${c}_total")" \
        "$(sql "$DB" "SELECT value FROM agent_counters WHERE name = '$c'")"
done
check_eq "obs_agent_lines_total = the lines written" "$(metric "$T/m.txt" obs_agent_lines_total)" "$(truth lines)"

# ---- hostile requests ----------------------------------------------------------

check_eq "another path is 404" "$(get "http://127.0.0.1:$PORT/admin" "$T/x" | head -n 1)" 404
check_eq "another method is 405" "$(get "http://127.0.0.1:$PORT/metrics" "$T/x" POST | head -n 1)" 405
check_eq "a 40 KB header is refused (431)" "$(get "http://127.0.0.1:$PORT/metrics" "$T/x" GET 40000 | head -n 1)" 431
check_eq "HEAD /metrics is 200" "$(get "http://127.0.0.1:$PORT/metrics" "$T/x" HEAD | head -n 1)" 200

# ---- Prometheus scrapes it -------------------------------------------------------

PPORT=$(free_port)
cat >"$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: obs
    static_configs:
      - targets: ['127.0.0.1:$PORT']
EOF
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
    --web.listen-address="127.0.0.1:$PPORT" >"$T/prometheus.out" 2>&1 &
PROM_PID=$!
PIDS="$PIDS $PROM_PID"
q() { node "$T/query.js" "$PPORT" "$1" 2>>"$T/query.err"; }
_i=0
while [ $_i -lt 300 ] && [ "$(q 'up{job="obs"}')" != " 1" ]; do
    kill -0 "$PROM_PID" 2>/dev/null || break
    sleep 0.1
    _i=$((_i + 1))
done
check_eq "Prometheus scraped the agent (up = 1)" "$(q 'up{job="obs"}')" " 1"
_i=0
while [ $_i -lt 100 ] && [ -z "$(q obs_lambda_invocations_total)" ]; do
    sleep 0.1
    _i=$((_i + 1))
done

# the expected "function value" lines, from the store
expect() { sql "$DB" "$1" | tr '|' ' ' | sort; }
check_eq "Prometheus: invocations per function = the store's" "$(q obs_lambda_invocations_total)" \
    "$(expect "SELECT function, sum(invocations) FROM rollup_hour GROUP BY function")"
check_eq "Prometheus: errors (failed invocations) per function = the store's" "$(q obs_lambda_errors_total)" \
    "$(expect "SELECT function, sum(errors + timeouts + crashes + oom) FROM rollup_hour GROUP BY function")"
check_eq "Prometheus: handler errors per function = the store's" "$(q obs_lambda_handler_errors_total)" \
    "$(expect "SELECT function, sum(errors) FROM rollup_hour GROUP BY function")"
check_eq "Prometheus: cold starts per function = the store's" "$(q obs_lambda_cold_starts_total)" \
    "$(expect "SELECT function, sum(cold_starts) FROM rollup_hour GROUP BY function")"
check_eq "Prometheus: duration histogram count = REPORT lines in the store" \
    "$(q obs_lambda_duration_seconds_count)" \
    "$(expect "SELECT s.function, count(*) FROM events e JOIN streams s ON s.id = e.stream_id
               WHERE e.kind = 4 AND e.duration IS NOT NULL GROUP BY s.function")"
check_eq "Prometheus: EMF ItemsProcessed count = the store's" "$(q emf_items_processed_count)" \
    "$(expect "SELECT json_extract(s.dimensions, '\$.FunctionName'), sum(r.count) FROM metric_series s
               JOIN metric_rollup_minute r ON r.series_id = s.id WHERE s.name = 'ItemsProcessed' GROUP BY 1")"
check_eq "Prometheus: agent counter lines = the store's" "$(q obs_agent_lines_total)" \
    " $(sql "$DB" "SELECT value FROM agent_counters WHERE name = 'lines'")"
# a histogram is usable as one: the median lies within the bucket bounds
check "Prometheus: histogram_quantile over the duration buckets answers" sh -c \
    "node '$T/query.js' '$PPORT' 'histogram_quantile(0.5, obs_lambda_duration_seconds_bucket)' | grep -Eq ' [0-9.e-]+\$'"
kill -TERM "$PROM_PID" 2>/dev/null
wait "$PROM_PID" 2>/dev/null

# ---- the slow client was cut ----------------------------------------------------

wait "$SLOW_PID" 2>/dev/null
check "a client trickling its headers is cut after about 10 s (took $(cat "$T/slow.out") ms)" \
    awk '$1 ~ /^[0-9]+$/ && $1 >= 8000 && $1 <= 14000 { ok = 1 } END { exit !ok }' "$T/slow.out"
# (another store: the running agent holds this one's writer lock)
check_fail "an address already in use is an error" "$OBSAGENT" --db "$T/other.db" --metrics-listen "127.0.0.1:$PORT"
check_grep "that names it" "$T/.check.out" "cannot listen on 127.0.0.1:$PORT for /metrics: Address already in use"
check "the agent stops cleanly on SIGTERM while serving" stop_agent

# ---- follow mode: counters grow with the files, never go down ------------------------

set -- $FUNCS
F1=$1 F2=$2
mkdir -p "$T/live"
cp -R "$T/logs/$F1" "$T/live/"
PORT2=$(free_port)
OBS_METRICS_LISTEN=127.0.0.1:$PORT2
export OBS_METRICS_LISTEN
check "follow mode serves /metrics at \$OBS_METRICS_LISTEN" \
    start_metrics "$T/agent2.out" "$PORT2" --db "$T/live.db" --poll-ms 50 "$T/live"
unset OBS_METRICS_LISTEN
# wait_value PORT NAME{LABELS} VALUE FILE: scrape until the sample has VALUE (20 s)
wait_value()
{
    _i=0
    while [ $_i -lt 200 ]; do
        get "http://127.0.0.1:$1/metrics" "$4" >/dev/null
        [ "$(metric "$4" "$2")" = "$3" ] && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}
check "follow: $F1's invocations reach the truth" \
    wait_value "$PORT2" "obs_lambda_invocations_total{function=\"$F1\"}" "$(truth "fn.$F1.invocations")" "$T/s1.txt"
cp -R "$T/logs/$F2" "$T/live/"
check "follow: then $F2's too" \
    wait_value "$PORT2" "obs_lambda_invocations_total{function=\"$F2\"}" "$(truth "fn.$F2.invocations")" "$T/s2.txt"
check_eq "follow: $F1's count is unchanged" "$(metric "$T/s2.txt" "obs_lambda_invocations_total{function=\"$F1\"}")" \
    "$(truth "fn.$F1.invocations")"
# every sample of the first scrape is in the second, and not smaller
check "follow: no counter, bucket or sum went down between scrapes" awk '
    /^#/ { next }
    FNR == NR { a[$1] = $2; next }
    { b[$1] = $2 }
    END { for (k in a) if (!(k in b) || b[k] + 0 < a[k] + 0) { print "went down: " k; bad = 1 } exit bad }
' "$T/s1.txt" "$T/s2.txt"
check "follow: the agent stops cleanly" stop_agent

# ---- listen addresses ------------------------------------------------------------

check_fail "a non-loopback address needs --listen-public" \
    "$OBSAGENT" --db "$DB" --metrics-listen "0.0.0.0:$(free_port)"
check_grep "and says so" "$T/.check.out" "not a loopback address.*--listen-public"
check_fail "a bad address is refused" "$OBSAGENT" --db "$DB" --metrics-listen "nonsense"
check_grep "with what was expected" "$T/.check.out" "expected HOST:PORT"
# IPv6 and names go through the one resolver (agent/net/listen_addr.c)
for addr in "[::1]" localhost; do
    P=$(free_port)
    "$OBSAGENT" --db "$DB" --metrics-listen "$addr:$P" >"$T/addr.out" 2>&1 &
    AGENT_PID=$!
    PIDS="$PIDS $AGENT_PID"
    url="http://$([ "$addr" = localhost ] && echo 127.0.0.1 || echo "$addr"):$P/metrics"
    _i=0
    until [ "$(get "$url" "$T/addr.body" | head -n 1)" = 200 ] || [ $_i -ge 50 ]; do sleep 0.1; _i=$((_i + 1)); done
    check_grep "--metrics-listen $addr:PORT serves $url" "$T/addr.body" "^obs_lambda_invocations_total"
    check_grep "--metrics-listen $addr:PORT: said where" "$T/addr.out" \
        "Prometheus metrics on http://$(printf '%s' "$addr" | sed 's/[][]/\\&/g'):$P/metrics"
    check "--metrics-listen $addr:PORT: stops cleanly" stop_agent
done
# ---- concurrency: invocations of the last minute, exported with their times ----

# api: a1 from now-50 s to now-20 s and a2 from now-40 s to now-30 s overlap
# (peak 2), a3 from now-10 s has not ended (in flight now); worker: one from
# now-45 s to now-35 s (account-wide peak 3: a1, a2, w1)
NOW=$(date +%s)
iso() { date -u -d "@$((NOW - $1))" +%Y-%m-%dT%H:%M:%S.000Z; }
mkdir -p "$T/live/api" "$T/live/worker"
{
    printf '%s START RequestId: a1 Version: $LATEST\n' "$(iso 50)"
    printf '%s START RequestId: a2 Version: $LATEST\n' "$(iso 40)"
    printf '%s REPORT RequestId: a2\tDuration: 10000.00 ms\tBilled Duration: 10000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n' "$(iso 30)"
    printf '%s REPORT RequestId: a1\tDuration: 30000.00 ms\tBilled Duration: 30000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n' "$(iso 20)"
    printf '%s START RequestId: a3 Version: $LATEST\n' "$(iso 10)"
} >"$T/live/api/s1.log"
{
    printf '%s START RequestId: w1 Version: $LATEST\n' "$(iso 45)"
    printf '%s REPORT RequestId: w1\tDuration: 10000.00 ms\tBilled Duration: 10000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n' "$(iso 35)"
} >"$T/live/worker/s1.log"
check "concurrency: import the last minute" agent --once --no-progress --db "$T/live.db" "$T/live"
P=$(free_port)
check "concurrency: serve /metrics" start_metrics "$T/agent_live.out" "$P" --db "$T/live.db" --metrics-listen "127.0.0.1:$P"
get "http://127.0.0.1:$P/metrics" "$T/live.txt" >/dev/null
check "concurrency: promtool parses and lints it" sh -c "promtool check metrics <'$T/live.txt'"
check_eq "concurrency: api in flight now" "$(metric "$T/live.txt" 'obs_lambda_concurrent_executions{function="api"}')" 1
check_eq "concurrency: api's peak of the last 60 s" \
    "$(metric "$T/live.txt" 'obs_lambda_concurrent_executions_peak{function="api"}')" 2
check_eq "concurrency: worker in flight now" \
    "$(metric "$T/live.txt" 'obs_lambda_concurrent_executions{function="worker"}')" 0
check_eq "concurrency: worker's peak" "$(metric "$T/live.txt" 'obs_lambda_concurrent_executions_peak{function="worker"}')" 1
check_eq "concurrency: account-wide in flight now" "$(metric "$T/live.txt" obs_lambda_account_concurrent_executions)" 1
check_eq "concurrency: account-wide peak" "$(metric "$T/live.txt" obs_lambda_account_concurrent_executions_peak)" 3
check "concurrency: the agent stops cleanly" stop_agent
finish
