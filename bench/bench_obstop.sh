#!/bin/sh
# bench/bench_obstop.sh — run by `make bench` (BENCH_OBSTOP=0 skips it):
# generate BENCH_OBSTOP_LINES (default 2,000,000) Lambda log lines of 10
# functions over 24 hours (text format, seed 9), import them, then
#   - bench_frame: the time to compute one frame of each view (the work of
#     one refresh tick: reload the view's models, draw the frame);
#   - obsq report over the whole store (a day of 2,000,000 events; target
#     2 s): the fastest and the median of 5 runs, HTML and Markdown;
#   - idle CPU: obstop on a real terminal (tmux) at the default 1 s refresh
#     for BENCH_OBSTOP_IDLE_S (default 30) seconds while nothing is written,
#     as user+system CPU time from /proc/PID/stat over wall time.
# BENCH_OBSTOP_DIR keeps the scratch directory (and reuses its store).
set -eu
BUILD=${BUILD:-build}
LINES=${BENCH_OBSTOP_LINES:-2000000}
IDLE_S=${BENCH_OBSTOP_IDLE_S:-30}
if [ "${BENCH_OBSTOP:-1}" = 0 ]; then
    echo "obstop benchmark skipped (BENCH_OBSTOP=0)"
    exit 0
fi
cd "$(dirname "$0")/.."
BUILD=$(cd "$BUILD" && pwd)
if [ -n "${BENCH_OBSTOP_DIR:-}" ]; then
    dir=$BENCH_OBSTOP_DIR
    mkdir -p "$dir"
else
    dir=$(mktemp -d /tmp/obs-bencht.XXXXXX)
    trap 'rm -rf "$dir"' EXIT
fi
echo "obstop: $LINES lines, 10 functions over 24 h"
if [ ! -s "$dir/obs.db" ]; then
    "$BUILD"/lambdagen --out "$dir/logs" --lines "$LINES" --functions 10 --hours 24 --format text \
        --seed 9 >/dev/null
    "$BUILD"/obsagent --once --no-progress -q --db "$dir/obs.db" "$dir/logs"
    rm -rf "$dir/logs"
fi
echo "store:   $(sqlite3 "file:$dir/obs.db?mode=ro" 'SELECT count(*) FROM events') events," \
     "$(sqlite3 "file:$dir/obs.db?mode=ro" 'SELECT count(*) FROM rollup_minute') rollup rows," \
     "$(du -m "$dir/obs.db" | cut -f1) MB"
"$BUILD"/bench_frame --db "$dir/obs.db"
for fmt in html md; do
    t=$("$BUILD"/timeit 5 "$dir/report.out" "$BUILD"/obsq report --db "$dir/obs.db" -o "$fmt")
    echo "obsq report -o $fmt (the whole store): $t ms (median, fastest; target 2000)"
done

if ! command -v tmux >/dev/null 2>&1; then
    echo "idle CPU: skipped (no tmux)"
    exit 0
fi
S=obs-bench-idle-$$
tmux new-session -d -s "$S" -x 160 -y 50 "echo \$\$ >$dir/pid; exec $BUILD/obstop --db $dir/obs.db"
sleep 3   # let it draw its first frame
pid=$(cat "$dir/pid")
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
t0=$(ticks)
sleep "$IDLE_S"
t1=$(ticks)
tmux kill-session -t "$S"
hz=$(getconf CLK_TCK)
awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$IDLE_S" \
    'BEGIN { printf "idle CPU: %.2f%% of a core (%d ticks of 1/%d s in %d s, 1 s refresh)\n", d / hz / s * 100, d, hz, s }'
