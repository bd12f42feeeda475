#!/bin/sh
# tests/e2e/test_query.sh — Logs Insights queries through `obsq -o json`,
# checked against an independent computation from the raw log files
# (tests/query/independent.js: its own parser of the text format, REPORT
# fields and runtime time prefixes; it never reads the store). AWS's Lambda
# sample queries are used verbatim. Counts, bins and percentiles must match
# exactly (both sides are nearest-rank over the same values); averages and
# other real values within 1e-9 relative. Also: row caps, --function and time
# ranges, zero-filled bins, output formats, and syntax errors (exit 2, caret).
# The corpus is fixed; to try others: QUERY_SEED, QUERY_FUNCTIONS,
# QUERY_INVOCATIONS.
. "$(dirname "$0")/lib.sh"
need obsagent obsq lambdagen
INDEP=$(cd "$(dirname "$0")/../query" && pwd)/independent.js
command -v node >/dev/null 2>&1 || { fail "node is needed (tests/query/independent.js)"; finish; }

"$LAMBDAGEN" --out "$T/logs" --format text --functions "${QUERY_FUNCTIONS:-3}" \
    --invocations "${QUERY_INVOCATIONS:-400}" --seed "${QUERY_SEED:-7}" \
    --start 2026-11-01T00:00:00Z --truth "$TRUTH" >/dev/null || { fail "lambdagen"; finish; }
DB=$T/obs.db
check "obsagent --once imports the corpus" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"

EXP=$T/expected.json
node "$INDEP" expect "$T/logs" >"$EXP" 2>"$T/indep.err" || { fail "independent.js expect" "$T/indep.err"; finish; }

# x JS-EXPR — a value of the expected answers (X), printed as is
x()
{
    node -e 'const X = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
             const v = ('"$1"'); process.stdout.write(typeof v === "string" ? v : JSON.stringify(v))' "$EXP"
}

# the independent computation agrees with lambdagen's own truth
check_eq "independent.js: events == lambdagen's non-empty lines" "$(x X.summary.events)" "$(truth nonempty_lines)"
check_eq "independent.js: REPORT lines == lambdagen's invocations" "$(x X.summary.reports)" "$(truth total.invocations)"
check_eq "independent.js: files == lambdagen's files" "$(x X.summary.files)" "$(truth files)"
for fn in $(truth functions); do
    check_eq "independent.js: $fn REPORT lines" "$(x "X.summary.per_function_reports['$fn']")" \
        "$(truth "fn.$fn.report_lines")"
done

# q QID DESC QUERY [OBSQ-OPTIONS...] — run QUERY with -o json, compare with
# the expected answer QID (QID+x: the same answer, another run of it)
q()
{
    _id=$1 _desc=$2 _q=$3
    shift 3
    if "$OBSQ" --db "$DB" -o json "$@" "$_q" >"$T/$_id.json" 2>"$T/$_id.err"; then
        if node "$INDEP" compare "$EXP" "${_id%%+*}" "$T/$_id.json" >"$T/$_id.cmp" 2>&1; then
            pass "$_id: $_desc"
        else
            fail "$_id: $_desc: differs from the independent computation" "$T/$_id.cmp"
        fi
    else
        fail "$_id: $_desc: obsq exit $?" "$T/$_id.err"
    fi
}

Q1='filter @type = "REPORT" | stats count(*) as n'
Q2='filter @type = "REPORT" | stats count(*) as invocations, avg(@duration) as avg, max(@duration) as max, pct(@duration, 99) as p99 by bin(1h)'

