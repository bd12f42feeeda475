#!/bin/sh
# tests/e2e/test_terminal_safety.sh — a property: random bytes in names
# never reach the terminal raw. For a few seeds, functions (directory
# names), streams (file names), messages, EMF namespaces, metric and
# dimension names made of random bytes (any but '/' and NUL; C0, ESC, DEL,
# C1 as UTF-8 and as lone bytes, bidi overrides, invalid UTF-8) are
# imported; then every output a person reads in a terminal — obsq's table,
# summary, metrics, metrics --errors, its notes and errors, obsagent
# --status and its own log, obstop --dump — is scanned by a checker
# written apart from the sanitiser: valid UTF-8, and no C0 control but
# newline and tab, no DEL, no C1 control, no bidi control. Seeds:
# SAFETY_SEEDS (default "1 2 3 4 5").
. "$(dirname "$0")/lib.sh"
need obsagent obsq obstop
command -v node >/dev/null || { fail "node is needed (make deps)"; finish; }

# gen.js DIR SEED: the corpus (random names and texts), deterministic per seed
cat >"$T/gen.js" <<'JS'
"use strict";
const fs = require("fs"), path = require("path");
const [dir, seedArg] = process.argv.slice(2);
let s = (Number(seedArg) * 2654435761) >>> 0 || 1;
const rnd = (n) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 8) % n; };
const hostile = [0x1b, 0x07, 0x08, 0x0d, 0x7f, 0x9b, 0x9d, 0x80, 0xff, 0xc2, 0xe2];
const utf8bad = [[0xc2, 0x9b], [0xe2, 0x80, 0xae], [0xe2, 0x81, 0xa6], [0xc0, 0xaf], [0xed, 0xa0, 0x80]];
// random bytes: any but '/' and NUL (and newline, which would end a line)
function bytes(n) {
    const out = [];
    while (out.length < n) {
        const k = rnd(4);
        if (k === 0) out.push(hostile[rnd(hostile.length)]);
        else if (k === 1) out.push(...utf8bad[rnd(utf8bad.length)]);
        else if (k === 2) out.push(0x20 + rnd(0x5f));
        else out.push(1 + rnd(255));
    }
    return Buffer.from(out.filter((b) => b !== 0x2f && b !== 0x0a && b !== 0));
}
// a JSON string holding control and bidi characters (escaped: JSON is text)
const jstr = () => JSON.stringify("n" + "\u001b[2J\u009b31m\u202e\u0007".slice(rnd(4)) + rnd(1000));
for (let f = 0; f < 4; f++) {
    const fn = Buffer.concat([Buffer.from("f" + f), bytes(6 + rnd(8))]);
    const fdir = Buffer.concat([Buffer.from(dir + "/"), fn]);
    fs.mkdirSync(fdir, { recursive: true });
    const file = Buffer.concat([fdir, Buffer.from("/"), bytes(5), Buffer.from(".log")]);
    const rid = "c793869b-ee49-115b-a5b6-4fd21e8ded0" + f;
    const t = (ms) => new Date(Date.UTC(2026, 10, 1, 0, f, 0, ms)).toISOString();
    const lines = [
        Buffer.from(`START RequestId: ${rid} Version: $LATEST\n`),
        Buffer.concat([Buffer.from(`${t(1)}\t${rid}\tERROR\t`), bytes(40), Buffer.from("\n")]),
        // valid EMF: a metric name may hold any character (docs/emf.md)
        (() => { const m = JSON.parse(jstr()); return Buffer.from(JSON.stringify({ _aws: {
            Timestamp: Date.UTC(2026, 10, 1, 0, f, 0, 2), CloudWatchMetrics: [{ Namespace: "ok",
            Dimensions: [["d"]], Metrics: [{ Name: m, Unit: "Count" }] }] }, d: "v", [m]: 1 }) + "\n"); })(),
        // invalid: the namespace and a dimension name hold controls
        Buffer.from(JSON.stringify({ _aws: { Timestamp: Date.UTC(2026, 10, 1, 0, f, 0, 3), CloudWatchMetrics: [
            { Namespace: JSON.parse(jstr()), Dimensions: [[":\u001b[2Jbad"]], Metrics: [{ Name: "m" }] }] },
            ":\u001b[2Jbad": "v", m: 1 }) + "\n"),
        Buffer.from(`END RequestId: ${rid}\n`),
        Buffer.from(`REPORT RequestId: ${rid}\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t\n`),
    ];
    fs.writeFileSync(file, Buffer.concat(lines));
}
JS

