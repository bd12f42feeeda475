#!/bin/sh
# bench/bench_follow.sh — `make bench`, follow mode: obsagent follows a
# directory while WRITERS processes (default 4) each append LINES numbered
# Lambda app lines to their own file as fast as they can (awk, flushed every
# 1,000 lines), and a marker writer appends one line every 50 ms carrying its
# own write time. Reports:
#   - sustained lines/s stored: all writers' lines / (first write -> the last
#     line committed, seen through the checkpoints' offsets);
#   - end-to-end latency p50/p99: marker write -> visible to a reader (the
#     sqlite3 CLI polling max(ts) of the marker stream every 50 ms), under
#     that load and then with a light load (WRITERS x 2,000 lines/s);
#   - idle CPU of the agent over IDLE_S seconds with nothing written
#     (/proc/PID/stat utime + stime);
#   - for comparison, obsagent --once on copies of the saturated-phase files;
#   - FILES (BENCH_FOLLOW_FILES, default 8000) files of 20 lines followed:
#     the time to store them, the idle CPU while following them, --once on them.
# BENCH_FOLLOW_LINES (per writer, default 250000), BENCH_FOLLOW_WRITERS,
# BENCH_FOLLOW_IDLE_S (20); BENCH_DIR the scratch directory.
set -eu
BUILD=${BUILD:-build}
LINES=${BENCH_FOLLOW_LINES:-250000}
WRITERS=${BENCH_FOLLOW_WRITERS:-4}
IDLE_S=${BENCH_FOLLOW_IDLE_S:-20}
dir=${BENCH_DIR:-$(mktemp -d /tmp/obs-benchf.XXXXXX)}
cd "$(dirname "$0")/.."
AGENT=
PIDS=
cleanup()
{
    for p in $PIDS $AGENT; do kill "$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT
db=$dir/obs.db
logs=$dir/logs
mkdir -p "$logs/marker"
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# marker writer: one line every 50 ms whose timestamp is its write time
markers()
{
    node -e '
        const fs = require("fs");
        const fd = fs.openSync(process.argv[1], "a");
        let n = 0;
        const end = Date.now() + Number(process.argv[2]);
        const t = setInterval(() => {
            const now = new Date();
            fs.writeSync(fd, now.toISOString() + "\t00000000-0000-4000-8000-" +
                String(++n).padStart(12, "0") + "\tINFO\tmarker " + n + "\n");
            if (Date.now() >= end) { clearInterval(t); fs.closeSync(fd); }
        }, 50);' "$logs/marker/m.log" "$1"
}

# poller: "time_ms max_marker_ts_ms" every 50 ms until the file $dir/stop exists
poll()
{
    sid=
    while [ ! -e "$dir/stop" ]; do
        [ -n "$sid" ] || sid=$(sqlite3 "file:$db?mode=ro" \
            "SELECT id FROM streams WHERE function = 'marker'" 2>/dev/null || true)
        if [ -n "$sid" ]; then
            v=$(sqlite3 "file:$db?mode=ro" "SELECT max(ts) FROM events WHERE stream_id = $sid" 2>/dev/null || true)
            echo "$(now_ms) ${v:-0}"
        fi
        sleep 0.05
    done
}

# latency FROM_MS TO_MS — p50 p99 (ms) of markers written in [FROM, TO)
latency()
{
    awk -v from="$1" -v to="$2" '
        NR == FNR { t[NR] = $1; v[NR] = $2; n = NR; next }
        { w = $1 }
        w >= from && w < to {
            for (i = k + 1; i <= n; i++) if (v[i] >= w) break
            if (i <= n) { k = i - 1; lat[++m] = t[i] - w }
        }
        END {
            if (!m) { print "- -"; exit }
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (lat[j] < lat[i]) { x = lat[i]; lat[i] = lat[j]; lat[j] = x }
            p50 = lat[int((m - 1) * 0.50) + 1]; p99 = lat[int((m - 1) * 0.99) + 1]
            printf "%d %d %d\n", p50, p99, m
        }' "$dir/poll.txt" "$dir/written.txt"
}

# the write times of the markers (ms), from the file itself
marker_times()
{
    cut -f1 "$logs/marker/m.log" | while read -r iso; do
        echo $(($(date -d "$iso" +%s%N) / 1000000))
    done >"$dir/written.txt"
}

echo "follow mode: $WRITERS writers x $LINES lines, as fast as they can, + a marker line every 50 ms"
"$BUILD"/obsagent --db "$db" "$logs" 2>"$dir/agent.err" &
AGENT=$!
sleep 1
poll >"$dir/poll.txt" &
POLLER=$!
PIDS="$PIDS $POLLER"
markers 600000 &
MARK=$!
PIDS="$PIDS $MARK"
sleep 1

# ---- 1. saturated -----------------------------------------------------------
t0=$(now_ms)
WS=
for w in $(seq 1 "$WRITERS"); do
    mkdir -p "$logs/fn-$w"
    awk -v w="$w" -v n="$LINES" 'BEGIN {
        for (i = 1; i <= n; i++) {
            printf "2026-11-01T00:%02d:%02d.%03dZ\t5d3c0b8e-1f2a-4b7c-9d10-%012d\tINFO\tline-%d-%d processed order %d in %d ms\n",
                (i / 60000) % 60, (i / 1000) % 60, i % 1000, i, w, i, i * 7 % 100000, i % 250
            if (i % 1000 == 0) fflush()
        } }' >>"$logs/fn-$w/s.log" &
    WS="$WS $!"