# AWS Lambda Developer Guide, "Useful Insights queries" (verbatim)
Q3=$(cat <<'EOF'
filter @type = "REPORT"
| stats sum(strcontains(@message, "Init Duration"))/count(*) * 100 as
  coldStartPct, avg(@duration)
  by bin(5m)
EOF
)
Q4=$(cat <<'EOF'
filter @type = "REPORT"
| stats
    avg(@billedDuration) as Average,
    percentile(@billedDuration, 99) as NinetyNinth,
    percentile(@billedDuration, 95) as NinetyFifth,
    percentile(@billedDuration, 90) as Ninetieth
    by bin(30m)
EOF
)
# CloudWatch Logs User Guide, "Sample queries" (verbatim)
Q5A=$(cat <<'EOF'
filter @type = "REPORT"
    | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB,
        min(@maxMemoryUsed / 1000 / 1000) as smallestMemoryRequestMB,
        avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB,
        max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB,
        provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB
EOF
)
# Lambda Developer Guide (verbatim)
Q5B=$(cat <<'EOF'
filter @type = "REPORT"
| stats max(@memorySize / 1024 / 1024) as provisonedMemMB,
        min(@maxMemoryUsed / 1024 / 1024) as smallestMemReqMB,
        avg(@maxMemoryUsed / 1024 / 1024) as avgMemUsedMB,
        max(@maxMemoryUsed / 1024 / 1024) as maxMemUsedMB,
        provisonedMemMB - maxMemUsedMB as overProvisionedMB
EOF
)
Q6=$(cat <<'EOF'
filter @type = "REPORT"
| fields @requestId, @billedDuration
| sort by @billedDuration desc
| limit 100
EOF
)
Q7=$(cat <<'EOF'
filter @message like /Task timed out/
| stats count() by bin(30m)
EOF
)
# CloudWatch Logs User Guide, "Sample queries" (verbatim)
Q8=$(cat <<'EOF'
fields @timestamp, @requestId, @message, @logStream
| filter @type = "REPORT" and @duration > 1000
| sort @timestamp desc
| dedup @requestId
| limit 20
EOF
)

q q1 "REPORT count" "$Q1"
q q2 "count, avg, max, p99 of @duration by bin(1h)" "$Q2"
q q3 "AWS: percentage of cold starts by bin(5m)" "$Q3"
q q4 "AWS: percentile report of Lambda duration by bin(30m)" "$Q4"
q q5a "AWS: over-provisioned memory (/1000)" "$Q5A"
q q5b "AWS: over-provisioned memory (/1024)" "$Q5B"
q q6 "AWS: top 100 highest billed invocations" "$Q6"
q q7 "AWS: invocations that timed out by bin(30m)" "$Q7"
check_eq "q7b: the 5-minute timeout series has empty bins to fill" \
    "$([ "$(x X.q7b_filled_bins)" -gt 0 ] && echo yes)" yes
q q7b "timeouts by bin(5m): missing bins zero-filled" 'filter @message like /Task timed out/ | stats count() by bin(5m)'
q q7c "timeouts by bin(5m) --no-fill: only bins with timeouts" \
    'filter @message like /Task timed out/ | stats count() by bin(5m)' --no-fill
q q8 "AWS: 20 latest REPORTs over 1000 ms, dedup @requestId" "$Q8"
q q9 "regex parse of Billed Duration, sum and count" \
    'filter @type = "REPORT" | parse @message /Billed Duration: (?<billed>\d+) ms/ | stats sum(billed) as total, count(*) as n'
q q10 "glob parse of Max Memory Used, peak per @logStream, top 5" \
    'filter @type = "REPORT" | parse @message "Max Memory Used: * MB" as used | stats max(used) as peak by @logStream | sort peak desc | limit 5'
# CloudWatch Logs User Guide, "Sample queries": the Lambda cost (verbatim)
Q26=$(cat <<'EOF'
parse @message /Duration:\s*(?<@duration_ms>\d+\.\d+)\s*ms\s*Billed\s*Duration:\s*(?<@billed_duration_ms>\d+)\s*ms\s*Memory\s*Size:\s*(?<@memory_size_mb>\d+)\s*MB/
| filter @message like /REPORT RequestId/
| stats sum(@billed_duration_ms * @memory_size_mb * 1.33334e-11 + 2.0e-7) as @cost_dollars_total
EOF
)
q q26 "AWS: Lambda cost, parse groups named (?<@name>...)" "$Q26"
q q26b "a field captured by (?<@billed>...) filtered" \
    'parse @message /Billed Duration: (?<@billed>\d+) ms/ | filter @billed > 1000 | stats count(*) as n'
q q11 "events per @logStream, top 3" 'stats count(*) as n by @logStream | sort n desc, @logStream asc | limit 3'
q q12a 'like "Task timed out"' 'filter @message like "Task timed out" | stats count(*) as n'
q q12b 'like /Task timed out/' 'filter @message like /Task timed out/ | stats count(*) as n'
q q12c '=~ /(?i)task TIMED out/' 'filter @message =~ /(?i)task TIMED out/ | stats count(*) as n'
check_eq "q12: the three timeout filters agree, independently, on a non-zero count" \
    "$(x 'X.q12a[0].n > 0') $(x 'X.q12b[0].n') $(x 'X.q12c[0].n')" "true $(x 'X.q12a[0].n') $(x 'X.q12a[0].n')"