# check.js FILE...: every file is valid UTF-8 with no control but \n and \t;
# prints the first offence
cat >"$T/check.js" <<'JS'
"use strict";
const fs = require("fs");
let bad = 0;
for (const f of process.argv.slice(2)) {
    const b = fs.readFileSync(f);
    let text;
    try { text = new TextDecoder("utf-8", { fatal: true }).decode(b); }
    catch (e) { console.log(`${f}: not valid UTF-8`); bad++; continue; }
    const m = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u.exec(text);
    if (m) {
        console.log(`${f}: U+${m[0].codePointAt(0).toString(16).padStart(4, "0")} at ${m.index}: ` +
            JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + 20)));
        bad++;
    }
}
console.log(bad ? `${bad} bad` : "clean");
JS

for seed in ${SAFETY_SEEDS:-1 2 3 4 5}; do
    D=$T/s$seed
    mkdir -p "$D/logs"
    node "$T/gen.js" "$D/logs" "$seed" || { fail "seed $seed: corpus"; continue; }
    "$OBSAGENT" --once --no-progress --db "$D/obs.db" "$D/logs" >"$D/import.out" 2>"$D/import.err"
    check_eq "seed $seed: imported (exit 0)" "$?" 0
    check_eq "seed $seed: 4 functions" "$(sql "$D/obs.db" "SELECT count(DISTINCT function) FROM streams")" 4
    fn=$(sql "$D/obs.db" "SELECT function FROM streams LIMIT 1")
    "$OBSQ" --db "$D/obs.db" 'fields @timestamp, @logStream, @log, @message' >"$D/table" 2>&1
    "$OBSQ" --db "$D/obs.db" 'stats count(*) by @logStream, @log' >"$D/stats" 2>&1
    "$OBSQ" --db "$D/obs.db" summary >"$D/summary" 2>&1
    "$OBSQ" --db "$D/obs.db" metrics >"$D/metrics" 2>&1
    "$OBSQ" --db "$D/obs.db" metrics --errors >"$D/errors" 2>&1
    "$OBSQ" --db "$D/obs.db" --function "$fn-not-there" summary >"$D/nofn" 2>&1
    "$OBSQ" --db "$D/obs.db" "filter $fn" >"$D/syntax" 2>&1
    "$OBSAGENT" --status --db "$D/obs.db" >"$D/status" 2>&1
    "$BUILD/obstop" --db "$D/obs.db" --dump --window all --width 160 --height 40 >"$D/top" 2>&1
    "$BUILD/obstop" --db "$D/obs.db" --dump --window all --view tail --width 160 --height 40 >"$D/toptail" 2>&1
    check_grep "seed $seed: the metrics list has the hostile metric names, shown escaped" "$D/metrics" \
        '^ok +n.*\\u009b31m\\u202e\\x07'
    check_grep "seed $seed: metrics --errors lists the bad dimension" "$D/errors" 'dimension name ":.\[2Jbad"'
    node "$T/check.js" "$D/import.out" "$D/import.err" "$D/table" "$D/stats" "$D/summary" \
        "$D/metrics" "$D/errors" "$D/nofn" "$D/syntax" "$D/status" "$D/top" "$D/toptail" >"$D/verdict"
    check_eq "seed $seed: nothing raw reaches the terminal ($(head -n 1 "$D/verdict"))" \
        "$(tail -n 1 "$D/verdict")" clean
done
finish
