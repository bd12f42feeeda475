#!/bin/sh
# bench/bench_metrics.sh — run by `make bench` (BENCH_METRICS=0 skips it):
# the cost of a Prometheus scrape. lambdagen writes BENCH_METRICS_LINES
# (default 2,000,000) lines of 10 functions over 24 hours, obsagent --once
# imports them, then obsagent --metrics-listen serves the store (no paths)
# and 20 sequential GET /metrics are timed from a node client (connect to
# last byte); prints the median, min and max, and the body size. Set
# BENCH_METRICS_DB to an existing store to skip the generation.
set -eu
BUILD=${BUILD:-build}
LINES=${BENCH_METRICS_LINES:-2000000}
if [ "${BENCH_METRICS:-1}" = 0 ]; then
    echo "/metrics benchmark skipped (BENCH_METRICS=0)"
    exit 0
fi
cd "$(dirname "$0")/.."
BUILD=$(cd "$BUILD" && pwd)
dir=$(mktemp -d /tmp/obs-benchm.XXXXXX)
trap 'kill "${agent:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
db=${BENCH_METRICS_DB:-}
if [ -z "$db" ]; then
    db=$dir/obs.db
    echo "/metrics: generating and importing $LINES lines (10 functions, 24 h)"
    "$BUILD"/lambdagen --out "$dir/logs" --lines "$LINES" --functions 10 --hours 24 --format text --seed 9 >/dev/null
    "$BUILD"/obsagent --once -q --no-progress --db "$db" "$dir/logs"
    rm -rf "$dir/logs"
fi
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
OBS_EMF_LISTEN=off "$BUILD"/obsagent --db "$db" --metrics-listen "127.0.0.1:$port" >"$dir/agent.log" 2>&1 &
agent=$!
i=0
until grep -q "Prometheus metrics on" "$dir/agent.log"; do
    sleep 0.1; i=$((i + 1)); [ $i -lt 50 ] || { cat "$dir/agent.log"; exit 1; }
done
echo "store: $(sqlite3 "file:$db?mode=ro" "SELECT (SELECT count(*) FROM rollup_hour) || ' function-hours, ' ||
    (SELECT count(*) FROM metric_rollup_minute) || ' EMF series-minutes, ' ||
    (SELECT count(*) FROM metric_series) || ' EMF series'")"
node -e '
const http = require("http");
const port = +process.argv[1], n = 20, ms = [];
let bytes = 0;
function one(i) {
    if (i === n) {
        ms.sort((a, b) => a - b);
        console.log(`GET /metrics x ${n}: median ${ms[n / 2].toFixed(1)} ms, min ${ms[0].toFixed(1)}, ` +
                    `max ${ms[n - 1].toFixed(1)} (${bytes} bytes)`);
        return;
    }
    const t0 = process.hrtime.bigint();
    http.get({ host: "127.0.0.1", port, path: "/metrics" }, (r) => {
        let len = 0;
        r.on("data", (d) => (len += d.length));
        r.on("end", () => { ms.push(Number(process.hrtime.bigint() - t0) / 1e6); bytes = len; one(i + 1); });
    });
}
one(0);
' "$port"
