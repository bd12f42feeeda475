#!/bin/sh
# tests/e2e/test_query_report_fields.sh — the fields CloudWatch discovers
# from Lambda's REPORT line (@duration, @billedDuration, @memorySize,
# @maxMemoryUsed, @initDuration, @xrayTraceId) are fields of REPORT events
# only (text REPORT, JSON platform.report), on the real-world logs
# (tests/realworld/logs, imported as one store): each function's counts and
# sums, and the common cold-start queries verbatim, against expected.json
# (written by people who did not write obs; never read from a store).
# Before: an INIT_REPORT line and a JSON platform.initReport record carried
# @initDuration too, and the XRAY line and platform.start @xrayTraceId, so
# `filter @initDuration > 0 | stats count()` said 15 where CloudWatch says 8
# (failed inits counted as cold starts, a JSON cold start twice). An
# INIT_REPORT's duration stays reachable: `parse` of its message, and the
# JSON record's record.metrics.durationMs.
. "$(dirname "$0")/lib.sh"
need obsagent obsq
HERE=$(cd "$(dirname "$0")" && pwd)
LOGS=$HERE/../realworld/logs
command -v node >/dev/null 2>&1 || { fail "node is needed (expected.json)"; finish; }

DB=$T/real.db
check "obsagent --once imports the real-world logs" "$OBSAGENT" --once --no-progress --db "$DB" "$LOGS"

# x JS-EXPR — computed from expected.json: R (its REPORTs, each with .fn),
# I (its INIT_REPORTs), F (its files by name)
x()
{
    node -e 'const F = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).files;
             const R = [], I = [];
             for (const [f, v] of Object.entries(F)) {
                 const fn = f.split("/")[0];
                 for (const r of v.reports || []) R.push(Object.assign({ fn }, r));
                 for (const r of v.init_reports || []) I.push(Object.assign({ fn }, r));
             }
             const cold = r => typeof r.init_ms === "number";
             const sum = a => Math.round(a.reduce((s, v) => s + v, 0) * 1000) / 1000;
             const v = ('"$1"'); process.stdout.write(typeof v === "string" ? v : JSON.stringify(v))' "$LOGS/expected.json"
}
check_eq "expected.json lists every REPORT of its files" \
    "$(x 'Object.values(F).reduce((n, v) => n + (v.invocations_by_report || 0), 0)')" "$(x R.length)"

# per function: the REPORT fields are on its REPORTs, and only there
"$OBSQ" -d "$DB" -o jsonl 'stats count(@duration) as d, count(@billedDuration) as b, count(@memorySize) as m,
    count(@maxMemoryUsed) as mm, count(@initDuration) as cold, sum(@initDuration) as init,
    count(@xrayTraceId) as traced, count(@xraySegmentId) as seg by @log' >"$T/per_fn" 2>"$T/per_fn.err" ||
    fail "stats of the REPORT fields by @log" "$T/per_fn.err"
node -e 'for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)) {
             const r = JSON.parse(l), init = r.init === null ? 0 : Math.round(r.init * 1000) / 1000;
             console.log([r["@log"].replace(/^000000000000:\/aws\/lambda\//, ""), r.d, r.b, r.m, r.mm, r.cold, init,
                          r.traced, r.seg].join(" "));
         }' "$T/per_fn" >"$T/per_fn.got"
x 'Object.keys(F).map(f => f.split("/")[0]).filter((f, i, a) => a.indexOf(f) === i).sort().map(fn => {
       const r = R.filter(e => e.fn === fn), c = r.filter(cold), t = r.filter(e => typeof e.xray_trace_id === "string").length;
       return [fn, r.length, r.length, r.length, r.length, c.length, sum(c.map(e => e.init_ms)), t, t].join(" ");
   }).join("\n") + "\n"' >"$T/per_fn.want"
if cmp -s "$T/per_fn.got" "$T/per_fn.want"; then
    pass "per function: REPORT field counts, init sums and traces as expected.json says ($(wc -l <"$T/per_fn.want") functions)"
else
    diff "$T/per_fn.want" "$T/per_fn.got" >"$T/per_fn.diff"
    fail "per function: REPORT fields differ from expected.json (< expected, > obsq)" "$T/per_fn.diff"
fi

# the cold-start queries people paste, verbatim
q1()
{
    "$OBSQ" -d "$DB" -o csv "$1" 2>/dev/null | tail -n 1
}
COLD=$(x 'R.filter(cold).length')
check_eq "expected.json: 8 REPORTs carry Init Duration" "$COLD" 8
check_eq "filter @initDuration > 0 | stats count(): the cold starts" "$(q1 'filter @initDuration > 0 | stats count()')" "$COLD"
check_eq "filter @initDuration > 5 | stats count(): no failed init among them" \
    "$(q1 'filter @initDuration > 5 | stats count()')" "$(x 'R.filter(e => cold(e) && e.init_ms > 5).length')"
check_eq "filter ispresent(@initDuration): count and sum" \
    "$(q1 'filter ispresent(@initDuration) | stats count(*) as n, sum(@initDuration) as s')" \
    "$COLD,$(x 'sum(R.filter(cold).map(e => e.init_ms))')"
check_eq "cold starts per REPORT, both formats" \
    "$(q1 'filter @type in ["REPORT", "platform.report"] | stats count(*) as n, count(@initDuration) as cold')" \
    "$(x 'R.length'),$COLD"
check_eq "the JSON cold starts once each: the platform.report of the two JSON-format functions" \
    "$(q1 'filter @type = "platform.report" | stats count(@initDuration) as n, sum(@initDuration) as s')" \
    "$(x 'R.filter(e => cold(e) && ["node-json-coldstartperf", "telemetry-api-fixture"].includes(e.fn)).length'),$(x 'sum(R.filter(e => cold(e) && ["node-json-coldstartperf", "telemetry-api-fixture"].includes(e.fn)).map(e => e.init_ms))')"
check_eq "filter ispresent(@xrayTraceId): the traced REPORTs, not the XRAY lines too" \
    "$(q1 'filter ispresent(@xrayTraceId) | stats count()')" "$(x 'R.filter(e => typeof e.xray_trace_id === "string").length')"
check_eq "filter ispresent(@duration): the REPORTs" "$(q1 'filter ispresent(@duration) | stats count()')" "$(x R.length)"

# an INIT_REPORT's duration (a failed init's too) is reachable: parse of a
# text line, the JSON record's metrics
check_eq "INIT_REPORT durations through parse and record.metrics.durationMs: count and sum" \
    "$(q1 'filter @type in ["INIT_REPORT", "platform.initReport"] | parse @message "Init Duration: * ms" as textMs
        | fields coalesce(textMs, record.metrics.durationMs) as initMs | stats count(initMs) as n, sum(initMs) as s')" \
    "$(x I.length),$(x 'sum(I.map(e => e.init_ms))')"
check_eq "failed inits: INIT_REPORT Status: error, by parse" \
    "$(q1 'filter @type = "INIT_REPORT" | parse @message "Init Duration: * ms*Status: *" as initMs, rest, status
        | filter status like "error" | stats count(*) as n, max(initMs) as longest')" \
    "$(x 'I.filter(e => e.status === "error").length'),$(x 'Math.max(...I.filter(e => e.status === "error").map(e => e.init_ms))')"
check_eq "@initDuration of an INIT_REPORT is empty" \
    "$(q1 'filter @type in ["INIT_REPORT", "platform.initReport"] | stats count(*) as n, count(@initDuration) as d')" \
    "$(x I.length),0"
finish
