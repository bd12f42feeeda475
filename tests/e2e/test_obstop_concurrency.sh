#!/bin/sh
# tests/e2e/test_obstop_concurrency.sh — obstop's concurrency against the
# independent computation of report_truth.js, through obstop --dump:
#   - the overview's Conc column (each function's peak in the window, the
#     totals row account-wide) on the fixed schedule of loadgen.js (every
#     kind of input, requests interleaved in one stream, an emulator);
#   - the function detail: the peak against the function's own limit or
#     the account's, the cold starts by kind, and how many invocations were
#     timed by their lines and by the time rule;
#   - a live invocation not ended: in flight now, in the overview and the
#     detail;
#   - --concurrency-limit and --account-limit refused when malformed.
. "$(dirname "$0")/lib.sh"
need obsagent
command -v node >/dev/null 2>&1 || { fail "node is needed (scripts/deps.sh test)"; finish; }
E2E=$(cd "$(dirname "$0")" && pwd)
OBSTOP=$BUILD/obstop

D=$T/schedule
mkdir -p "$D"
check "generate the schedule" node "$E2E/loadgen.js" schedule "$D"
check "import it" "$OBSAGENT" --once --no-progress --db "$D/obs.db" "$D/logs"
# every invocation's time lies in the truth's range: the window "all" holds the same
node -e '
    const { truth } = require(process.argv[1]);
    const i = require(process.argv[2]);
    const t = truth(i, { since: i.range.since - 3600000, until: i.range.until + 3600000 }, null).cur;
    for (const [n, f] of Object.entries(t.fns))
        console.log(n, f.conc_peak, f.colds.on_demand, f.colds.provisioned, f.colds.snap_start, f.exact, f.estimated);
    console.log("ALL", t.all.conc_peak);' "$E2E/report_truth.js" "$D/input.json" >"$T/truth" 2>&1
check "the truth is computed" test -s "$T/truth"

"$OBSTOP" --db "$D/obs.db" --dump --window all --width 220 --height 30 --account-limit 8 \
    --concurrency-limit exportfn=3 >"$T/ov" 2>&1
col=$(awk '/^Function/ { for (i = 1; i <= NF; i++) if ($i ~ /^Conc/) print i; exit }' "$T/ov")
check "the overview has a Conc column" test -n "$col"
while read -r fn peak od pc ss ex est; do
    if [ "$fn" = ALL ]; then
        check_eq "overview: the totals row's Conc is the account-wide peak" \
            "$(awk -v c="$((col + 1))" '/^total \(/ { print $c }' "$T/ov")" "$peak"
        continue
    fi
    check_eq "overview: $fn's Conc is its peak" "$(awk -v f="$fn" -v c="$col" '$1 == f { print $c }' "$T/ov")" "$peak"
    "$OBSTOP" --db "$D/obs.db" --dump --window all --width 160 --height 60 --account-limit 8 \
        --concurrency-limit exportfn=3 --view "function:$fn" >"$T/detail" 2>&1
    if [ "$fn" = exportfn ]; then
        check_grep "detail: $fn against its own limit" "$T/detail" "against the limit 3\$"
        check_grep "detail: $fn's limit line" "$T/detail" "^limit 3 "
    else
        check_grep "detail: $fn against the account's limit" "$T/detail" "against the account's limit 8\$"
    fi
    check_grep "detail: $fn's peak" "$T/detail" "^peak $peak \\("
    check_grep "detail: $fn's cold starts by kind" "$T/detail" \
        "^cold starts by kind: on demand $od \\(a request waited\\), provisioned $pc, SnapStart $ss\$"
    check_grep "detail: how $fn's invocations were timed" "$T/detail" \
        "^timed: $ex invocations exact to the line, $est from the time rule\$"
done <"$T/truth"

# ---- in flight now: an invocation started 10 s ago that has not ended ----------
NOW=$(date +%s)
iso() { date -u -d "@$((NOW - $1))" +%Y-%m-%dT%H:%M:%S.000Z; }
mkdir -p "$T/live/api"
{
    printf '%s START RequestId: a1 Version: $LATEST\n' "$(iso 40)"
    printf '%s START RequestId: a2 Version: $LATEST\n' "$(iso 30)"
    printf '%s REPORT RequestId: a1\tDuration: 20000.00 ms\tBilled Duration: 20000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n' "$(iso 20)"
    printf '%s START RequestId: a3 Version: $LATEST\n' "$(iso 10)"
} >"$T/live/api/s1.log"
check "import a live stream" "$OBSAGENT" --once --no-progress --db "$T/live.db" "$T/live"
"$OBSTOP" --db "$T/live.db" --dump --window 5m --width 200 --height 30 >"$T/live_ov" 2>&1
col=$(awk '/^Function/ { for (i = 1; i <= NF; i++) if ($i ~ /^Conc/) print i; exit }' "$T/live_ov")
check_eq "live: api's peak (a1 with a2, then a2 with a3)" "$(awk -v c="$col" '$1 == "api" { print $c }' "$T/live_ov")" 2
"$OBSTOP" --db "$T/live.db" --dump --window 5m --width 160 --height 60 --view function:api >"$T/live_d" 2>&1
check_grep "live: two in flight now (a2 and a3)" "$T/live_d" "^peak 2 \\(0% of the limit\\)  in flight now 2\$"

# ---- bad limits ------------------------------------------------------------------
for bad in "--concurrency-limit api" "--concurrency-limit api=0" "--concurrency-limit =3" "--account-limit 0" \
    "--account-limit many"; do
    # shellcheck disable=SC2086
    check_fail "obstop $bad is refused" "$OBSTOP" --db "$T/live.db" --dump $bad
    # shellcheck disable=SC2086
    "$OBSTOP" --db "$T/live.db" --dump $bad >/dev/null 2>"$T/err"
    check_grep "obstop $bad: says what a limit is" "$T/err" "1 or more"
done

finish
