'use strict';
// tests/clients/expected.js — the independent side of test_emf_clients.sh.
//
//   node expected.js FILE...
//       FILE: what an emit_*.js script wrote to stdout (one EMF document per
//       line; "#invocation <id>" marker lines are skipped). A file named twice
//       counts twice (the test imports every document once per log shape).
//       Prints the expected metric series as canonical JSON (see canon()).
//       Exits 2 when a document is not valid EMF: the corpus must be valid.
//
//   node expected.js --canon FILE
//       FILE: `obsq metrics -o json` output; prints it in the same canonical
//       form (so the two can be diffed by eye).
//
//   node expected.js --filter [--namespace NS] [--name NAME] [--dim K=V]... FILE
//       FILE: canonical output of the first form; prints the series that
//       match every condition (what `obsq metrics` with the same options
//       should list: a --dim matches a series that has that dimension).
//
//   node expected.js --compare EXPECTED GOT [RAW...]
//       EXPECTED: canonical output of the first form; GOT: obsq's JSON.
//       Prints one line per difference (series, field, expected vs got, and
//       the shortest raw EMF line of that series when RAW files are given);
//       exits 1 when there is any. count, unit, resolution, dimensions exact;
//       sum, min, max (and avg = sum / count) within 1e-9 relative;
//       p50/p90/p99 only checked to lie in [min, max] and be ordered.
//
// EMF expansion, written here from the specification (reference spec §1),
// not from obs: every directive of _aws.CloudWatchMetrics × every metric
// definition × every dimension set × every value. Unit defaults to "None",
// StorageResolution to 60. A dimension set's dimensions are root members
// (strings). "Dimensions": [] or missing = one empty dimension set
// (undimensioned; the spec's lenient reading, §1.5/§1.16, which Powertools
// with cleared default dimensions and aws-embedded-metrics after
// resetDimensions(false) rely on).

const fs = require('fs');

const UNITS = new Set(['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes',
    'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second',
    'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second',
    'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None']);

function die(msg, code) {
    process.stderr.write('expected.js: ' + msg + '\n');
    process.exit(code || 2);
}

function sortedDims(d) {
    const out = {};
    for (const k of Object.keys(d).sort()) out[k] = d[k];
    return out;
}

function seriesKey(s) {
    return JSON.stringify([s.namespace, s.name, s.unit, s.resolution, Object.entries(sortedDims(s.dimensions || {}))]);
}

function cmpStr(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}

// Canonical form: series sorted by (namespace, name, unit, resolution,
// dimensions), fixed member order, dimension keys sorted; one series per line.
function canon(list) {
    const rows = list.map((s) => {
        const r = {
            namespace: s.namespace,
            name: s.name,
            dimensions: sortedDims(s.dimensions || {}),
            unit: s.unit,
            resolution: s.resolution,
            count: s.count,
            sum: s.sum,
            min: s.min,
            max: s.max,
        };
        for (const k of ['avg', 'p50', 'p90', 'p99']) if (k in s) r[k] = s[k];
        return r;
    });
    rows.sort((a, b) => cmpStr(seriesKey(a), seriesKey(b)));
    return rows.length ? '[\n' + rows.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n' : '[]\n';
}

function readDocs(file) {
    const docs = [];
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
        if (line === '' || line.startsWith('#invocation ')) return;
        if (!line.startsWith('{')) die(`${file}:${i + 1}: not an EMF document: ${line.slice(0, 200)}`);
        let doc;
        try {
            doc = JSON.parse(line);
        } catch (e) {
            die(`${file}:${i + 1}: bad JSON: ${e.message}`);
        }
        docs.push({ doc, line, where: `${file}:${i + 1}` });
    });
    return docs;
}

function isNum(v) {
    return typeof v === 'number' && Number.isFinite(v);
}

