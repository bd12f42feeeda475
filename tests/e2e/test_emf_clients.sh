#!/bin/sh
# tests/e2e/test_emf_clients.sh — EMF from real client libraries that nobody
# here wrote: aws-embedded-metrics (awslabs) and Powertools for AWS Lambda
# (TypeScript) Metrics, pinned in tests/clients/package-lock.json and
# installed from the npm registry with `npm ci` when missing or stale.
#
# Their scripts (tests/clients/emit_*.js) run the libraries in Lambda mode;
# the documents are written as Lambda log streams (one function per library
# and shape) in four shapes: raw lines between START/END/REPORT (process.stdout,
# as Powertools and the JSON-format sink write them); Node runtime text lines
# (`<ISO8601>\t<requestId>\tINFO\t<json>`, what console.log becomes in a
# text-format function); raw lines between JSON platform.* records (JSON log
# format); and, as a negative case, JSON-format application records whose
# "message" is the document as a string, which CloudWatch does not extract.
# After `obsagent --once`, `obsq metrics -o json` must list exactly the
# series that tests/clients/expected.js computes from the same documents with
# its own EMF expansion (each document counted three times): namespace, name,
# dimensions, unit, resolution, count exact; sum, min, max (and avg) within
# 1e-9 relative; p50/p90/p99 ordered within [min, max]. The filters
# (--namespace, --name, --dim, --since, --end and its old spelling --until)
# must select the matching
# expected series. Then hand-written
# invalid documents (Unit "Millis", 101 metric definitions, a malformed
# `_aws`) are appended to a third function's log and must show up in
# `obsq metrics --errors` and make `--expect-valid` fail, without changing
# the series.
#
# node and npm are required (make deps installs them); without them the test
# fails, it is never skipped.
. "$(dirname "$0")/lib.sh"
need obsagent obsq

need_clients   # lib.sh: node, npm, and the pinned libraries in tests/clients
EXP=$CLIENTS/expected.js

check_eq "aws-embedded-metrics version" \
    "$(node -p 'require(process.argv[1]).version' "$CLIENTS/node_modules/aws-embedded-metrics/package.json" 2>&1)" 4.2.1
check_eq "@aws-lambda-powertools/metrics version" \
    "$(node -p 'require(process.argv[1]).version' "$CLIENTS/node_modules/@aws-lambda-powertools/metrics/package.json" 2>&1)" 2.36.0

# ---- run the libraries ----------------------------------------------------------
# (from $T, so that nothing in the working directory can configure them)
for s in aws_embedded_metrics powertools; do
    if (cd "$T" && node "$CLIENTS/emit_$s.js") >"$T/$s.out" 2>"$T/$s.err"; then
        pass "emit_$s.js runs"
    else
        fail "emit_$s.js failed" "$T/$s.err"
        finish
    fi
done

