#!/bin/sh
# scripts/demo.sh — `make demo`: write two hours of three functions' Lambda
# logs, ending a few minutes before now (text and JSON log formats, cold
# starts, errors, timeouts, crashes, throttling, EMF metrics), and a
# hand-written fourth function whose EMF documents include one CloudWatch
# would drop; import them with obsagent --once, import again to show
# nothing is doubled, and print what the store answers: the per-function
# summary, the EMF metrics and their errors, a Logs Insights query from the
# AWS console. End on obstop (a plain-text frame when not on a terminal).
# Everything lands in ./demo/; the README's examples all answer on it
# (tests/e2e/test_readme.sh).
set -eu
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.."
out=${DEMO_DIR:-demo}   # tests/e2e/test_readme.sh makes its own
rm -rf "$out"
mkdir -p "$out"
chmod 700 "$out"

# two hours of invocations that end about ten minutes ago (the arrivals
# are random: give or take a few minutes)
start=$(date -u -d '-130 minutes' +%Y-%m-%dT%H:%M:%SZ)
echo "==> writing two hours of sample logs of 3 functions to $out/logs/ (from $start)"
"$BUILD"/lambdagen --out "$out/logs" --functions 3 --invocations 400 --format mixed --seed 42 \
    --start "$start" --hours 2 --truth "$out/truth.txt" >/dev/null

# a function that writes EMF by hand (Node.js runtime lines): Latency per
# Service, and a document with the unit "Millis", which CloudWatch drops
mkdir -p "$out/logs/billing"
now_ms=$(date +%s%3N)
{
    i=0
    for svc in api api worker api worker api; do
        ts=$((now_ms - 600000 + i * 60000))
        t=$(date -u -d "@$((ts / 1000))" +%Y-%m-%dT%H:%M:%S.000Z)
        id=$(printf 'b111%04x-0000-4000-8000-00000000%04x' "$i" "$i")
        printf 'START RequestId: %s Version: $LATEST\n' "$id"
        printf '%s\t%s\tINFO\t{"_aws":{"Timestamp":%s,"CloudWatchMetrics":[{"Namespace":"billing","Dimensions":[["Service"]],"Metrics":[{"Name":"Latency","Unit":"Milliseconds"}]}]},"Service":"%s","Latency":%d}\n' \
            "$t" "$id" "$ts" "$svc" $((40 + i * 7))
        if [ "$i" = 3 ]; then
            printf '%s\t%s\tINFO\t{"_aws":{"Timestamp":%s,"CloudWatchMetrics":[{"Namespace":"billing","Dimensions":[["Service"]],"Metrics":[{"Name":"QueueTime","Unit":"Millis"}]}]},"Service":"%s","QueueTime":12}\n' \
                "$t" "$id" "$ts" "$svc"
        fi
        printf 'END RequestId: %s\n' "$id"
        printf 'REPORT RequestId: %s\tDuration: %d.00 ms\tBilled Duration: %d ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB\n' \
            "$id" $((50 + i * 9)) $((50 + i * 9))
        i=$((i + 1))
    done
} >"$out/logs/billing/hand-written.log"
find "$out/logs" -type f | head -n 3 | sed 's/^/    /'
echo "    ... $(find "$out/logs" -type f | wc -l) stream files"
echo
echo "==> obsagent --once -d $out/obs.db $out/logs"
"$BUILD"/obsagent --once --no-progress -d "$out/obs.db" "$out/logs"
echo
echo "==> the same command again: nothing is imported twice"
"$BUILD"/obsagent --once --no-progress -d "$out/obs.db" "$out/logs" | head -n 2
echo
echo "==> obsq -d $out/obs.db summary"
"$BUILD"/obsq -d "$out/obs.db" summary
echo
echo "==> obsq -d $out/obs.db metrics      (EMF custom metrics, per series)"
"$BUILD"/obsq -d "$out/obs.db" metrics
echo
echo "==> obsq -d $out/obs.db metrics --errors      (EMF documents CloudWatch would drop)"
"$BUILD"/obsq -d "$out/obs.db" metrics --errors
echo
q='filter @type = "REPORT"
| stats sum(strcontains(@message, "Init Duration"))/count(*) * 100 as
  coldStartPct, avg(@duration)
  by bin(30m)'
echo "==> a Logs Insights query from the AWS console, unchanged (percentage of cold starts):"
echo "$q" | sed 's/^/    /'
"$BUILD"/obsq -d "$out/obs.db" "$q"
echo
echo "The store is $out/obs.db; the README's examples all answer on it. Try:"
echo "  $BUILD/obstop -d $out/obs.db      # the dashboard (q quits, ? for keys)"
echo "  $BUILD/obsq -d $out/obs.db --since 2h 'filter @message like /(?i)timed out/ | fields @timestamp, @logStream, @message'"
echo "  $BUILD/obsq -d $out/obs.db summary --since 30m -o json"
echo "  $BUILD/obsagent -d $out/obs.db $out/logs     # follow mode: append to a log and query again"
echo
if [ -t 0 ] && [ -t 1 ]; then
    echo "==> obstop -d $out/obs.db      (q quits, ? shows the keys)"
    sleep 2
    "$BUILD"/obstop -d "$out/obs.db"
else
    echo "==> obstop -d $out/obs.db --dump      (not a terminal: one plain-text frame)"
    "$BUILD"/obstop -d "$out/obs.db" --dump --width 120 --height 24
fi
