#!/usr/bin/env node
// tests/query/doc_examples.js — extract the ```obsq-example blocks of
// docs/query-language.md for tests/e2e/test_query_docs.sh.
//
//   node doc_examples.js DOC OUTDIR
//
// A block is:
//   query: QUERY               (one line; following lines indented by two
//     MORE QUERY                spaces continue it, joined with "\n")
//   options: --no-fill ...     (optional: obsq options, split on spaces)
//   exit: 2                    (optional: expected exit status, default 0;
//                               when not 0, stdout and stderr are compared)
//   stderr:                    (optional, exit 0 only: the lines up to
//   EXPECTED LINES...           output: are what obsq prints on stderr)
//   output:
//   EXPECTED LINES...          (up to the closing ```)
// For example N (1-based, document order) it writes OUTDIR/N.query,
// N.options, N.exit, N.expected, N.line (the block's line number) and, with
// a stderr: section, N.stderr, and
// prints the number of examples. A malformed block is an error (exit 1).
"use strict";
const fs = require("fs");
const path = require("path");

const [doc, outdir] = process.argv.slice(2);
if (!doc || !outdir) {
    console.error("usage: doc_examples.js DOC OUTDIR");
    process.exit(2);
}
const lines = fs.readFileSync(doc, "utf8").split("\n");
fs.mkdirSync(outdir, { recursive: true });
let n = 0;
for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```obsq-example")
        continue;
    const start = i + 1;
    const bad = (why) => {
        console.error(`${doc}:${start}: obsq-example: ${why}`);
        process.exit(1);
    };
    let query = null, options = "", exit = "0", expected = null, stderr = null;
    for (i++; i < lines.length && lines[i] !== "```"; i++) {
        const l = lines[i];
        if (expected !== null) {
            expected.push(l);
        } else if (stderr !== null && l !== "output:") {
            stderr.push(l);
        } else if (l === "stderr:") {
            stderr = [];
        } else if (l.startsWith("query: ")) {
            query = l.slice(7);
            while (i + 1 < lines.length && lines[i + 1].startsWith("  "))
                query += "\n" + lines[++i].slice(2);
        } else if (l.startsWith("options: ")) {
            options = l.slice(9).trim();
        } else if (l.startsWith("exit: ")) {
            exit = l.slice(6).trim();
            if (!/^[0-9]+$/.test(exit))
                bad(`exit must be a number, not '${exit}'`);
        } else if (l === "output:") {
            expected = [];
        } else {
            bad(`unexpected line '${l}' (query:, options:, exit:, stderr: or output:)`);
        }
    }
    if (i >= lines.length)
        bad("no closing ```");
    if (query === null)
        bad("no 'query:' line");
    if (expected === null)
        bad("no 'output:' line");
    if (stderr !== null && exit !== "0")
        bad("stderr: with exit: (both streams are compared as output: then)");
    n++;
    const base = path.join(outdir, String(n));
    fs.writeFileSync(base + ".query", query);
    fs.writeFileSync(base + ".options", options);
    fs.writeFileSync(base + ".exit", exit);
    fs.writeFileSync(base + ".expected", expected.join("\n"));
    fs.writeFileSync(base + ".line", String(start));
    if (stderr !== null)
        fs.writeFileSync(base + ".stderr", stderr.join("\n"));
    else if (fs.existsSync(base + ".stderr"))
        fs.unlinkSync(base + ".stderr");
}
console.log(n);