function expand(files) {
    const series = new Map();
    for (const file of files) {
        for (const { doc, line, where } of readDocs(file)) {
            const bad = (why) => die(`${where}: invalid EMF (${why}): ${line.slice(0, 300)}`);
            const aws = doc._aws;
            if (!aws || typeof aws !== 'object' || Array.isArray(aws)) bad('no _aws object');
            if (!Number.isInteger(aws.Timestamp)) bad('Timestamp not an integer');
            if (!Array.isArray(aws.CloudWatchMetrics)) bad('CloudWatchMetrics not an array');
            for (const dir of aws.CloudWatchMetrics) {
                const ns = dir.Namespace;
                if (typeof ns !== 'string' || !/^(?=.*\S)[A-Za-z0-9 ._#:/-]{1,255}$/.test(ns)) bad('Namespace');
                let sets = dir.Dimensions === undefined ? [] : dir.Dimensions;
                if (!Array.isArray(sets)) bad('Dimensions not an array');
                if (sets.length === 0) sets = [[]];
                const dimSets = sets.map((set) => {
                    if (!Array.isArray(set) || set.length > 30) bad('dimension set');
                    const d = {};
                    for (const k of set) {
                        if (typeof k !== 'string' || typeof doc[k] !== 'string') bad(`dimension ${k}`);
                        d[k] = doc[k];
                    }
                    return d;
                });
                if (!Array.isArray(dir.Metrics) || dir.Metrics.length > 100) bad('Metrics');
                for (const m of dir.Metrics) {
                    const unit = m.Unit === undefined ? 'None' : m.Unit;
                    const res = m.StorageResolution === undefined ? 60 : m.StorageResolution;
                    if (typeof m.Name !== 'string' || m.Name.length === 0) bad('metric Name');
                    if (!UNITS.has(unit)) bad(`Unit ${unit}`);
                    if (res !== 1 && res !== 60) bad(`StorageResolution ${res}`);
                    const target = doc[m.Name];
                    const values = Array.isArray(target) ? target : [target];
                    if (values.length === 0 || values.length > 100 || !values.every(isNum)) bad(`values of ${m.Name}`);
                    for (const dims of dimSets) {
                        const s = { namespace: ns, name: m.Name, dimensions: dims, unit, resolution: res };
                        const key = seriesKey(s);
                        let acc = series.get(key);
                        if (!acc) {
                            acc = Object.assign(s, { count: 0, sum: 0, min: Infinity, max: -Infinity, values: [] });
                            series.set(key, acc);
                        }
                        for (const v of values) acc.values.push(v);
                    }
                }
            }
        }
    }
    // exact-ish sum: add in sorted order of magnitude (order-independent)
    for (const s of series.values()) {
        const v = s.values.slice().sort((a, b) => Math.abs(a) - Math.abs(b));
        s.count = v.length;
        s.sum = v.reduce((a, b) => a + b, 0);
        s.min = Math.min(...v);
        s.max = Math.max(...v);
        delete s.values;
    }
    return [...series.values()];
}

// the shortest raw line of each series, for the mismatch report
function rawIndex(files) {
    const idx = new Map();
    for (const file of files) {
        for (const { doc, line } of readDocs(file)) {
            const aws = doc._aws || {};
            for (const dir of aws.CloudWatchMetrics || []) {
                let sets = Array.isArray(dir.Dimensions) && dir.Dimensions.length ? dir.Dimensions : [[]];
                for (const m of dir.Metrics || []) {
                    for (const set of sets) {
                        const d = {};
                        for (const k of set) d[k] = doc[k];
                        const key = seriesKey({
                            namespace: dir.Namespace, name: m.Name, dimensions: d,
                            unit: m.Unit === undefined ? 'None' : m.Unit,
                            resolution: m.StorageResolution === undefined ? 60 : m.StorageResolution,
                        });
                        if (!idx.has(key) || line.length < idx.get(key).length) idx.set(key, line);
                    }
                }
            }
        }
    }
    return idx;
}

function close(a, b) {
    if (!isNum(a) || !isNum(b)) return false;
    if (a === b) return true;
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function compare(expFile, gotFile, rawFiles) {
    const exp = JSON.parse(fs.readFileSync(expFile, 'utf8'));
    let got;
    try {
        got = JSON.parse(fs.readFileSync(gotFile, 'utf8'));
    } catch (e) {
        console.log(`obsq output is not JSON: ${e.message}`);
        return 1;
    }
    if (!Array.isArray(got)) {
        console.log('obsq output is not a JSON array');
        return 1;
    }
    const raw = rawFiles.length ? rawIndex(rawFiles) : new Map();
    const out = [];
    const gotMap = new Map();
    for (const g of got) {
        const k = seriesKey(g);
        if (gotMap.has(k)) out.push(`duplicate series in obsq output: ${k}`);
        gotMap.set(k, g);
    }
    const name = (s) => `${s.namespace} ${s.name} ${JSON.stringify(sortedDims(s.dimensions || {}))} ${s.unit}/${s.resolution}`;
    const rawOf = (k) => (raw.has(k) ? `\n      raw EMF: ${raw.get(k).slice(0, 400)}` : '');
    for (const e of exp) {
        const k = seriesKey(e);
        const g = gotMap.get(k);
        if (!g) {
            out.push(`missing series ${name(e)} (expected count ${e.count}, sum ${e.sum})${rawOf(k)}`);
            continue;
        }
        gotMap.delete(k);
        const diffs = [];
        if (g.count !== e.count) diffs.push(`count: expected ${e.count}, got ${JSON.stringify(g.count)}`);
        for (const f of ['sum', 'min', 'max']) {
            if (!close(g[f], e[f])) diffs.push(`${f}: expected ${e[f]}, got ${JSON.stringify(g[f])}`);
        }
        if (!close(g.avg, e.sum / e.count)) diffs.push(`avg: expected ${e.sum / e.count}, got ${JSON.stringify(g.avg)}`);
        const ps = ['p50', 'p90', 'p99'].map((p) => g[p]);
        const eps = 1e-9 * Math.max(Math.abs(e.min), Math.abs(e.max));
        if (!ps.every(isNum) || ps[0] > ps[1] || ps[1] > ps[2] || ps[0] < e.min - eps || ps[2] > e.max + eps) {
            diffs.push(`p50/p90/p99: expected ordered within [${e.min}, ${e.max}], got ${JSON.stringify(ps)}`);
        }
        if (diffs.length) out.push(`series ${name(e)}: ${diffs.join('; ')}${rawOf(k)}`);
    }
    for (const [k, g] of gotMap) out.push(`unexpected series ${name(g)} (count ${JSON.stringify(g.count)}, sum ${JSON.stringify(g.sum)})${rawOf(k)}`);
    for (const line of out) console.log(line);
    if (out.length) console.log(`${out.length} difference(s); expected ${exp.length} series, got ${got.length}`);
    return out.length ? 1 : 0;
}

const args = process.argv.slice(2);
if (args[0] === '--canon') {
    let list;
    try {
        list = JSON.parse(fs.readFileSync(args[1], 'utf8'));
    } catch (e) {
        die(`${args[1]}: not JSON: ${e.message}`, 1);
    }
    if (!Array.isArray(list)) die(`${args[1]}: not a JSON array`, 1);
    process.stdout.write(canon(list));
} else if (args[0] === '--filter') {
    let ns = null;
    let name = null;
    const dims = [];
    let i = 1;
    for (; i < args.length - 1; i += 2) {
        if (args[i] === '--namespace') ns = args[i + 1];
        else if (args[i] === '--name') name = args[i + 1];
        else if (args[i] === '--dim') {
            const eq = args[i + 1].indexOf('=');
            if (eq < 1) die(`bad --dim ${args[i + 1]}`);
            dims.push([args[i + 1].slice(0, eq), args[i + 1].slice(eq + 1)]);
        } else die(`unknown filter ${args[i]}`);
    }
    if (i !== args.length - 1) die('usage: expected.js --filter [--namespace NS] [--name NAME] [--dim K=V]... FILE');
    const list = JSON.parse(fs.readFileSync(args[i], 'utf8')).filter((s) => (ns === null || s.namespace === ns) &&
        (name === null || s.name === name) &&
        dims.every(([k, v]) => Object.prototype.hasOwnProperty.call(s.dimensions, k) && s.dimensions[k] === v));
    process.stdout.write(canon(list));
} else if (args[0] === '--compare') {
    if (args.length < 3) die('usage: expected.js --compare EXPECTED GOT [RAW...]');
    process.exitCode = compare(args[1], args[2], args.slice(3));
} else {
    if (args.length === 0) die('usage: expected.js FILE...');
    process.stdout.write(canon(expand(args)));
}