# ---- write them as Lambda log streams -------------------------------------------
# mklog.js IN MODE OUT TAG: IN = an emit script's stdout; TAG a hex digit put
# into each request id (2nd character) so that the copies of an invocation
# have distinct ids. MODE:
#   raw      text log format, documents as raw lines (process.stdout)
#   text     text log format, documents as console.log lines of the Node
#            runtime: <ISO8601>\t<requestId>\tINFO\t<json>
#   json     JSON log format: platform.* records; documents raw (Lambda passes
#            a line that is already JSON through unchanged)
#   wrapped  JSON log format with each document logged as a *string* by
#            console.log: {"timestamp":…,"level":"INFO","requestId":…,
#            "message":"{\"_aws\":…}"}. CloudWatch does not extract these
#            (reference spec §1.1): they must add no series and no errors.
# "#invocation ID" starts an invocation (START; END and REPORT close the
# previous one); the first one of the stream is a cold start (INIT_START
# before it, Init Duration in its REPORT). Any other line that is not an EMF
# document fails: the scripts must print nothing else.
cat >"$T/mklog.js" <<'EOF'
'use strict';
const fs = require('fs');
const [input, mode, output, tag] = process.argv.slice(2);
const jsonFormat = mode === 'json' || mode === 'wrapped';
const out = [];
let id = null;
let n = 0;
const lines = fs.readFileSync(input, 'utf8').split('\n');
const first = lines.find((l) => l.startsWith('{'));
let last = first ? JSON.parse(first)._aws.Timestamp : Date.now();  // platform records' time
const iso = (ms) => new Date(ms).toISOString();
const close = () => {
    if (id === null) return;
    const dur = 10 + n * 1.25;
    const billed = Math.ceil(dur + (n === 1 ? 152.4 : 0));
    if (jsonFormat) {
        const metrics = { durationMs: dur, billedDurationMs: billed, memorySizeMB: 128, maxMemoryUsedMB: 60 + n };
        if (n === 1) metrics.initDurationMs = 152.4;
        out.push(JSON.stringify({ time: iso(last + 1), type: 'platform.report',
            record: { requestId: id, metrics, status: 'success' } }));
        return;
    }
    out.push(`END RequestId: ${id}`);
    out.push(`REPORT RequestId: ${id}\tDuration: ${dur.toFixed(2)} ms\tBilled Duration: ${billed} ms\t` +
        `Memory Size: 128 MB\tMax Memory Used: ${60 + n} MB\t${n === 1 ? 'Init Duration: 152.40 ms\t' : ''}`);
};
lines.forEach((line, i) => {
    if (line === '') return;
    const m = /^#invocation (\S+)$/.exec(line);
    if (m) {
        close();
        id = m[1].slice(0, 1) + tag + m[1].slice(2);
        n++;
        const arn = 'arn:aws:lambda:eu-west-1::runtime:' + 'ab12'.repeat(16);
        if (jsonFormat) {
            if (n === 1) out.push(JSON.stringify({ time: iso(last), type: 'platform.initStart', record: {
                initializationType: 'on-demand', phase: 'init', runtimeVersion: 'nodejs:20.v48', runtimeVersionArn: arn } }));
            out.push(JSON.stringify({ time: iso(last), type: 'platform.start', record: { requestId: id, version: '$LATEST' } }));
        } else {
            if (n === 1) out.push(`INIT_START Runtime Version: nodejs:20.v48\tRuntime Version ARN: ${arn}`);
            out.push(`START RequestId: ${id} Version: $LATEST`);
        }
        return;
    }
    let doc;
    try { doc = JSON.parse(line); } catch (e) { doc = null; }
    if (!doc || typeof doc !== 'object' || !doc._aws || id === null) {
        console.error(`${input}:${i + 1}: not an EMF document inside an invocation: ${line.slice(0, 200)}`);
        process.exit(1);
    }
    last = doc._aws.Timestamp;
    if (mode === 'raw' || mode === 'json') out.push(line);
    else if (mode === 'text') out.push(`${iso(last)}\t${id}\tINFO\t${line}`);
    else out.push(JSON.stringify({ timestamp: iso(last), level: 'INFO', requestId: id, message: line }));
});
close();
fs.writeFileSync(output, out.join('\n') + '\n');
EOF

DAY=$(date -u +%Y/%m/%d)
mklog()  # script-output mode function stream-hex tag
{
    if ! { mkdir -p "$T/logs/$3/$DAY" &&
        node "$T/mklog.js" "$T/$1.out" "$2" "$T/logs/$3/$DAY/[\$LATEST]$4.log" "$5" 2>"$T/mklog.err"; }; then
        fail "writing the $3 log ($1, $2)" "$T/mklog.err"
        finish
    fi
}
mklog aws_embedded_metrics raw     orders-emf                0a1b2c3d4e5f60718293a4b5c6d7e8f9 1
mklog aws_embedded_metrics text    orders-emf-text           1a1b2c3d4e5f60718293a4b5c6d7e8f9 2
mklog aws_embedded_metrics json    orders-emf-json           2a1b2c3d4e5f60718293a4b5c6d7e8f9 3
mklog aws_embedded_metrics wrapped orders-emf-wrapped        3a1b2c3d4e5f60718293a4b5c6d7e8f9 4
mklog powertools           raw     orders-powertools         4a1b2c3d4e5f60718293a4b5c6d7e8f9 1
mklog powertools           text    orders-powertools-text    5a1b2c3d4e5f60718293a4b5c6d7e8f9 2
mklog powertools           json    orders-powertools-json    6a1b2c3d4e5f60718293a4b5c6d7e8f9 3
mklog powertools           wrapped orders-powertools-wrapped 7a1b2c3d4e5f60718293a4b5c6d7e8f9 4
INVOCATIONS=$(cat "$T/aws_embedded_metrics.out" "$T/powertools.out" | grep -c '^#invocation ')
INVOCATIONS=$((INVOCATIONS * 4))