q q13 "cold starts: count and avg(@initDuration)" \
    'filter @type = "REPORT" and @initDuration > 0 | stats count(*) as cold, avg(@initDuration) as init'
Q14='fields @timestamp, @message | limit 5'
q q14 "5 latest events (default sort @timestamp desc)" "$Q14"
q q15a "stats by bin(5m) | limit 3" 'filter @type = "REPORT" | stats count(*) by bin(5m) | limit 3'
q q15b "--max-rows 2 on the bin(1h) query" "$Q2" --max-rows 2
q q16f "--function $(x X.q16.function)" "$Q1" --function "$(x X.q16.function)"
q q16r "--start $(x X.q16.start) --end $(x X.q16.end)" "$Q1" --start "$(x X.q16.start)" --end "$(x X.q16.end)"
q q16s "--since $(x X.q16.since)" "$Q1" --since "$(x X.q16.since)"

# times in arithmetic and comparisons (what Japanese runbooks and dashboards write)
q q27 "a period in arithmetic: REPORTs by hour in UTC+9" \
    'filter @type = "REPORT" | stats count(*) as n by datefloor(@timestamp + 9h, 1h) as hour_jst | sort hour_jst asc'
q q28 "@timestamp against ISO-8601 strings: the first hour" \
    "filter @type = \"REPORT\" and @timestamp >= \"$(x X.q16.start)\" and @timestamp < \"$(x X.q16.end)\" | stats count(*) as n"
q q28b "@timestamp minus a period against a date alone" \
    "filter @type = \"REPORT\" and @timestamp - 2h >= \"$(x X.q28b.date)\" | stats count(*) as n"
check_eq "q28b: the date bound leaves some REPORTs out" \
    "$(x "X.q28b.n[0].n > 0 && X.q28b.n[0].n < X.q1[0].n")" true
q q29 "a time plus a number stays a time" \
    'filter @type = "REPORT" | stats count(*) as n by datefloor(@timestamp - 21600000, 1h) + 21600000 as t | sort t asc'
# time rules of lines that print none, @log
q q17 "START lines by bin(5m): the time of the previous timed line" \
    'filter @type = "START" | stats count(*) as n by bin(5m)'
q q18 "INIT_START lines by bin(30m): the time of the file's first timed line" \
    'filter @type = "INIT_START" | stats count(*) as n by bin(30m)'
q q19 "REPORTs per @log" 'filter @type = "REPORT" | stats count(*) as n by @log | sort @log asc'

# Two plans for `stats ... by bin()`: straight over filtered events, naming
# only fields of a covering index, it is computed bin by bin over
# @timestamp ranges (the "binned" plan, see --explain); otherwise by SQL's
# GROUP BY. The same answers from the GROUP BY plan (`fields @message |` in
# front selects it):
"$OBSQ" --db "$DB" --explain "$Q2" >"$T/binned.plan" 2>&1
"$OBSQ" --db "$DB" --explain "fields @message | $Q2" >"$T/grouped.plan" 2>&1
check_grep "binned plan: used for the bin(1h) query" "$T/binned.plan" "MATERIALIZED .*obs_pack"
check_grep "GROUP BY plan: used after fields" "$T/grouped.plan" "GROUP BY"
q q2 "GROUP BY plan: count, avg, max, p99 of @duration by bin(1h)" "fields @message | $Q2"
q q4 "GROUP BY plan: percentile report of Lambda duration by bin(30m)" "fields @message | $Q4"
q q15a "GROUP BY plan: stats by bin(5m) | limit 3" 'fields @message | filter @type = "REPORT" | stats count(*) by bin(5m) | limit 3'
# same_json A B — two -o json answers with the same rows, reals within 1e-9
# relative (sums in another order differ in the last bits)
same_json()
{
    node -e 'const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
        const same = (x, y) => typeof x === "number" && typeof y === "number"
            ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x)) : JSON.stringify(x) === JSON.stringify(y);
        const ok = a.length > 0 && a.length === b.length && a.every((r, i) =>
            Object.keys(r).length === Object.keys(b[i]).length && Object.keys(r).every((k) => same(r[k], b[i][k])));
        process.exit(ok ? 0 : 1)' "$1" "$2"
}
# ... and with time ranges, function selections and week bins, where no
# independent answer is computed: both plans agree (reals within 1e-9)
same_plans()
{
    _desc=$1 _q=$2
    shift 2
    "$OBSQ" --db "$DB" --explain "$@" "$_q" >"$T/binned.plan" 2>&1
    grep -q "obs_pack" "$T/binned.plan" || { fail "both plans: $_desc: not binned" "$T/binned.plan"; return; }
    "$OBSQ" --db "$DB" -o json "$@" "$_q" >"$T/binned.json" 2>&1 &&
        "$OBSQ" --db "$DB" -o json "$@" "fields @message | $_q" >"$T/grouped.json" 2>&1 ||
        { fail "both plans: $_desc: obsq failed" "$T/binned.json"; return; }
    if same_json "$T/binned.json" "$T/grouped.json"; then
        pass "both plans: $_desc ($(grep -o '{' "$T/binned.json" | wc -l | tr -d ' ') rows)"
    else
        fail "both plans: $_desc: the binned and GROUP BY answers differ" "$T/binned.json"
    fi
}
same_plans "--start/--end inside bins" "$Q2" --start "$(x X.q16.start)" --end "$(x X.q16.end)"
same_plans "--since" 'filter @type = "REPORT" | stats count(*) as n, sum(@duration) as s by bin(10m)' \
    --since "$(x X.q16.since)"
