#!/bin/sh
# bench/bench_emf.sh — run by `make bench` (BENCH_EMF=0 skips it): the EMF
# endpoint under load. obsagent serves tcp://127.0.0.1:PORT alone (no
# files) into a new store;
#   1. throughput: 4 concurrent connections (bench/emf_blast.js) each send
#      BENCH_EMF_DOCS (default 100,000) documents as fast as the socket
#      takes them; documents/s = all documents / (first byte sent -> the
#      last one queryable by a reader: sqlite3 polling count(*) every 50 ms);
#   2. latency: 4 connections at 100 documents/s each for 5 s, each document
#      carrying its send time; a reader polls every 20 ms and notes when
#      each becomes visible: p50 and p99 of (visible - sent).
set -eu
BUILD=${BUILD:-build}
DOCS=${BENCH_EMF_DOCS:-100000}
if [ "${BENCH_EMF:-1}" = 0 ]; then
    echo "EMF endpoint benchmark skipped (BENCH_EMF=0)"
    exit 0
fi
cd "$(dirname "$0")/.."
BUILD=$(cd "$BUILD" && pwd)
dir=$(mktemp -d /tmp/obs-benche.XXXXXX)
trap 'kill "${agent:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')

start() {
    rm -f "$dir"/obs.db*
    "$BUILD"/obsagent --db "$dir/obs.db" --emf-listen "tcp://127.0.0.1:$port" >"$dir/agent.log" 2>&1 &
    agent=$!
    i=0
    until grep -q "network inputs receive" "$dir/agent.log"; do
        sleep 0.1; i=$((i + 1)); [ $i -lt 50 ] || { cat "$dir/agent.log"; exit 1; }
    done
}
count() { sqlite3 "file:$dir/obs.db?mode=ro" 'SELECT count(*) FROM events' 2>/dev/null || echo 0; }

echo "EMF endpoint: 4 TCP clients x $DOCS documents (one agent, no files)"
start
node bench/emf_blast.js "$port" 4 "$DOCS" >"$dir/blast.json" &
blast=$!
total=$((4 * DOCS))
until [ "$(count)" -ge "$total" ]; do
    sleep 0.05
    kill -0 "$agent" 2>/dev/null || { echo "obsagent died"; cat "$dir/agent.log"; exit 1; }
done
end=$(node -p 'Date.now()')
wait "$blast"
node -e '
    const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const n = Number(process.argv[2]), ms = Number(process.argv[3]) - b.first_ms;
    console.log(`throughput: ${n} documents in ${(ms / 1000).toFixed(2)} s = ${Math.round(n / ms * 1000)} documents/s stored and queryable` +
                ` (sending took ${((b.last_ms - b.first_ms) / 1000).toFixed(2)} s)`);
' "$dir/blast.json" "$total" "$end"
kill -TERM "$agent"; wait "$agent" || true

start
node bench/emf_blast.js "$port" 4 500 100 >/dev/null &
blast=$!
: >"$dir/seen"
seen=0
while kill -0 "$blast" 2>/dev/null || [ "$seen" -lt 2000 ]; do
    now=$(node -p 'Date.now()' 2>/dev/null)
    sqlite3 "file:$dir/obs.db?mode=ro" "SELECT json_extract(message, '\$.sent_ms') FROM events WHERE id > $seen" 2>/dev/null |
        sed "s/\$/ $now/" >>"$dir/seen"
    seen=$(wc -l <"$dir/seen")
    sleep 0.02
    [ "$seen" -lt 2000 ] || break
done
awk '{ print $2 - $1 }' "$dir/seen" | sort -n | awk '{ v[NR] = $1 } END {
    printf "latency (send -> queryable, 4 x 100 documents/s): p50 %d ms, p99 %d ms, max %d ms (%d documents)\n",
        v[int(NR * 0.5 + 0.5)], v[int(NR * 0.99 + 0.5)], v[NR], NR }'
kill -TERM "$agent"; wait "$agent" || true