# A third function: one invocation with an ordinary line now; invalid EMF is
# appended later.
BADLOG="$T/logs/bad-emf/$DAY/[\$LATEST]8a1b2c3d4e5f60718293a4b5c6d7e8f9.log"
mkdir -p "$T/logs/bad-emf/$DAY"
RID=c0000000-0000-4000-8000-000000000001
{
    printf 'START RequestId: %s Version: %s\n' "$RID" "\$LATEST"
    printf '%s\t%s\tINFO\tnothing to measure\n' "$(node -p 'new Date().toISOString()')" "$RID"
    printf 'END RequestId: %s\n' "$RID"
    printf 'REPORT RequestId: %s\tDuration: 3.10 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n' "$RID"
} >"$BADLOG"
INVOCATIONS=$((INVOCATIONS + 1))

# ---- what the series must be --------------------------------------------------
# Every document counts three times (raw, text and json shape; the wrapped
# shape is not EMF), hence each file three times.
RAWS="$T/aws_embedded_metrics.out $T/powertools.out"
# shellcheck disable=SC2086
if node "$EXP" $RAWS $RAWS $RAWS >"$T/expected.json" 2>"$T/expected.err"; then
    pass "expected.js: the libraries' documents are valid EMF"
else
    fail "expected.js rejected the libraries' output" "$T/expected.err"
    finish
fi
check "expected.js lists series" grep -q '"name":"ColdStart"' "$T/expected.json"

# ---- import, list ---------------------------------------------------------------
DB=$T/obs.db
check "obsagent --once imports the client logs" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
check_eq "invocations == REPORT lines written" "$(sql "$DB" 'SELECT count(*) FROM invocations')" "$INVOCATIONS"

# metrics_json NAME ARGS...: obsq metrics ARGS -o json into $T/NAME.json; a check
metrics_json()
{
    _n=$1
    shift
    "$OBSQ" --db "$DB" metrics "$@" -o json >"$T/$_n.json" 2>"$T/$_n.err"
    _rc=$?
    if [ "$_rc" -eq 0 ]; then
        pass "obsq metrics ${*:+$* }-o json exits 0"
    else
        fail "obsq metrics ${*:+$* }-o json: exit $_rc" "$T/$_n.err"
    fi
}
# compare DESC EXPECTED GOT: series by series
compare()
{
    # shellcheck disable=SC2086
    if node "$EXP" --compare "$2" "$3" $RAWS >"$T/compare.out" 2>&1; then
        pass "$1"
    else
        fail "$1" "$T/compare.out"
        [ -z "${E2E_VERBOSE:-}" ] || sed 's/^/     | /' "$T/compare.out"
    fi
}

metrics_json got
compare "obsq metrics == expected series (count, sum, min, max, avg, unit, resolution, dimensions)" \
    "$T/expected.json" "$T/got.json"

# the same through the filters
filtered()  # DESC obsq-filter-args...
{
    _d=$1
    shift
    node "$EXP" --filter "$@" "$T/expected.json" >"$T/fexp.json" 2>&1 || { fail "$_d: expected.js --filter" "$T/fexp.json"; return; }
    metrics_json fgot "$@"
    compare "$_d" "$T/fexp.json" "$T/fgot.json"
}
filtered "--namespace" --namespace ObsTest/Powertools
filtered "--namespace --name" --namespace ObsTest/EMF --name PayloadSize
filtered "--name (every namespace)" --name Undimensioned
filtered "--dim" --dim Operation=Aggregator
filtered "two --dim (all must match)" --dim service=orders --dim tier=gold
filtered "--dim with a '/' and ':' in the value" --dim ServiceType=AWS::Lambda::Function --dim Route=/orders
filtered "--name ColdStart --dim function_name=..." --name ColdStart --dim function_name=orders-powertools
metrics_json since --since 1h
compare "--since 1h: everything (the documents are from now)" "$T/expected.json" "$T/since.json"
NOW_MS=$(node -p 'Date.now()')
metrics_json since_ms --since $((NOW_MS - 3600000)) --end $((NOW_MS + 3600000))
compare "--since/--end epoch ms around now: everything" "$T/expected.json" "$T/since_ms.json"
echo '[]' >"$T/empty.json"
metrics_json until --until 1h
compare "--until 1h (the old spelling of --end): nothing (the documents are from now)" "$T/empty.json" "$T/until.json"
metrics_json none --namespace ObsTest/NoSuchNamespace
compare "an unknown namespace: nothing" "$T/empty.json" "$T/none.json"

