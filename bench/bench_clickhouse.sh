#!/bin/sh
# bench/bench_clickhouse.sh — `make bench`, beyond one machine (set
# BENCH_CLICKHOUSE=0 to skip): Debian's clickhouse-server started on
# loopback ports in the scratch directory (tests/e2e/clickhouse/server.sh,
# the tests' configuration), then, on the import benchmark's corpus
# (BENCH_CH_LINES, 1,000,000 lines, mixed formats, ~10% EMF, seed 1):
#   - obsagent --once alone: the import rate;
#   - obsagent --once --forward: the same import shipping as it commits,
#     and how long after the import ClickHouse had the last event;
#   - obsagent --once --forward of the imported store alone (no PATH): the
#     forwarding rate, which must be at least the import rate ("keeps up");
#   - ClickHouse's disk per million events (active parts, after a merge),
#     beside the store's;
#   - the query benchmark's queries (bench/bench_query.sh) on that store and
#     on ClickHouse: obsq's median of 11 runs on each, and whether the rows
#     agree (tests/e2e/clickhouse/compare.js: reals to 1e-9; "ties" when
#     only a sort's ties are in another order, which neither defines).
# ClickHouse runs on the same machine as the agent and obsq: its inserts
# and queries share the cores with them. BENCH_DIR the scratch directory.
set -eu
BUILD=${BUILD:-build}
LINES=${BENCH_CH_LINES:-1000000}
if [ "${BENCH_CLICKHOUSE:-1}" = 0 ]; then
    echo "ClickHouse benchmark skipped (BENCH_CLICKHOUSE=0)"
    exit 0
fi
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=$(cd "$BUILD" && pwd)
dir=${BENCH_DIR:-$(mktemp -d /tmp/obs-benchch.XXXXXX)}
mkdir -p "$dir/bin"
cp "$BUILD"/lambdagen "$BUILD"/obsagent "$BUILD"/obsq "$BUILD"/timeit "$dir/bin/"
BUILD=$dir/bin

