#!/bin/sh
# bench/bench_compress.sh — `make bench` with BENCH_COMPRESS=1 (issue #18):
# generate the import benchmark's corpus (mixed formats, ~10% EMF, seed 1),
# import it with obsagent --once, and run bench/bench_compress on the store:
# what compressing events.message with zstd would give, per row (with and
# without a trained dictionary) and in blocks of lines, and an estimate of
# the store's size in each design against the logs' size.
# BENCH_LINES overrides the corpus size; BENCH_DIR the scratch directory.
set -eu
BUILD=${BUILD:-build}
LINES=${BENCH_LINES:-1000000}
dir=${BENCH_DIR:-$(mktemp -d /tmp/obs-bench.XXXXXX)}
cd "$(dirname "$0")/.."
trap 'rm -rf "$dir"' EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "sqlite:  $(sqlite3 --version | cut -d' ' -f1); zstd: $(pkg-config --modversion libzstd)"
echo "corpus:  $LINES lines, mixed text and JSON log formats, ~10% EMF, seed 1"
"$BUILD"/lambdagen --out "$dir/logs" --lines "$LINES" --format mixed --seed 1 --emf-rate 0.254 >/dev/null
# bytes, not du's blocks: thousands of small files round up to 4 KiB each
logs=$(find "$dir/logs" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }')
echo "         $(find "$dir/logs" -type f | wc -l) files, $logs bytes"
echo "method:  obsagent --once imports the corpus; bench_compress reads every message in"
echo "         (stream_id, id) order and compresses it in each design, timed on one core"
echo

"$BUILD"/obsagent --once --no-progress --db "$dir/obs.db" "$dir/logs" | head -n 1
echo
"$BUILD"/bench_compress --logs-bytes "$logs" "$dir/obs.db"