done
for p in $WS; do wait "$p"; done
tw=$(now_ms)
total=0
bytes=0
for w in $(seq 1 "$WRITERS"); do
    bytes=$((bytes + $(stat -c %s "$logs/fn-$w/s.log")))
done
total=$((WRITERS * LINES))
while :; do
    got=$(sqlite3 "file:$db?mode=ro" "SELECT coalesce(sum(offset), 0) FROM sources WHERE path LIKE '%/fn-%'" 2>/dev/null || echo 0)
    [ "$got" -ge "$bytes" ] && break
    sleep 0.05
done
t1=$(now_ms)
echo "  writers wrote $total lines ($((bytes / 1048576)) MB) in $((tw - t0)) ms ($((total * 1000 / (tw - t0 + 1))) lines/s)"
echo "  stored (committed) all of them in $((t1 - t0)) ms: $((total * 1000 / (t1 - t0))) lines/s, $(awk -v b="$bytes" -v ms="$((t1 - t0))" 'BEGIN { printf "%.1f", b / 1048576 / (ms / 1000) }') MB/s sustained"
sat_from=$t0
sat_to=$t1
sleep 2

# ---- 2. light load: WRITERS x 2,000 lines/s for 10 s -------------------------
t2=$(now_ms)
WS=
for w in $(seq 1 "$WRITERS"); do
    sh tests/e2e/numbered_writer.sh "$logs/fn-$w/light.log" "l$w" 1 20000 200 0.1 &
    WS="$WS $!"
done
for p in $WS; do wait "$p"; done
t3=$(now_ms)
sleep 2
kill "$MARK" 2>/dev/null || true
sleep 1.5
touch "$dir/stop"
wait "$POLLER" 2>/dev/null || true
marker_times
set -- $(latency "$sat_from" "$sat_to")
echo "  latency write -> visible while saturated: p50 $1 ms, p99 $2 ms ($3 markers)"
set -- $(latency "$t2" "$t3")
echo "  latency write -> visible at ~$((WRITERS * 2000)) lines/s: p50 $1 ms, p99 $2 ms ($3 markers)"
stored=$(sqlite3 "file:$db?mode=ro" "SELECT count(*) FROM events WHERE stream_id IN (SELECT id FROM streams WHERE function LIKE 'fn-%')")
want=$((total + WRITERS * 20000))
echo "  events stored: $stored of $want lines written"

# ---- 3. idle CPU --------------------------------------------------------------
# idle_then_stop WHAT: the running agent's CPU over IDLE_S s (after 2 s), then SIGTERM
idle_then_stop()
{
    sleep 2
    hz=$(getconf CLK_TCK)
    c0=$(awk '{ print $14 + $15 }' "/proc/$AGENT/stat")
    sleep "$IDLE_S"
    c1=$(awk '{ print $14 + $15 }' "/proc/$AGENT/stat")
    echo "  idle agent CPU$1 over $IDLE_S s: $(awk -v d="$((c1 - c0))" -v hz="$hz" -v s="$IDLE_S" 'BEGIN { printf "%.2f%%", d * 100 / hz / s }') of one core ($((c1 - c0)) ticks)"
    kill -TERM "$AGENT"
    wait "$AGENT" 2>/dev/null || true
    AGENT=
}
idle_then_stop ""

# ---- 4. the same files with --once, for comparison --------------------------
mkdir -p "$dir/once"
for w in $(seq 1 "$WRITERS"); do
    mkdir -p "$dir/once/fn-$w"
    cp "$logs/fn-$w/s.log" "$dir/once/fn-$w/s.log"
done
"$BUILD"/obsagent --once --no-progress --db "$dir/once.db" "$dir/once" | head -n 1 | sed 's/^/  --once on the same saturated files: /'

# ---- 5. many files: FILES stream files of 20 lines, in 8 function directories --
# stored by follow mode (time to the last line committed), then the agent's
# idle CPU with all of them followed; a scan and a turn cost O(files)
FILES=${BENCH_FOLLOW_FILES:-8000}
many=$dir/many
awk -v dir="$many" -v n="$FILES" 'BEGIN {
    for (f = 0; f < 8; f++) system("mkdir -p " dir "/fn-" f);
    for (i = 0; i < n; i++) {
        p = sprintf("%s/fn-%d/2026-11-01-%06d.log", dir, i % 8, i);
        for (l = 1; l <= 20; l++)
            printf "2026-11-01T00:00:%02d.000Z\t00000000-0000-4000-8000-%012d\tINFO\tmany %d %d\n", l, i, i, l > p;
        close(p);
    }
}'
t0=$(now_ms)
"$BUILD"/obsagent --db "$dir/many.db" -q --no-progress "$many" 2>>"$dir/many.err" &
AGENT=$!
want=$((FILES * 20))
while :; do
    n=$(sqlite3 "file:$dir/many.db?mode=ro" "SELECT max(id) FROM events" 2>/dev/null || true)
    case $n in '' | *[!0-9]*) n=0 ;; esac
    [ "$n" -ge "$want" ] && break
    [ $(($(now_ms) - t0)) -lt 300000 ] || { echo "  many files: $n of $want stored after 300 s"; break; }
    sleep 0.1
done
echo "  $FILES files followed: $want lines stored in $(($(now_ms) - t0)) ms"
idle_then_stop " following $FILES files"
t0=$(now_ms)
"$BUILD"/obsagent --once -q --no-progress --db "$dir/many-once.db" "$many"
echo "  --once on the same $FILES files: $(($(now_ms) - t0)) ms"
