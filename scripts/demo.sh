#!/bin/sh
# scripts/demo.sh — `make demo`: write a sample of three functions' Lambda
# logs (text and JSON log formats, with EMF metrics), import them with
# obsagent --once, import again to show nothing is doubled, and print the
# per-function summary and the EMF metrics read back from the store; end
# by opening obstop on the store (a plain-text frame when not on a
# terminal). Everything lands in ./demo/.
set -eu
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.."
out=demo
rm -rf "$out"
mkdir -p "$out"

echo "==> writing sample logs of 3 functions to $out/logs/"
"$BUILD"/lambdagen --out "$out/logs" --functions 3 --invocations 400 --format mixed --seed 42 \
    --truth "$out/truth.txt" >/dev/null
find "$out/logs" -type f | head -n 3 | sed 's/^/    /'
echo "    ... $(find "$out/logs" -type f | wc -l) stream files"
echo
echo "==> obsagent --once --db $out/obs.db $out/logs"
"$BUILD"/obsagent --once --db "$out/obs.db" "$out/logs"
echo
echo "==> the same command again: nothing is imported twice"
"$BUILD"/obsagent --once --db "$out/obs.db" "$out/logs" | head -n 2
echo
echo "==> obsq --db $out/obs.db summary"
"$BUILD"/obsq --db "$out/obs.db" summary
echo
echo "==> obsq --db $out/obs.db metrics      (EMF custom metrics, per series)"
"$BUILD"/obsq --db "$out/obs.db" metrics
echo
q='filter @type = "REPORT"
| stats sum(strcontains(@message, "Init Duration"))/count(*) * 100 as
  coldStartPct, avg(@duration)
  by bin(30m)'
echo "==> a Logs Insights query from the AWS console, unchanged (percentage of cold starts):"
echo "$q" | sed 's/^/    /'
"$BUILD"/obsq --db "$out/obs.db" "$q"
echo
echo "The store is $out/obs.db. Try:"
echo "  $BUILD/obstop --db $out/obs.db --window all     # the dashboard (q quits, ? for keys)"
echo "  $BUILD/obsq --db $out/obs.db 'filter @message like /(?i)timed out/ | fields @timestamp, @logStream, @message'"
echo "  $BUILD/obsq --db $out/obs.db --context 2 'filter @message like \"Invoke Error\" | limit 3'"
echo "  $BUILD/obsagent --db $out/obs.db $out/logs     # follow mode: append to a log and query again"
echo
if [ -t 0 ] && [ -t 1 ]; then
    echo "==> obstop --db $out/obs.db --window all      (q quits, ? shows the keys)"
    sleep 2
    "$BUILD"/obstop --db "$out/obs.db" --window all
else
    echo "==> obstop --db $out/obs.db --window all --dump      (not a terminal: one plain-text frame)"
    "$BUILD"/obstop --db "$out/obs.db" --window all --dump --width 120 --height 24
fi