same_plans "--function" "$Q4" --function "$(x X.q16.function)"
same_plans "all events by bin(1w) from Monday" 'stats count(*) as n by bin(1w)'
same_plans "every aggregate kind" 'filter @type = "REPORT" | stats count(*), count(@initDuration),
    count_distinct(@logStream), min(@duration), stddev(@duration), earliest(@maxMemoryUsed),
    latest(@memorySize), sortsFirst(@billedDuration), pct(@duration, 50) by bin(2m)'
same_plans "items naming earlier items" 'filter @type = "REPORT" | stats max(@memorySize / 1000 / 1000) as prov,
    max(@maxMemoryUsed / 1000 / 1000) as used, prov - used as over by bin(10m)'
same_plans "bin(1s), --no-fill" 'filter @type = "REPORT" and @duration > 100 | stats max(@duration) as m by bin(1s)' --no-fill

# Queries run in parts on several threads (--threads N splits whatever the
# store's size; by default only stores of 100,000 events or more): the
# independent answers again, and --explain says how it is split.
q q2+t "in 3 parts by time: count, avg, max, p99 by bin(1h)" "$Q2" --threads 3
q q4+t "in 2 parts by time: percentile report by bin(30m)" "$Q4" --threads 2
q q15b+t "in 4 parts by time, --max-rows 2" "$Q2" --max-rows 2 --threads 4
"$OBSQ" --db "$DB" --explain --threads 3 "$Q2" >"$T/split.plan" 2>&1
check_grep "--explain: the bin(1h) query runs in parts" "$T/split.plan" "^-- run as [0-9]+ parts \\(runs of whole bins\\) on 3 threads"
"$OBSQ" --db "$DB" --explain "$Q2" >"$T/split.plan" 2>&1
if grep -q "^-- run as" "$T/split.plan"; then fail "--explain: a small store is split by default" "$T/split.plan"
else pass "--explain: a small store is not split by default"; fi
# same_threads DESC KIND QUERY [OPTIONS] — --threads 2, 3 and 5 answer as
# --threads 1, split as KIND says: "ranges of the event ids" (stats without
# by: counts and sums add, minima and maxima compare, numbers before text as
# SQLite orders them) or "runs of whole bins"
same_threads()
{
    _desc=$1 _kind=$2 _q=$3
    shift 3
    "$OBSQ" --db "$DB" -o json --threads 1 "$@" "$_q" >"$T/t1.json" 2>&1 || { fail "split: $_desc: obsq" "$T/t1.json"; return; }
    for _n in 2 3 5; do
        "$OBSQ" --db "$DB" -o json --threads "$_n" "$@" "$_q" >"$T/tn.json" 2>&1
        same_json "$T/t1.json" "$T/tn.json" || { fail "split: $_desc: --threads $_n differs from --threads 1" "$T/tn.json"; return; }
    done
    "$OBSQ" --db "$DB" --explain --threads 2 "$@" "$_q" | grep -q "^-- run as .* parts ($_kind" ||
        { fail "split: $_desc: not split"; return; }
    pass "split: $_desc: --threads 2, 3, 5 = --threads 1 ($(tr -d '\n' <"$T/t1.json" | cut -c1-90))"
}
same_threads "count, sum, min, max of numbers and text" "ranges of the event ids" 'stats count(*), count(@duration), sum(@duration),
    min(@duration), max(@maxMemoryUsed), min(@requestId), max(@message)'
