#!/bin/sh
# tests/valgrind.sh — `make valgrind`: each program's main paths under
# valgrind memcheck (definite and indirect leaks and every memory error are
# failures): obsagent --once on a small generated corpus; obsagent in follow
# mode for a few seconds with the EMF endpoint on a free port, fed over TCP,
# then SIGTERM; obsq on a stats query, a regex filter, summary and metrics;
# obstop --dump on each view. Ends with "N passed, N failed". Not part of
# `make test` (about a minute). BUILD selects the build directory.
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.." || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/obs-valgrind.XXXXXX") || exit 2
AGENT=
trap '[ -n "$AGENT" ] && kill -KILL $AGENT 2>/dev/null; rm -rf "$T"' EXIT
passed=0
failed=0
VG="valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect
    --error-exitcode=99 --track-fds=no --quiet"
export OBS_EMF_LISTEN=off

# run NAME CMD... — one program under memcheck; its report in $T/NAME.vg
run()
{
    name=$1
    shift
    $VG --log-file="$T/$name.vg" "$@" >"$T/$name.out" 2>&1
    judge "$name" $?
}

judge()
{
    if [ "$2" -eq 99 ] || [ -s "$T/$1.vg" ]; then
        failed=$((failed + 1))
        echo "FAIL $1 (exit $2):"
        sed 's/^/    /' "$T/$1.vg" | head -n 60
    elif [ "$2" -ne 0 ]; then
        failed=$((failed + 1))
        echo "FAIL $1: exit $2"
        tail -n 5 "$T/$1.out" | sed 's/^/    /'
    else
        passed=$((passed + 1))
        echo "ok   $1"
    fi
}

"$BUILD/lambdagen" --out "$T/logs" --functions 2 --invocations 60 --format mixed --seed 4 \
    --hours 1 >/dev/null || exit 2
DB=$T/obs.db
run agent-once "$BUILD/obsagent" --once -q --no-progress --db "$DB" "$T/logs"

# follow mode: a free port for the EMF endpoint, a few seconds of work, SIGTERM
port=$(( 20000 + $$ % 20000 ))
while ss -ltnH 2>/dev/null | grep -q ":$port "; do port=$((port + 1)); done
mkdir -p "$T/follow/fn"
$VG --log-file="$T/agent-follow.vg" "$BUILD/obsagent" --db "$T/f.db" --poll-ms 100 \
    --retention 7d --emf-listen "tcp://127.0.0.1:$port" "$T/follow" >"$T/agent-follow.out" 2>&1 &
AGENT=$!
sleep 3
cp "$T/logs"/*/*.log "$T/follow/fn/" 2>/dev/null
printf '{"_aws":{"Timestamp":%s000,"CloudWatchMetrics":[{"Namespace":"vg","Dimensions":[["Op"]],"Metrics":[{"Name":"Lat","Unit":"Milliseconds"}]}]},"Op":"get","Lat":12}\n' \
    "$(date +%s)" | node -e '
const s = require("net").connect(+process.argv[1], "127.0.0.1", () => {
  process.stdin.pipe(s); });' "$port" 2>/dev/null
sleep 3
kill -TERM $AGENT
wait $AGENT
judge agent-follow $?
AGENT=
# the paths ran for real: the files and the TCP document were stored
lines=$(cat "$T/logs"/*/*.log | wc -l)
got=$(sqlite3 -readonly "$T/f.db" "SELECT (SELECT count(*) FROM events) || ' ' ||
  (SELECT count(*) FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.namespace = 'vg')")
if [ "$got" = "$((lines + 1)) 1" ]; then
    passed=$((passed + 1))
    echo "ok   agent-follow stored $lines lines and the EMF document"
else
    failed=$((failed + 1))
    echo "FAIL agent-follow: stored (events, vg points) $got, expected $((lines + 1)) 1"
fi

run obsq-stats "$BUILD/obsq" --db "$DB" 'stats count(*), avg(@duration), pct(@duration, 99) by bin(5m)'
run obsq-regex "$BUILD/obsq" --db "$DB" 'filter @message like /Task timed out|ERROR/ | fields @timestamp, @message | limit 20'
run obsq-summary "$BUILD/obsq" --db "$DB" summary
run obsq-metrics "$BUILD/obsq" --db "$DB" metrics
for v in overview tail emf "function:$(ls "$T/logs" | head -n 1)"; do
    run "obstop-$(echo "$v" | cut -d: -f1)" "$BUILD/obstop" --dump --window all --view "$v" --db "$DB"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
