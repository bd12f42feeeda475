#!/bin/sh
# bench/bench_import.sh — `make bench`: generate a 1,000,000-line Lambda log
# corpus (10% of lines EMF documents), import it with obsagent --once (full
# pipeline: framing, classifier, EMF extraction, events + full-text index,
# invocations, rollups, metric points and rollups, checkpoints), and again
# with --no-emf to show what EMF extraction costs, and on one thread
# (OBS_WRITER_THREAD=0) to show what the writer thread gains; then insert the same lines
# into the same schema without parsing (the ceiling), with and without the
# full-text index. Prints lines/s and MB/s for each.
# BENCH_LINES overrides the corpus size; BENCH_DIR the scratch directory.
set -eu
BUILD=${BUILD:-build}
LINES=${BENCH_LINES:-1000000}
dir=${BENCH_DIR:-$(mktemp -d /tmp/obs-bench.XXXXXX)}
cd "$(dirname "$0")/.."
trap 'rm -rf "$dir"' EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "sqlite:  $(sqlite3 --version | cut -d' ' -f1)"
echo "corpus:  $LINES lines, mixed text and JSON log formats, ~10% EMF, seed 1"
"$BUILD"/lambdagen --out "$dir/logs" --lines "$LINES" --format mixed --seed 1 --emf-rate 0.254 >/dev/null
files=$(find "$dir/logs" -type f | sort)
echo "         $(echo "$files" | wc -l) files, $(du -sm "$dir/logs" | cut -f1) MB"
echo

echo "obsagent --once (full pipeline):"
"$BUILD"/obsagent --once --no-progress --db "$dir/obs.db" "$dir/logs" > "$dir/with.txt"
head -n 1 "$dir/with.txt" | sed 's/^/  /'
grep '^  emf' "$dir/with.txt"
echo "  store: $(du -m "$dir/obs.db" | cut -f1) MB"
echo "obsagent --once on one thread (OBS_WRITER_THREAD=0: row writes and checkpoints on the main thread):"
OBS_WRITER_THREAD=0 "$BUILD"/obsagent --once --no-progress --db "$dir/onethread.db" "$dir/logs" > "$dir/onethread.txt"
head -n 1 "$dir/onethread.txt" | sed 's/^/  /'
one=$(head -n 1 "$dir/onethread.txt" | sed 's/.* in \([0-9.]*\) s .*/\1/')
withthr=$(head -n 1 "$dir/with.txt" | sed 's/.* in \([0-9.]*\) s .*/\1/')
echo "  the writer thread takes $(awk -v a="$withthr" -v b="$one" 'BEGIN { printf "%.0f%%", (b - a) * 100 / b }') off the import time"
rm -f "$dir"/onethread.db*
echo "obsagent --once --no-emf (the same without EMF extraction):"
"$BUILD"/obsagent --once --no-progress --no-emf --db "$dir/noemf.db" "$dir/logs" > "$dir/without.txt"
head -n 1 "$dir/without.txt" | sed 's/^/  /'
with=$(head -n 1 "$dir/with.txt" | sed 's/.* in \([0-9.]*\) s .*/\1/')
without=$(head -n 1 "$dir/without.txt" | sed 's/.* in \([0-9.]*\) s .*/\1/')
echo "  EMF extraction adds $(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.1f%%", (a - b) * 100 / b }') to import time"
echo "obsagent --once, the same events as a CloudWatch export to S3 (their time before each):"
# written from the store: each event at its time, a stream per file, as an
# export holds them; the tail decoder (lambda/decode.c) takes the time off
us=$(printf '\037')
rs=$(printf '\036')
sqlite3 -readonly -separator "$us" -newline "$rs" "$dir/obs.db" \
    "SELECT s.function || '/' || replace(s.stream, '/', '_') || '.log',
            strftime('%Y-%m-%dT%H:%M:%fZ', e.ts / 1000.0, 'unixepoch'), e.message
     FROM events e JOIN streams s ON s.id = e.stream_id ORDER BY e.stream_id, e.id" |
    awk -v RS="$rs" -v FS="$us" -v out="$dir/wrapped" '
        NF >= 3 { f = out "/" $1; if (!(f in seen)) { seen[f] = 1; d = f; sub(/\/[^\/]*$/, "", d);
                  system("mkdir -p \"" d "\"") }
                  m = $3; for (i = 4; i <= NF; i++) m = m FS $i; print $2 " " m > f }'
"$BUILD"/obsagent --once --no-progress --db "$dir/wrapped.db" "$dir/wrapped" > "$dir/wrapped.txt"
head -n 1 "$dir/wrapped.txt" | sed 's/^/  /'
wrapped=$(head -n 1 "$dir/wrapped.txt" | sed 's/.* in \([0-9.]*\) s .*/\1/')
echo "  taking the wrapper off adds $(awk -v a="$wrapped" -v b="$with" 'BEGIN { printf "%.1f%%", (a - b) * 100 / b }') to import time"
echo
echo "ceiling, same lines, same schema, no parsing:"
# shellcheck disable=SC2086
"$BUILD"/bench_raw_insert "$dir/raw.db" $files > "$dir/raw.txt"
# shellcheck disable=SC2086
"$BUILD"/bench_raw_insert --fts "$dir/rawfts.db" $files > "$dir/rawfts.txt"
sed 's/^/  /' "$dir/raw.txt" "$dir/rawfts.txt"

# the issue's two targets, as ratios of the same run (the machine's speed
# drifts; ratios of one run do not): import rate over the plain-insert
# ceiling (target >= 0.5), store size over the logs' size (target <= 1.0)
rate=$(head -n 1 "$dir/with.txt" | sed 's/.*(\([0-9]*\) lines\/s.*/\1/')
ceiling=$(sed 's/.*: \([0-9]*\) rows\/s.*/\1/' "$dir/raw.txt")
ceilfts=$(sed 's/.*: \([0-9]*\) rows\/s.*/\1/' "$dir/rawfts.txt")
# bytes, not du's blocks: 8,000 small files round up to 4 KiB each
logs_kb=$(find "$dir/logs" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s / 1024 }')
store_kb=$(find "$dir" -maxdepth 1 -name 'obs.db*' -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s / 1024 }')
echo
echo "ratios:"
awk -v r="$rate" -v c="$ceiling" -v f="$ceilfts" 'BEGIN {
    printf "  import / plain-insert ceiling:        %.2f (%d / %d lines/s; target >= 0.5)\n", r / c, r, c
    printf "  import / insert with full-text index: %.2f (%d / %d lines/s)\n", r / f, r, f }'
awk -v s="$store_kb" -v l="$logs_kb" 'BEGIN {
    printf "  store / logs:                         %.2f (%.0f MB / %.0f MB; target <= 1.0)\n", s / l, s / 1024, l / 1024 }'

if [ "${BENCH_FTS_COMPARE:-0}" = 1 ]; then
    echo
    echo "full-text designs on the same rows (BENCH_FTS_COMPARE=1):"
    for opts in "tokenize=obsword, detail=none, columnsize=0" \
                "tokenize=unicode61, detail=none, columnsize=0" \
                "tokenize=unicode61" \
                "tokenize=trigram, detail=none" \
                "tokenize=trigram"; do
        rm -f "$dir"/cmp.db*
        # shellcheck disable=SC2086
        "$BUILD"/bench_raw_insert --fts-options "$opts" "$dir/cmp.db" $files | sed 's/^/  /'
    done
fi