same_threads "a like string (full-text candidates)" "ranges of the event ids" 'filter @message like "Task timed out" | stats count(*) as n,
    min(@timestamp), max(@requestId)'
same_threads "a regex, --function" "ranges of the event ids" 'filter @message like /(?i)error|timed/ | stats count(*)' --function "$(x X.q16.function)"
same_threads "no match" "ranges of the event ids" 'filter @message like "no such text anywhere" | stats count(*), sum(@duration), max(@message)'
same_threads "bins, --start/--end inside bins" "runs of whole bins" 'filter @type = "REPORT" | stats count(*) as n,
    avg(@duration) as avg, pct(@duration, 99) as p99 by bin(5m)' --start "$(x X.q16.start)" --end "$(x X.q16.end)"
same_threads "bins, --since, --function" "runs of whole bins" "$Q4" --since "$(x X.q16.since)" --function "$(x X.q16.function)"
same_threads "bins, --no-fill" "runs of whole bins" 'filter @type = "REPORT" and @duration > 100 | stats max(@duration) as m by bin(1m)' --no-fill

# the other AWS Lambda samples (verbatim)
Q20=$(cat <<'EOF'
 fields Timestamp, LogLevel, Message
 | filter LogLevel == "ERR"
 | sort @timestamp desc
 | limit 100
EOF
)
Q21=$(cat <<'EOF'
filter @type="REPORT"
| stats avg(@maxMemoryUsed/1024/1024) as mean_MemoryUsed,
    min(@maxMemoryUsed/1024/1024) as min_MemoryUsed,
    max(@maxMemoryUsed/1024/1024) as max_MemoryUsed,
    percentile(@maxMemoryUsed/1024/1024, 95) as Percentile95
EOF
)
Q22=$(cat <<'EOF'
filter @type = "REPORT" and @maxMemoryUsed=@memorySize
| stats
    count_distinct(@requestId)
    by bin(30m)
EOF
)
Q23=$(cat <<'EOF'
filter @type = "REPORT"
| stats
    max(@maxMemoryUsed / 1024 / 1024) as maxMemMB,
    avg(@maxMemoryUsed / 1024 / 1024) as avgMemMB,
    min(@maxMemoryUsed / 1024 / 1024) as minMemMB,
    (avg(@maxMemoryUsed / 1024 / 1024) / max(@memorySize / 1024 / 1024)) * 100 as avgMemUsedPct,
    avg(@billedDuration) as avgDurationMS
    by bin(30m)
EOF
)
Q24=$(cat <<'EOF'
filter @message like /Process exited/
| stats count() by bin(30m)
EOF
)
Q25=$(cat <<'EOF'
filter @type = "REPORT"
| stats avg(@duration), max(@duration), min(@duration)
  by bin(5m)
EOF
)
Q25B=$(cat <<'EOF'
filter @type = "REPORT" |
    stats avg(@duration), max(@duration), min(@duration) by bin(5m)
EOF
)
q q20 "AWS: the last 100 errors (no such JSON fields here: no rows)" "$Q20"
q q21 "AWS: percentile report of Lambda memory usage" "$Q21"
q q22 "AWS: invocations using 100% of assigned memory" "$Q22"
q q23 "AWS: visualization of memory statistics" "$Q23"
q q24 "AWS: invocations where Lambda exited (none: no rows)" "$Q24"
q q25 "AWS: latency report (Lambda guide)" "$Q25"
q q25b "AWS: latency report (user guide)" "$Q25B"

