#!/usr/bin/env node
// tests/e2e/clickhouse/suite_replay.js — the obsq calls recorded by
// obsq_record.sh, run again on the store's snapshot and on ClickHouse
// (clickhouse/suite_queries.sh). Each call runs with -o json on both
// engines; the answers must be the same rows (compare.js: reals to 1e-9;
// the same rows in another order, or other rows tied on F when the query
// ends "| sort F | limit N"), or ClickHouse refuses the query (exit 2, "not
// supported on the ClickHouse engine: WHAT"); a call SQLite fails (a
// syntax error, --strict) must fail on ClickHouse too. Never other rows.
//   node suite_replay.js OBSQ REC-DIR URL-PREFIX
// URL-PREFIX + the snapshot's key names its ClickHouse table. Prints
// "SUITE same ties refused differ failed-on-both
// by-design" per suite (by design: a query too deep for SQLite's parser,
// which ClickHouse answers), then one line per refusal
// ("refused SUITE WHAT") and per difference ("differ SUITE ..."); exits 1
// when any call differs.
"use strict";
const fs = require("fs"), path = require("path"), cp = require("child_process");
const [obsq, rec, urlPrefix] = process.argv.slice(2);
const compare = path.join(__dirname, "compare.js");
const tmp = fs.mkdtempSync(path.join(rec, "replay."));
const withValue = new Set(["--db", "-o", "--output", "--engine"]);
const tie = /^([\s\S]*)\|\s*sort\s+(?:by\s+)?(@?[A-Za-z_][A-Za-z0-9_.]*)(\s+desc|\s+asc)?\s*\|\s*limit\s+[0-9]+\s*$/;
const run = (args) => {
    const r = cp.spawnSync(obsq, args, { encoding: "utf8", timeout: 30000, maxBuffer: 1 << 28 });
    return { code: r.status, out: r.stdout || "", err: (r.stderr || "") + (r.error ? String(r.error) : "") };
};
const counts = {}, lines = [], seen = new Set();
let differ = 0;
const calls = fs.readdirSync(path.join(rec, "calls")).filter((f) => f.endsWith(".args"))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
for (const f of calls) {
    const suite = f.split(".")[0];
    const c = (counts[suite] = counts[suite] || { same: 0, ties: 0, refused: 0, differ: 0, bothfail: 0, bydesign: 0 });
    const raw = fs.readFileSync(path.join(rec, "calls", f), "utf8").split("\0").slice(0, -1);
    const key = fs.readFileSync(path.join(rec, "calls", f.replace(/\.args$/, ".db")), "utf8").trim();
    const rest = [];
    for (let i = 0; i < raw.length; i++) {
        const a = raw[i];
        if (withValue.has(a)) { i++; continue; }
        if (/^--(db|output|engine)=/.test(a) || /^-o./.test(a)) continue;
        rest.push(a);
    }
    const id = key + "\0" + rest.join("\0");
    if (seen.has(id)) continue;
    seen.add(id);
    const snap = path.join(rec, "dbs", key + ".db");
    const A = run(["--db", snap, "-o", "json", ...rest]);
    const B = run(["--engine", urlPrefix + key, "-o", "json", ...rest]);
    const what = `${suite}: obsq ${rest.join(" ").replace(/\s+/g, " ")}`;
    if (A.code !== 0) {
        if (B.code === 0 && /deeper than SQLite can compile/.test(A.err)) {
            // by design: SQLite's parser has a depth limit, ClickHouse's is deeper
            c.bydesign++; lines.push(`bydesign ${suite}: SQLite's depth limit, answered on ClickHouse`);
        } else if (B.code === 0) { c.differ++; lines.push(`differ ${what}: answered on ClickHouse, failed on SQLite`); }
        else c.bothfail++; // a syntax error, --strict: refused by both
        continue;
    }
    const m = /not supported on the ClickHouse engine: (.*?)( \(docs.*)?$/m.exec(B.err);
    if (B.code === 2 && m) { c.refused++; lines.push(`refused ${suite} ${m[1]}`); continue; }
    if (B.code !== 0) { c.differ++; lines.push(`differ ${what}: ClickHouse failed (exit ${B.code}): ${B.err.trim()}`); continue; }
    fs.writeFileSync(path.join(tmp, "a.json"), A.out);
    fs.writeFileSync(path.join(tmp, "b.json"), B.out);
    const cargs = [compare, path.join(tmp, "a.json"), path.join(tmp, "b.json")];
    const ti = rest.findIndex((a) => tie.test(a));
    if (ti >= 0) {
        const [, head, col] = tie.exec(rest[ti]);
        const all = rest.slice();
        all[ti] = head.replace(/\s*$/, "") + " | sort " + col + (tie.exec(rest[ti])[3] || "");
        fs.writeFileSync(path.join(tmp, "all.json"), run(["--db", snap, "-o", "json", ...all]).out);
        cargs.push("--ties", col, path.join(tmp, "all.json"));
    }
    const r = cp.spawnSync("node", cargs, { encoding: "utf8" });
    if (r.status === 0) c.same++;
    else if (r.status === 3) c.ties++;
    else { c.differ++; lines.push(`differ ${what}: ${(r.stdout + r.stderr).trim()}`); }
}
for (const [s, c] of Object.entries(counts)) {
    console.log(`${s} ${c.same} ${c.ties} ${c.refused} ${c.differ} ${c.bothfail} ${c.bydesign}`);
    differ += c.differ;
}
for (const l of lines) console.log(l);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(differ ? 1 : 0);
