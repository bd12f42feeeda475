#!/usr/bin/env node
// tests/e2e/clickhouse/compare.js — are two obsq -o json answers the same
// rows? Same columns, same order, texts equal, numbers equal to 1e-9
// (relative, or absolute near 0). Exit 0 when they are; else prints the
// first difference and exits 1 — or 3 when only the order differs (the
// same rows: ties of a sort, whose order neither engine defines).
//   node compare.js SQLITE.json CLICKHOUSE.json [--ties COLUMN ALL.json]
// --ties: the query ends with a sort on COLUMN and a limit, and ALL.json is
// its answer without the limit: ClickHouse's rows may be other rows tied
// with SQLite's (exit 3) when COLUMN is the same, row by row, and each of
// its rows is one of ALL.json's.
"use strict";
const fs = require("fs");
const args = process.argv.slice(2);
const read = (f) => JSON.parse(fs.readFileSync(f, "utf8") || "[]");
const [a, b] = args.slice(0, 2).map(read);
const tiesCol = args[2] === "--ties" ? args[3] : null;
const all = tiesCol ? read(args[4]) : null;
const same = (x, y) => {
    if (typeof x === "number" && typeof y === "number")
        return x === y || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
    return JSON.stringify(x) === JSON.stringify(y);
};
const key = (r) => JSON.stringify(r, (k, v) => (typeof v === "number" ? Number(v.toPrecision(12)) : v));
const sameSet = a.length === b.length && JSON.stringify(a.map(key).sort()) === JSON.stringify(b.map(key).sort());
// other rows of the same ties: the sort column row by row, each row one of all's
const tiedRows = () => {
    if (!tiesCol || a.length !== b.length)
        return false;
    const allKeys = new Set(all.map(key));
    return a.every((r, i) => same(r[tiesCol], b[i][tiesCol])) && b.every((r) => allKeys.has(key(r)));
};
if (a.length !== b.length) {
    console.log(`rows: ${a.length} on SQLite, ${b.length} on ClickHouse`);
    process.exit(1);
}
for (let i = 0; i < a.length; i++) {
    const ka = Object.keys(a[i]), kb = Object.keys(b[i]);
    if (JSON.stringify(ka) !== JSON.stringify(kb)) {
        console.log(`row ${i + 1}: columns ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`);
        process.exit(1);
    }
    for (const k of ka)
        if (!same(a[i][k], b[i][k])) {
            if (sameSet) {
                console.log(`the same rows in another order from row ${i + 1} (ties)`);
                process.exit(3);
            }
            if (tiedRows()) {
                console.log(`other rows tied on ${tiesCol} from row ${i + 1} (ties)`);
                process.exit(3);
            }
            console.log(`row ${i + 1} ${k}: ${JSON.stringify(a[i][k])} on SQLite, ${JSON.stringify(b[i][k])} on ClickHouse`);
            process.exit(1);
        }
}