# ---- output formats ------------------------------------------------------
"$OBSQ" --db "$DB" -o csv "$Q14" >"$T/q14.csv" 2>&1
check_eq "-o csv: a header and 5 rows" "$(wc -l <"$T/q14.csv" | tr -d ' ')" 6
check_grep "-o csv: the header names the columns" "$T/q14.csv" '^"?@timestamp"?,"?@message"?$'
"$OBSQ" --db "$DB" -o jsonl "$Q14" >"$T/q14.jsonl" 2>&1
check_eq "-o jsonl: 5 lines" "$(wc -l <"$T/q14.jsonl" | tr -d ' ')" 5
check "-o jsonl: each line is a JSON object" node -e '
    for (const l of require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n"))
        if (typeof JSON.parse(l) !== "object") process.exit(1)' "$T/q14.jsonl"
"$OBSQ" --db "$DB" -o table "$Q2" >"$T/q2.table" 2>&1
check_grep "-o table: a header line with the column names" "$T/q2.table" \
    'invocations.*avg.*max.*p99.*bin\(1h\)|bin\(1h\).*invocations.*avg.*max.*p99'
check "-o table: one line per row, in bin order" node -e '
    const fs = require("fs"), X = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const bins = X.q2.map(r => r["bin(1h)"].slice(0, 19));
    const rows = fs.readFileSync(process.argv[2], "utf8").split("\n").filter(l => /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(l));
    if (rows.length !== bins.length || !bins.every((b, i) => rows[i].includes(b))) {
        console.log("expected rows for the bins " + bins.join(", ") + ", got:\n" + rows.join("\n"));
        process.exit(1);
    }' "$EXP" "$T/q2.table"

# ---- sort: desc is the exact reverse of asc, ties in import order (§3.5) ----
# j QUERY [OPTIONS] — the rows as JSON lines
j() { "$OBSQ" --db "$DB" -o jsonl "$@" 2>"$T/j.err"; }
rev() { awk '{ l[NR] = $0 } END { for (i = NR; i > 0; i--) print l[i] }'; }
j 'fields @timestamp, @message | sort @timestamp asc' >"$T/ts_asc"
check "the corpus has events tied on @timestamp (what the next checks are about)" \
    test "$(sed 's/,"@message".*//' "$T/ts_asc" | uniq -d | wc -l)" -gt 10
check_eq "sort @timestamp desc is the exact reverse of asc" \
    "$(j 'fields @timestamp, @message | sort @timestamp desc')" "$(rev <"$T/ts_asc")"
check_eq "... and is the default order (newest first, ties newest import first)" \
    "$(j 'fields @timestamp, @message')" "$(rev <"$T/ts_asc")"
check_eq "sort @timestamp desc | limit 40: the first 40 of the reverse" \
    "$(j 'fields @timestamp, @message | sort @timestamp desc | limit 40')" "$(rev <"$T/ts_asc" | head -n 40)"
check_eq "sort @timestamp asc | limit 40: the first 40" \
    "$(j 'fields @timestamp, @message | sort @timestamp asc | limit 40')" "$(head -n 40 "$T/ts_asc")"
check_eq "sort on another field: desc is the exact reverse of asc" \
    "$(j 'fields @type, @message | sort @type desc')" "$(j 'fields @type, @message | sort @type asc' | rev)"
check_eq "... with a limit" \
    "$(j 'fields @type, @message | sort @type desc | limit 100')" \
    "$(j 'fields @type, @message | sort @type asc' | rev | head -n 100)"
check_eq "several keys, every direction flipped: the exact reverse" \
    "$(j 'fields @type, @logStream, @message | sort @type desc, @logStream asc')" \
    "$(j 'fields @type, @logStream, @message | sort @type asc, @logStream desc' | rev)"
check_eq "after stats: ties on the sorted column, desc the exact reverse of asc" \
    "$(j 'stats count(*) as n by bin(1m) | sort n desc')" "$(j 'stats count(*) as n by bin(1m) | sort n asc' | rev)"
check_eq "... and with a limit" \
    "$(j 'stats count(*) as n by bin(1m) | sort n desc | limit 7')" \
    "$(j 'stats count(*) as n by bin(1m) | sort n asc' | rev | head -n 7)"
mkdir -p "$T/ties/app"
for k in 1 2 3 4 5 6; do echo "2026-11-05T00:00:00.000Z line $k"; done >"$T/ties/app/s1.log"
check "import six events of the same millisecond" "$OBSAGENT" --once --no-progress --db "$T/ties.db" "$T/ties"
tq() { "$OBSQ" --db "$T/ties.db" -o csv "$1" 2>"$T/j.err" | tail -n +2 | tr '\n' ' '; }
check_eq "tied events, sort asc: in import order" "$(tq 'fields @message | sort @timestamp asc')" \
    '"line 1" "line 2" "line 3" "line 4" "line 5" "line 6" '
check_eq "tied events, sort desc: in reverse import order" "$(tq 'fields @message | sort @timestamp desc')" \
    '"line 6" "line 5" "line 4" "line 3" "line 2" "line 1" '
check_eq "tied events, sort desc | limit 2" "$(tq 'fields @message | sort @timestamp desc | limit 2')" \
    '"line 6" "line 5" '
check_eq "tied events, no sort: newest import first" "$(tq 'fields @message')" \
    '"line 6" "line 5" "line 4" "line 3" "line 2" "line 1" '

# ---- functions of any number of arguments (SQLite's own limit is 127) ----
# args N FORMAT — "FORMAT(1), FORMAT(2), ..., FORMAT(N)" (printf with %d)
args() { seq 1 "$1" | awk -v f="$2" '{ printf "%s" f, (NR > 1 ? ", " : ""), $1 }'; }
check_eq "concat of 300 arguments" \
    "$(j "fields concat($(args 300 '"%d"')) as c | limit 1")" "{\"c\":\"$(seq -s '' 1 300)\"}"
# (a query past the 128 KiB of one argument: from a file)
echo "fields greatest($(args 128 '%d')) as g, least($(args 20000 '%d')) as l, greatest($(args 20000 '-%d')) as g2 | limit 1" >"$T/many.q"
check_eq "greatest and least of 128 and 20000 arguments" "$(j --query-file "$T/many.q")" '{"g":128,"l":1,"g2":-1}'
check_eq "coalesce of 129 arguments: the first that is not missing" \
    "$(j "fields coalesce($(args 128 'nosuch%d'), \"last\") as c, coalesce($(args 200 'nosuch%d')) as n | limit 1")" \
    '{"c":"last","n":null}'

# ---- syntax errors: exit 2, the query, a caret, what was expected ----------
# bad N QUERY REGEX [OPTION] — exit 2, a caret line and REGEX on stderr
bad()
{
    "$OBSQ" --db "$DB" -o json ${4:-} "$2" >"$T/bad$1.out" 2>"$T/bad$1.err"
    rc=$?
    check_eq "bad query $1 ($2): exit 2" "$rc" 2
    check "bad query $1: the query on stderr" grep -qF -- "$2" "$T/bad$1.err"
    check_grep "bad query $1: a caret line on stderr" "$T/bad$1.err" '^[[:space:]]*\^'
    check_grep "bad query $1: says '$3'" "$T/bad$1.err" "$3"
    check_eq "bad query $1: nothing on stdout" "$(wc -c <"$T/bad$1.out" | tr -d ' ')" 0
}
bad 1 'filter @type = ' 'expected'
# the missing piece is the ')' closing count(*
bad 2 'stats count(* by x' 'expected.*\)'
bad 3 'sort' 'expected'
bad 4 'fields @timestamp | stats coutn(*)' '\bcount\b'
# a time compared with text that is no time, a period multiplied
bad 6 'filter @timestamp > "yesterday"' 'compared with a time but is none'
bad 7 'fields @timestamp * 9h' 'added to or subtracted from a time'
# an unknown field is an error with --strict; by default it is empty, as in
# CloudWatch, and a note with the same suggestion and caret says so
bad 5 'filter @durration > 1' '@duration\b' --strict
"$OBSQ" --db "$DB" -o json 'filter @durration > 1' >"$T/lenient5.out" 2>"$T/lenient5.err"
check_eq "lenient query 5: exit 0" "$?" 0
check_eq "lenient query 5: no rows" "$(cat "$T/lenient5.out")" "[]"
check_grep "lenient query 5: a note naming the field" "$T/lenient5.err" "^note: field '@durration' does not exist.*did you mean '@duration'"
check_grep "lenient query 5: a caret line" "$T/lenient5.err" '^[[:space:]]*\^'
# a suggestion made from the misspelt name, not a fixed example list
bad 6 'filter @type = "REPORT" | stats maxx(@duration)' '\bmax\b'

# a table past 10,000 rows streams: widths from the first rows, a note says so
measured "$T/big" "$OBSQ" --db "$DB" --start 2026-11-01T00:00:00Z --end 2026-11-01T03:00:00Z \
    -o table 'stats count(*) by bin(1s)'
check_eq "a 10,800-row table: exit 0" "$RC" 0
check_eq "... every row and the header" "$(wc -l <"$T/big" | tr -d ' ')" 10801
check_grep "... a note that its widths came from the first 10000 rows" "$T/big.err" \
    '^obsq: 10800 rows, printed as they came: the columns are as wide as the first 10000 needed'

finish
