#!/usr/bin/env node
// tests/e2e/clickhouse/compare.js — are two obsq -o json answers the same
// rows? Same columns, same order, texts equal, numbers equal to 1e-9
// (relative, or absolute near 0). Exit 0 when they are; else prints the
// first difference and exits 1 — or 3 when only the order differs (the
// same rows: ties of a sort, whose order neither engine defines).
//   node compare.js SQLITE.json CLICKHOUSE.json
"use strict";
const fs = require("fs");
const [a, b] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, "utf8") || "[]"));
const same = (x, y) => {
    if (typeof x === "number" && typeof y === "number")
        return x === y || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
    return JSON.stringify(x) === JSON.stringify(y);
};
const key = (r) => JSON.stringify(r, (k, v) => (typeof v === "number" ? Number(v.toPrecision(12)) : v));
const sameSet = a.length === b.length && JSON.stringify(a.map(key).sort()) === JSON.stringify(b.map(key).sort());
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
            console.log(`row ${i + 1} ${k}: ${JSON.stringify(a[i][k])} on SQLite, ${JSON.stringify(b[i][k])} on ClickHouse`);
            process.exit(1);
        }
}
