#!/bin/sh
# tests/e2e/test_report.sh — obsq report, every number of it checked
# against an independent computation (report_truth.js, from what the
# generator wrote, none of obs's code):
#   - a fixed schedule of overlapping invocations in every kind of input
#     (CloudWatch export, JSON log format, a bare file under the time rule,
#     requests interleaved in one stream, SnapStart, provisioned
#     concurrency, an emulator): the Markdown report, number by number;
#   - a load test ramping from 1 to 200 users against a reserved
#     concurrency of 150, beside a smaller baseline an hour before: every
#     number and change, and the ramp, its cold starts and its throttle
#     signals where the generator put them (ramp_shape.js);
#   - both HTML reports opened in Debian's chromium, headless: the page
#     renders with nothing fetched, every chart point equals the Markdown's
#     number, the limit lines stand, every table cell as rendered is the
#     Markdown's; the screenshots are kept, with the
#     reports, in $BUILD/test-artifacts/report/;
#   - bad options refused with what to do; a function the range does not
#     have named on stderr.
. "$(dirname "$0")/lib.sh"
need obsagent obsq
command -v node >/dev/null 2>&1 || { fail "node is needed (scripts/deps.sh test)"; finish; }
E2E=$(cd "$(dirname "$0")" && pwd)
ART=$BUILD/test-artifacts/report
mkdir -p "$ART"

# the range, baseline and limits of a generated input as obsq report options
opts() {
    node -e '
        const i = require(process.argv[1]);
        const o = ["--start", i.range.since, "--end", i.range.until, "--account-limit", i.limits.account];
        if (i.baseline) o.push("--baseline-start", i.baseline.since, "--baseline-end", i.baseline.until);
        for (const [f, n] of Object.entries(i.limits.fn)) o.push("--concurrency-limit", f + "=" + n);
        console.log(o.join(" "));' "$1"
}

# node output of "ok WHAT" / "FAIL WHAT: ..." lines, counted as checks
count_lines() {
    [ -s "$1" ] || { fail "$2: no output"; return; }
    while IFS= read -r l; do
        case $l in
        ok\ *) pass "${l#ok }" ;;
        FAIL\ *) fail "${l#FAIL }" ;;
        *) [ -n "$l" ] && echo "    $l" ;;
        esac
    done <"$1"
}

for mode in schedule ramp; do
    D=$T/$mode
    mkdir -p "$D"
    check "$mode: generate" node "$E2E/loadgen.js" "$mode" "$D"
    check "$mode: import" "$OBSAGENT" --once --no-progress --db "$D/obs.db" "$D/logs"
    # shellcheck disable=SC2046 # the options are words
    "$OBSQ" report --db "$D/obs.db" -o md $(opts "$D/input.json") >"$D/$mode.md" 2>"$T/err"
    check_eq "$mode: report -o md: exit status" "$?" 0
    # shellcheck disable=SC2046
    "$OBSQ" report --db "$D/obs.db" $(opts "$D/input.json") >"$D/$mode.html" 2>"$T/err"
    check_eq "$mode: report (HTML): exit status" "$?" 0
    node "$E2E/report_check.js" "$D/input.json" "$D/$mode.md" "$mode report" >"$T/check.out" 2>&1
    count_lines "$T/check.out" "$mode: report_check"
    cp "$D/$mode.md" "$D/$mode.html" "$ART/"
done

# the schedule: how exact each kind of input is, said in the report
check_grep "schedule: a bare file's invocations are counted from the time rule" "$T/schedule/schedule.md" \
    '^\| barefn \| 0 \| 161 \|'
check_grep "schedule: interleaved requests in one stream overlap" "$T/schedule/schedule.md" \
    '^\| lmi \| 4 \| .* \| 1 \|$'

node "$E2E/ramp_shape.js" "$T/ramp/input.json" "$T/ramp/ramp.md" >"$T/shape.out" 2>&1
count_lines "$T/shape.out" "ramp_shape"

# ---- in a real browser -------------------------------------------------------
if command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1; then
    timeout 120 node "$E2E/browser_probe.js" \
        "$T/schedule/schedule.html" "$T/schedule/schedule.md" "$ART/schedule.png" \
        "$T/ramp/ramp.html" "$T/ramp/ramp.md" "$ART/ramp.png" >"$T/probe.out" 2>&1
    count_lines "$T/probe.out" "browser_probe"
    check "the screenshots are kept" test -s "$ART/schedule.png" -a -s "$ART/ramp.png"
else
    fail "chromium is needed to open the report (scripts/deps.sh test)"
fi

# ---- bad options ---------------------------------------------------------------------
R="$OBSQ report --db $T/ramp/obs.db"
bad() {  # DESC WHAT-THE-MESSAGE-SAYS ARGS...
    d=$1 say=$2
    shift 2
    # shellcheck disable=SC2086
    check_fail "$d: refused" $R "$@"
    # shellcheck disable=SC2086
    $R "$@" >/dev/null 2>"$T/err"
    check_grep "$d: says why" "$T/err" "$say"
}
bad "a limit without =N" "FUNCTION=N" --concurrency-limit loadtest
bad "a limit of 0" "1 or more" --concurrency-limit loadtest=0
bad "a limit without a function" "FUNCTION=N" --concurrency-limit =5
bad "a negative account limit" "1 or more" --account-limit -3
bad "an unknown format" "html or md" -o pdf
bad "an empty range" "end is not after its start" --start 2026-12-01T10:00:00Z --end 2026-12-01T09:00:00Z
bad "a baseline end alone" "needs --baseline-start" --baseline-end 2026-12-01T09:00:00Z
bad "a price that is no number" "price in USD" --price-gb-s abc
$R -o md --function nosuch --function loadtest >"$T/one.md" 2>"$T/err"
check_eq "a function the range does not have: not an error" "$?" 0
check_grep "a function the range does not have: named on stderr" "$T/err" "no invocation .* function 'nosuch'"
check_grep "... and the one it has is reported" "$T/one.md" "^\| loadtest \| "
check_fail "no store: refused" "$OBSQ" report --db "$T/none.db" -o md
"$OBSQ" report --db "$T/none.db" -o md >/dev/null 2>"$T/err"
check_grep "no store: says to import" "$T/err" "obsagent --once"

finish