check "obsq metrics (table) exits 0" "$OBSQ" --db "$DB" metrics
check_grep "obsq metrics (table) lists ColdStart" "$T/.check.out" "ColdStart"
check "obsq metrics --expect-valid: 0 on the clients' corpus" "$OBSQ" --db "$DB" metrics --expect-valid
metrics_json errors0 --errors
check_eq "obsq metrics --errors -o json: [] on the clients' corpus" \
    "$(node -e 'process.stdout.write(JSON.stringify(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))))' "$T/errors0.json" 2>&1)" "[]"

# ---- invalid documents ----------------------------------------------------------
# Appended to bad-emf's stream: a unit CloudWatch does not know (raw line), 101
# metric definitions in one directive (Node text line), and an `_aws` whose
# CloudWatchMetrics is not an array (raw line). Their timestamps are now.
node - "$BADLOG" <<'EOF' 2>"$T/bad.err" || { fail "writing the invalid documents" "$T/bad.err"; finish; }
'use strict';
const fs = require('fs');
const now = Date.now();
const id = 'c0000000-0000-4000-8000-000000000002';
const millis = { _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: 'ObsTest/Bad', Dimensions: [['Op']],
    Metrics: [{ Name: 'BadUnit', Unit: 'Millis' }] }] }, Op: 'x', BadUnit: 12 };
const many = { _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: 'ObsTest/Bad', Dimensions: [[]], Metrics: [] }] } };
for (let i = 0; i <= 100; i++) {
    const name = 'TooMany' + String(i).padStart(3, '0');
    many._aws.CloudWatchMetrics[0].Metrics.push({ Name: name, Unit: 'Count' });
    many[name] = i;
}
const malformed = { _aws: { Timestamp: now, CloudWatchMetrics: 'Latency' }, Latency: 1 };
fs.appendFileSync(process.argv[2], [
    `START RequestId: ${id} Version: $LATEST`,
    JSON.stringify(millis),
    `${new Date(now).toISOString()}\t${id}\tINFO\t${JSON.stringify(many)}`,
    JSON.stringify(malformed),
    `END RequestId: ${id}`,
    `REPORT RequestId: ${id}\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 61 MB\t`,
].join('\n') + '\n');
EOF
check "obsagent --once imports the appended lines" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
check_eq "invocations after the re-import" "$(sql "$DB" 'SELECT count(*) FROM invocations')" "$((INVOCATIONS + 1))"

"$OBSQ" --db "$DB" metrics --expect-valid >"$T/ev.out" 2>"$T/ev.err"
check_eq "obsq metrics --expect-valid: exit 1 once invalid EMF is stored" "$?" 1
check_grep "--expect-valid names the unit on stderr" "$T/ev.err" "Millis"

metrics_json errors --errors
node - "$T/errors.json" >"$T/errors.check" 2>&1 <<'EOF'
'use strict';
const errs = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const bad = [];
if (!Array.isArray(errs)) bad.push('not a JSON array');
const list = Array.isArray(errs) ? errs : [];
for (const e of list) {
    for (const k of ['function', 'status', 'reason', 'count']) if (!(k in e)) bad.push(`entry without "${k}": ${JSON.stringify(e)}`);
    if (e.function !== 'bad-emf') bad.push(`an error outside bad-emf (the client libraries' documents must be valid): ${JSON.stringify(e)}`);
    if (e.status !== 'invalid' && e.status !== 'parse_error') bad.push(`status not invalid/parse_error: ${JSON.stringify(e)}`);
    if (!Number.isInteger(e.count) || e.count < 1) bad.push(`count not a positive integer: ${JSON.stringify(e)}`);
}
const has = (st, re) => list.some((e) => e.status === st && re.test(String(e.reason)));
if (!has('invalid', /Millis/)) bad.push('no "invalid" entry whose reason names the unit "Millis"');
if (!has('invalid', /\b101\b/)) bad.push('no "invalid" entry whose reason says 101 (metric definitions)');
if (!list.some((e) => e.status === 'parse_error')) bad.push('no "parse_error" entry for CloudWatchMetrics that is not an array');
if (bad.length) {
    console.log(bad.join('\n'));
    console.log('obsq metrics --errors -o json said: ' + JSON.stringify(errs));
    process.exit(1);
}
EOF
check_eq "obsq metrics --errors -o json lists the reasons (Millis, 101, parse error), only for bad-emf" \
    "$(cat "$T/errors.check")" ""

metrics_json got2
compare "after the re-import: the series are unchanged (invalid parts dropped, nothing counted twice)" \
    "$T/expected.json" "$T/got2.json"

finish