# the tests' server helpers: they want T, PIDS, fail and free_port
T=$dir
PIDS=
fail() { echo "bench_clickhouse: $1" >&2; [ $# -lt 2 ] || tail -n 20 "$2" >&2; }
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
# shellcheck source=../tests/e2e/clickhouse/server.sh
. "$ROOT/tests/e2e/clickhouse/server.sh"
cleanup()
{
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for p in node curl; do
    command -v "$p" >/dev/null 2>&1 || { echo "bench_clickhouse: needs $p (make deps-test)" >&2; exit 1; }
done
[ -x "$CH_SERVER" ] || { echo "bench_clickhouse: needs clickhouse-server (make deps-test)" >&2; exit 1; }
ch_start S || exit 1
URL=clickhouse://127.0.0.1:$CH_PORT_S

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

echo "machine:    $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "clickhouse: $(ch_q S 'SELECT version()') (Debian's clickhouse-server, on this machine, loopback HTTP)"
"$BUILD"/lambdagen --out "$dir/logs" --lines "$LINES" --format mixed --seed 1 --emf-rate 0.254 >/dev/null
echo "corpus:     $LINES lines, mixed text and JSON log formats, ~10% EMF, seed 1: $(du -sm "$dir/logs" | cut -f1) MB"
echo

echo "obsagent --once (import only):"
t0=$(date +%s%N)
"$BUILD"/obsagent --once --no-progress --db "$dir/a.db" "$dir/logs" >"$dir/a.txt"
t1=$(date +%s%N)
head -n 1 "$dir/a.txt" | sed 's/^/  /'
events=$(sqlite3 -readonly "$dir/a.db" 'SELECT count(*) FROM events')
imp_s=$(secs "$t0" "$t1")
imp_rate=$(rate "$events" "$imp_s")
echo "  $events events in $imp_s s: $imp_rate events/s"

echo "obsagent --once --forward (import, and forward as it commits):"
t0=$(date +%s%N)
"$BUILD"/obsagent --once --no-progress --db "$dir/b.db" --forward "$URL/live" "$dir/logs" >"$dir/b.txt" 2>"$dir/b.err"
t1=$(date +%s%N)
head -n 1 "$dir/b.txt" | sed 's/^/  /'
grep '^  forward' "$dir/b.txt" | sed 's/^  forward */  /'
both_s=$(secs "$t0" "$t1")
in_ch=$(ch_q S 'SELECT count() FROM live.events FINAL')
[ "$in_ch" = "$events" ] || { echo "bench_clickhouse: ClickHouse has $in_ch events, the store $events" >&2; exit 1; }
echo "  import and forward: $both_s s in all (import alone: $imp_s s); ClickHouse has the $in_ch events"

echo "obsagent --once --forward of the imported store (forward only):"
ch_cpu() { awk '{ print $14 + $15 }' "/proc/$CH_PID_S/stat"; }   # the server's CPU, in clock ticks
k0=$(ch_cpu)
t0=$(date +%s%N)
/usr/bin/time -f '%U %S' -o "$dir/c.cpu" \
    "$BUILD"/obsagent --once --no-progress --db "$dir/a.db" --forward "$URL/obs" >"$dir/c.txt" 2>"$dir/c.err"
t1=$(date +%s%N)
k1=$(ch_cpu)
fwd_s=$(secs "$t0" "$t1")
fwd_rate=$(rate "$events" "$fwd_s")
grep '^  forward' "$dir/c.txt" | sed 's/^  forward */  /'
in_ch=$(ch_q S 'SELECT count() FROM obs.events FINAL')
[ "$in_ch" = "$events" ] || { echo "bench_clickhouse: ClickHouse has $in_ch events, the store $events" >&2; exit 1; }
echo "  $events events in $fwd_s s (process start to exit): $fwd_rate events/s"
awk -v ev="$events" -v hz="$(getconf CLK_TCK)" -v k="$((k1 - k0))" '{ a = $1 + $2 }
    END { printf "  CPU per million events: the agent %.2f s (reading the store, encoding), clickhouse-server %.2f s (inserting)\n",
          a / (ev / 1e6), k / hz / (ev / 1e6) }' "$dir/c.cpu"
verdict=$(awk -v f="$fwd_rate" -v i="$imp_rate" 'BEGIN { print (f >= i ? "keeps up" : "DOES NOT keep up") }')
echo "  forwarding $fwd_rate events/s, import $imp_rate events/s: forwarding $verdict with import ($(awk -v f="$fwd_rate" -v i="$imp_rate" 'BEGIN { printf "%.1fx", f / i }'))"

# disk: the parts as they are, then merged (OPTIMIZE ... FINAL, what the
# background merges reach in time)
disk() {
    ch_q S "SELECT table, sum(rows), sum(bytes_on_disk), sum(data_uncompressed_bytes) FROM system.parts
            WHERE active AND database = 'obs' GROUP BY table ORDER BY table FORMAT TabSeparated"
}
for t in events invocations metric_points; do ch_q S "OPTIMIZE TABLE obs.$t FINAL" >/dev/null; done
store_mb=$(du -m "$dir/a.db" | cut -f1)
echo
echo "disk, merged (OPTIMIZE FINAL), per million events:"
disk | awk -F'\t' -v ev="$events" -v store="$store_mb" '
    { printf "  clickhouse %-14s %9d rows %8.1f MB on disk (%6.1f MB uncompressed)\n", $1, $2, $3 / 1e6, $4 / 1e6
      tot += $3 }
    END { printf "  clickhouse, all tables: %.1f MB per million events\n", tot / 1e6 / (ev / 1e6)
          printf "  the store (SQLite, full-text index and rollups): %.1f MB per million events\n", store / (ev / 1e6) }'

# ---- queries: the query benchmark's, on this store and on ClickHouse --------
echo
echo "queries (obsq median of 11 runs, after one untimed; the same rows?):"
ENGINE=$URL/obs
: >"$dir/table"
# qrun NAME QUERY [TIES-COLUMN]: with a column, the query ends "| sort
# COLUMN desc | limit N" and ClickHouse may pick other rows tied on it
qrun() {
    name=$1 query=$2 ties=${3:-}
    "$BUILD"/obsq --db "$dir/a.db" -o json "$query" >"$dir/s.json" 2>/dev/null || { echo "obsq failed: $query" >&2; exit 1; }
    sq=$("$BUILD"/timeit 11 "$dir/out" "$BUILD"/obsq --db "$dir/a.db" -o csv "$query" 2>/dev/null)
    if ! "$BUILD"/obsq --engine "$ENGINE" -o json "$query" >"$dir/c.json" 2>"$dir/c.err"; then
        why=$(sed -n 's/.*not supported on the ClickHouse engine: \(.*\) (docs.*/\1/p' "$dir/c.err" | head -n 1)
        printf '%s|%s|%s|%s\n' "$name" "${sq% *}" "-" "refused: ${why:-$(head -n 1 "$dir/c.err")}" >>"$dir/table"
        return
    fi
    cq=$("$BUILD"/timeit 11 "$dir/out" "$BUILD"/obsq --engine "$ENGINE" -o csv "$query" 2>/dev/null)
    set +e
    if [ -n "$ties" ]; then
        "$BUILD"/obsq --db "$dir/a.db" -o json "${query% | limit *}" >"$dir/all.json" 2>/dev/null
        node "$ROOT/tests/e2e/clickhouse/compare.js" "$dir/s.json" "$dir/c.json" --ties "$ties" "$dir/all.json" \
            >"$dir/cmp" 2>&1
    else
        node "$ROOT/tests/e2e/clickhouse/compare.js" "$dir/s.json" "$dir/c.json" >"$dir/cmp" 2>&1
    fi
    st=$?
    set -e
    case $st in
    0) same=same ;;
    3) same="same (ties of the sort in another order)" ;;
    *) same="DIFFER: $(head -n 1 "$dir/cmp")" ;;
    esac
    printf '%s|%s|%s|%s\n' "$name" "${sq% *}" "${cq% *}" "$same" >>"$dir/table"
}
qrun "1 rare substring" 'filter @message like "Task timed out" | stats count(*)'
qrun "2 frequent word" 'filter @message like "sqs" | stats count(*)'
qrun "3 inside a token" 'filter @message like "ynamoD" | stats count(*)'
qrun "4 regex" 'filter @message like /Task timed out after \d+/ | stats count(*)'
qrun "5 REPORT avg, p99 by 5m" 'filter @type = "REPORT" | stats avg(@duration), pct(@duration, 99) by bin(5m)'
qrun "6 REPORT top streams" \
    'filter @type = "REPORT" | stats count(*) as n, max(@maxMemoryUsed) by @logStream | sort n desc | limit 5' n
qrun "7 all lines by 1h" 'stats count(*) by bin(1h)'
qrun "8 = 5 with SOURCE" \
    "SOURCE logGroups(namePrefix: ['/aws/lambda/']) | filter @type = \"REPORT\" | stats avg(@duration), pct(@duration, 99) by bin(5m)"
qrun "9 = 6, sort on a gone field" \
    'filter @type = "REPORT" | stats count(*) as n, max(@maxMemoryUsed) by @logStream | sort @timestamp desc, n desc | limit 5' n
qrun "10 pattern" 'pattern @message'
qrun "11 JSON field" 'filter level = "ERROR" | stats count(*) by @log'
qrun "12 EMF-heavy stream" 'filter ispresent(_aws.Timestamp) | stats count(*) as docs by @log | sort docs desc'
{
    echo "query|SQLite ms|ClickHouse ms|rows"
    cat "$dir/table"
} | awk -F'|' '{ printf "  %-28s %10s %14s  %s\n", $1, $2, $3, $4 }'
! grep -q '|DIFFER' "$dir/table" || { echo "bench_clickhouse: the engines' rows DIFFER (see above)" >&2; exit 1; }
