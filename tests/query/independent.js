#!/usr/bin/env node
// tests/query/independent.js — the expected answers of the Logs Insights
// queries of tests/e2e/test_query.sh, computed from the raw text-format log
// files alone (no obs code, no store), and the comparison of obsq's answers
// with them.
//
//   node independent.js expect DIR > expected.json
//       DIR holds <function>/<stream>.log (lambdagen --format text). Prints
//       one JSON object: the events summary and, per query id, the answer.
//   node independent.js compare EXPECTED.json QID GOT.json
//       GOT.json is `obsq -o json` output for query QID. Prints every
//       mismatch; exits 0 when there is none, 1 otherwise.
//
// The model of the store (from the obsq contract and docs/formats.md):
// - one event per physical line ('\n'-separated; '\r' stays in the message);
// - a line's own time comes from its runtime prefix: Node/.NET and Lambda's
//   own "Task timed out" lines start "<ISO 8601 with ms>Z\t", Python logging
//   "[LEVEL]\t<ISO>\t", Go's log package "YYYY/MM/DD HH:MM:SS ";
// - a line without a time takes the time of the last timed line before it in
//   the same file; lines at the head of a file, before any timed line, take
//   the time of the file's first timed line;
// - @logStream is the file name without ".log"; @log is
//   "000000000000:/aws/lambda/<function>";
// - REPORT lines give @requestId, @duration, @billedDuration, @initDuration
//   (ms) and @memorySize, @maxMemoryUsed in bytes (MB x 1,000,000);
// - pct/percentile is nearest-rank: the value at rank ceil(p/100 x n) of the
//   ascending values; `/` divides as real numbers;
// - a query grouped only by bin() lists its bins in ascending order, with the
//   missing bins between the first and the last filled with 0.
'use strict';

const fs = require('fs');
const path = require('path');

// ---- parsing -------------------------------------------------------------

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z\t/;
const PY = /^\[[A-Z]+\]\t(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z\t/;
const GO = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) /;

function msOf(m) {
    const frac = m[7] ? Number((m[7] + '00').slice(0, 3)) : 0;
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + frac;
}

// The line's own time (ms since the epoch) or null.
function ownTime(line) {
    const m = ISO.exec(line) || PY.exec(line) || GO.exec(line);
    return m ? msOf(m) : null;
}

const PLATFORM = /^(START|END|REPORT|INIT_START|INIT_REPORT|RESTORE_REPORT|EXTENSION|TELEMETRY)[ \t]/;

function reportFields(line) {
    const f = {};
    for (const tok of line.split('\t')) {
        const m = /^\s*([A-Za-z ]+?):\s*(.*?)\s*$/.exec(tok);
        if (m)
            f[m[1].replace(/^REPORT /, '')] = m[2];
    }
    const num = (k, unit) => {
        if (f[k] === undefined)
            return null;
        const m = new RegExp('^([0-9.]+) ' + unit + '$').exec(f[k]);
        if (!m)
            throw new Error('REPORT field ' + k + ' unreadable: ' + JSON.stringify(f[k]));
        return Number(m[1]);
    };
    return {
        requestId: f.RequestId,
        duration: num('Duration', 'ms'),
        billedDuration: num('Billed Duration', 'ms'),
        memorySize: num('Memory Size', 'MB') * 1000000,
        maxMemoryUsed: num('Max Memory Used', 'MB') * 1000000,
        initDuration: num('Init Duration', 'ms'),
    };
}

function readCorpus(dir) {
    const events = [];
    const files = [];
    for (const fn of fs.readdirSync(dir).sort()) {
        const fdir = path.join(dir, fn);
        if (!fs.statSync(fdir).isDirectory())
            continue;
        for (const name of fs.readdirSync(fdir).sort()) {
            if (!name.endsWith('.log'))
                continue;
            const stream = name.slice(0, -4);
            const text = fs.readFileSync(path.join(fdir, name), 'utf8');
            const lines = text.split('\n');
            if (lines[lines.length - 1] === '')
                lines.pop();
            const evs = [];
            let last = null, untimedHead = 0;
            for (const line of lines) {
                if (line === '')
                    continue;
                const own = ownTime(line);
                const ev = { fn, stream, message: line, own, ts: own !== null ? own : last };
                if (own !== null)
                    last = own;
                else if (last === null)
                    untimedHead++;
                const pm = PLATFORM.exec(line);
                ev.type = pm ? pm[1] : null;
                if (ev.type === 'REPORT')
                    Object.assign(ev, reportFields(line));
                evs.push(ev);
            }
            const first = evs.find(e => e.own !== null);
            if (!first)
                throw new Error(fn + '/' + name + ': no timed line (its time would be the arrival time)');
            for (const e of evs)
                if (e.ts === null)
                    e.ts = first.own;
            files.push({ fn, stream, events: evs.length, untimedHead });
            events.push(...evs);
        }
    }
    return { events, files };
}

// ---- helpers --------------------------------------------------------------

function fmtTime(ms) {
    return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

const floorTo = (t, w) => t - (((t % w) + w) % w);

// nearest rank over the values (any order)
function pct(values, p) {
    const v = values.slice().sort((a, b) => a - b);
    if (!v.length)
        return null;
    // ceil(p/100 * n) in exact arithmetic (p has at most 2 decimals here)
    // (100 p) n is an integer; its quotient by 10000 is either exact or at
    // least 1/10000 away from an integer, so ceil() is exact
    const pn = Math.round(p * 100) * v.length;
    let rank = Math.ceil(pn / 10000);
    if (rank < 1)
        rank = 1;
    return v[Math.min(rank, v.length) - 1];
}

const sum = a => a.reduce((s, x) => s + x, 0);
const avg = a => (a.length ? sum(a) / a.length : null);
const max = a => (a.length ? a.reduce((m, x) => (x > m ? x : m)) : null);
const min = a => (a.length ? a.reduce((m, x) => (x < m ? x : m)) : null);

// Rows of a query grouped only by bin(w): ascending, zero-filled between the
// first and the last bin. agg(events) gives the row's other columns; empty
// gives the columns of a filled row.
function binned(evs, w, col, agg, empty) {
    const groups = new Map();
    for (const e of evs) {
        const b = floorTo(e.ts, w);
        if (!groups.has(b))
            groups.set(b, []);
        groups.get(b).push(e);
    }
    const keys = [...groups.keys()].sort((a, b) => a - b);
    const rows = [];
    if (!keys.length)
        return rows;
    for (let b = keys[0]; b <= keys[keys.length - 1]; b += w) {
        const g = groups.get(b);
        const row = g ? agg(g) : Object.assign({}, empty);
        row[col] = fmtTime(b);
        rows.push(row);
    }
    return rows;
}

// Logs Insights natural order (spec §6.2 sort): chunk-wise, digit runs by
// length then value, other runs by code point.
function naturalCmp(a, b) {
    const ca = String(a).match(/\d+|\D+/g) || [];
    const cb = String(b).match(/\d+|\D+/g) || [];
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
        const x = ca[i], y = cb[i];
        const dx = /^\d/.test(x), dy = /^\d/.test(y);
        let c;
        if (dx && dy)
            c = x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
        else
            c = x < y ? -1 : x > y ? 1 : 0;
        if (c)
            return c;
    }
    return ca.length - cb.length;
}

// ---- the expected answers ------------------------------------------------

const H = 3600000, M = 60000;

function expect(dir) {
    const { events, files } = readCorpus(dir);
    const reports = events.filter(e => e.type === 'REPORT');
    const X = {};
    const fns = [...new Set(events.map(e => e.fn))].sort();

    X.summary = {
        events: events.length,
        reports: reports.length,
        files: files.length,
        functions: fns,
        per_function_reports: Object.fromEntries(fns.map(f => [f, reports.filter(r => r.fn === f).length])),
        first_ts: fmtTime(min(events.map(e => e.ts))),
        last_ts: fmtTime(max(events.map(e => e.ts))),
        head_untimed_lines: sum(files.map(f => f.untimedHead)),
    };
    for (const r of reports)
        if (r.duration === null || r.billedDuration === null || !r.requestId)
            throw new Error('REPORT without its fields: ' + r.message);

    // 1
    X.q1 = [{ n: reports.length }];

    // 2 (and 15b: --max-rows 2 on it)
    X.q2 = binned(reports, H, 'bin(1h)', g => {
        const d = g.map(e => e.duration);
        return { invocations: g.length, avg: avg(d), max: max(d), p99: pct(d, 99) };
    }, { invocations: 0, avg: 0, max: 0, p99: 0 });
    X.q15b = X.q2.slice(0, 2);

    // 3 AWS: percentage of cold starts
    X.q3 = binned(reports, 5 * M, 'bin(5m)', g => ({
        coldStartPct: sum(g.map(e => (e.message.includes('Init Duration') ? 1 : 0))) / g.length * 100,
        'avg(@duration)': avg(g.map(e => e.duration)),
    }), { coldStartPct: 0, 'avg(@duration)': 0 });

    // 4 AWS: percentile report of Lambda duration
    X.q4 = binned(reports, 30 * M, 'bin(30m)', g => {
        const b = g.map(e => e.billedDuration);
        return { Average: avg(b), NinetyNinth: pct(b, 99), NinetyFifth: pct(b, 95), Ninetieth: pct(b, 90) };
    }, { Average: 0, NinetyNinth: 0, NinetyFifth: 0, Ninetieth: 0 });

    // 5 AWS: over-provisioned memory (/1000 and /1024 variants)
    {
        const ms = reports.map(e => e.memorySize / 1000 / 1000);
        const mu = reports.map(e => e.maxMemoryUsed / 1000 / 1000);
        X.q5a = [{
            provisonedMemoryMB: max(ms), smallestMemoryRequestMB: min(mu), avgMemoryUsedMB: avg(mu),
            maxMemoryUsedMB: max(mu), overProvisionedMB: max(ms) - max(mu),
        }];
        const ms2 = reports.map(e => e.memorySize / 1024 / 1024);
        const mu2 = reports.map(e => e.maxMemoryUsed / 1024 / 1024);
        X.q5b = [{
            provisonedMemMB: max(ms2), smallestMemReqMB: min(mu2), avgMemUsedMB: avg(mu2),
            maxMemUsedMB: max(mu2), overProvisionedMB: max(ms2) - max(mu2),
        }];
    }

    // 6 AWS: top 100 billed — the billed durations in order, and every
    // request id's own billed duration
    X.q6 = {
        billed: reports.map(e => e.billedDuration).sort((a, b) => b - a).slice(0, 100),
        byRequest: Object.fromEntries(reports.map(e => [e.requestId, e.billedDuration])),
    };

    // 7 AWS: invocations that timed out
    X.q7 = binned(events.filter(e => /Task timed out/.test(e.message)), 30 * M, 'bin(30m)',
        g => ({ 'count()': g.length }), { 'count()': 0 });

    // 7b the same in 5-minute bins: sparse, so zero-filled bins appear; 7c
    // with --no-fill: only the bins that have timeouts
    X.q7b = binned(events.filter(e => /Task timed out/.test(e.message)), 5 * M, 'bin(5m)',
        g => ({ 'count()': g.length }), { 'count()': 0 });
    X.q7c = X.q7b.filter(r => r['count()'] > 0);
    X.q7b_filled_bins = X.q7b.length - X.q7c.length;

    // 8 AWS: the 20 latest REPORTs over 1 s
    {
        const slow = reports.filter(e => e.duration > 1000);
        const ts = slow.map(e => e.ts).sort((a, b) => b - a);
        X.q8 = {
            timestamps: ts.slice(0, 20).map(fmtTime),
            byRequest: Object.fromEntries(slow.map(e => [e.requestId,
                { ts: fmtTime(e.ts), stream: e.stream, message: e.message, duration: e.duration }])),
        };
    }

    // 9 regex parse of Billed Duration
    X.q9 = [{ total: sum(reports.map(e => e.billedDuration)), n: reports.length }];

    // 10 glob parse of Max Memory Used, peak per stream, top 5
    {
        const peak = {};
        for (const e of reports) {
            const m = /Max Memory Used: (.*?) MB/.exec(e.message);
            const v = Number(m[1]);
            peak[e.stream] = peak[e.stream] === undefined ? v : Math.max(peak[e.stream], v);
        }
        X.q10 = {
            peaks: Object.values(peak).sort((a, b) => b - a).slice(0, 5),
            byStream: peak,
        };
    }

    // 11 events per stream, top 3
    {
        const n = {};
        for (const e of events)
            n[e.stream] = (n[e.stream] || 0) + 1;
        X.q11 = Object.entries(n).map(([s, c]) => ({ n: c, '@logStream': s }))
            .sort((a, b) => b.n - a.n || naturalCmp(a['@logStream'], b['@logStream'])).slice(0, 3);
        // would a plain code-point order of the names give another answer?
        const plain = Object.entries(n).map(([s, c]) => ({ n: c, '@logStream': s }))
            .sort((a, b) => b.n - a.n || (a['@logStream'] < b['@logStream'] ? -1 : 1)).slice(0, 3);
        X.q11_tie_order_matters = JSON.stringify(plain) !== JSON.stringify(X.q11);
    }

    // 12 "Task timed out" three ways
    X.q12a = [{ n: events.filter(e => e.message.includes('Task timed out')).length }];
    X.q12b = [{ n: events.filter(e => /Task timed out/.test(e.message)).length }];
    X.q12c = [{ n: events.filter(e => /task TIMED out/i.test(e.message)).length }];

    // 13 cold starts
    {
        const cold = reports.filter(e => e.initDuration !== null && e.initDuration > 0);
        X.q13 = [{ cold: cold.length, init: avg(cold.map(e => e.initDuration)) }];
    }

    // 14 the 5 latest events
    {
        const sorted = events.map(e => e.ts).sort((a, b) => b - a);
        const byTime = {};
        for (const e of events)
            (byTime[fmtTime(e.ts)] = byTime[fmtTime(e.ts)] || []).push(e.message);
        const top = sorted.slice(0, 5).map(fmtTime);
        X.q14 = { timestamps: top, messagesAt: Object.fromEntries(top.map(t => [t, byTime[t]])) };
    }

    // 15 first three 5-minute bins of the REPORT count
    X.q15a = binned(reports, 5 * M, 'bin(5m)', g => ({ 'count(*)': g.length }), { 'count(*)': 0 }).slice(0, 3);

    // 17 START lines by bin(5m): a START takes the time of the last timed
    // line before it (the previous invocation's), not of the next one
    X.q17 = binned(events.filter(e => e.type === 'START'), 5 * M, 'bin(5m)',
        g => ({ n: g.length }), { n: 0 });
    // 18 INIT_START lines (at the head of their file) by bin(30m): they take
    // the time of the file's first timed line
    X.q18 = binned(events.filter(e => e.type === 'INIT_START'), 30 * M, 'bin(30m)',
        g => ({ n: g.length }), { n: 0 });
    // 19 REPORTs per @log
    X.q19 = fns.map(f => ({ '@log': '000000000000:/aws/lambda/' + f, n: reports.filter(e => e.fn === f).length }))
        .sort((a, b) => naturalCmp(a['@log'], b['@log']));

    // 20 AWS: the last 100 errors (JSON fields: none in a text corpus)
    X.q20 = [];
    // 21 AWS: percentile report of Lambda memory usage
    {
        const mu = reports.map(e => e.maxMemoryUsed / 1024 / 1024);
        X.q21 = [{ mean_MemoryUsed: avg(mu), min_MemoryUsed: min(mu), max_MemoryUsed: max(mu), Percentile95: pct(mu, 95) }];
    }
    // 22 AWS: invocations using 100% of assigned memory
    X.q22 = binned(reports.filter(e => e.maxMemoryUsed === e.memorySize), 30 * M, 'bin(30m)',
        g => ({ 'count_distinct(@requestId)': new Set(g.map(e => e.requestId)).size }),
        { 'count_distinct(@requestId)': 0 });
    // 23 AWS: visualization of memory statistics
    X.q23 = binned(reports, 30 * M, 'bin(30m)', g => {
        const mu = g.map(e => e.maxMemoryUsed / 1024 / 1024);
        const ms = g.map(e => e.memorySize / 1024 / 1024);
        return { maxMemMB: max(mu), avgMemMB: avg(mu), minMemMB: min(mu),
            avgMemUsedPct: (avg(mu) / max(ms)) * 100, avgDurationMS: avg(g.map(e => e.billedDuration)) };
    }, { maxMemMB: 0, avgMemMB: 0, minMemMB: 0, avgMemUsedPct: 0, avgDurationMS: 0 });
    // 24 AWS: invocations where Lambda exited (none in this corpus)
    X.q24 = binned(events.filter(e => /Process exited/.test(e.message)), 30 * M, 'bin(30m)',
        g => ({ 'count()': g.length }), { 'count()': 0 });
    // 25 AWS: latency report (two spellings)
    X.q25 = binned(reports, 5 * M, 'bin(5m)', g => {
        const d = g.map(e => e.duration);
        return { 'avg(@duration)': avg(d), 'max(@duration)': max(d), 'min(@duration)': min(d) };
    }, { 'avg(@duration)': 0, 'max(@duration)': 0, 'min(@duration)': 0 });
    X.q25b = X.q25;

    // 26 AWS: the cost of the invocations, its parse naming the groups
    // (?<@billed_duration_ms>...): billed ms x memory MB x the GB-ms price
    // + the request price, from the REPORT fields (memory in MB x 1,000,000)
    X.q26 = [{ '@cost_dollars_total': sum(reports.map(e =>
        e.billedDuration * (e.memorySize / 1e6) * 1.33334e-11 + 2.0e-7)) }];
    X.q26b = [{ n: reports.filter(e => e.billedDuration > 1000).length }];

    // 16 narrowing: one function, the first hour [start, start + 1h), since start + 2h
    {
        const t0 = floorTo(min(events.map(e => e.ts)), H);
        const f = fns.includes('thumbnailer') ? 'thumbnailer' : fns[0];
        X.q16 = {
            function: f,
            function_n: [{ n: reports.filter(e => e.fn === f).length }],
            start: new Date(t0).toISOString(),
            end: new Date(t0 + H).toISOString(),
            range_n: [{ n: reports.filter(e => e.ts >= t0 && e.ts < t0 + H).length }],
            since: new Date(t0 + 2 * H).toISOString(),
            since_n: [{ n: reports.filter(e => e.ts >= t0 + 2 * H).length }],
        };
    }
    // 27 a period in arithmetic: REPORTs by hour in UTC+9 (Japan), the
    // hours that have any, ascending
    X.q27 = grouped(reports, e => fmtTime(floorTo(e.ts + 9 * H, H)), 'hour_jst');
    // 28 @timestamp against ISO-8601 strings: the first hour of q16; and a
    // date alone (midnight UTC) against @timestamp minus a period
    {
        const t0 = floorTo(min(events.map(e => e.ts)), H), day = floorTo(t0, 24 * H);
        X.q28 = X.q16.range_n;
        X.q28b = {
            date: new Date(day).toISOString().slice(0, 10),
            n: [{ n: reports.filter(e => e.ts - 2 * H >= day).length }],
        };
    }
    // 29 a time plus a number is a time: hours counted from 06:00, printed as times
    X.q29 = grouped(reports, e => fmtTime(floorTo(e.ts - 6 * H, H) + 6 * H), 't');
    return X;
}

// Rows {col: key, n: count} of the events by key(e), ascending by key.
function grouped(evs, key, col) {
    const n = new Map();
    for (const e of evs)
        n.set(key(e), (n.get(key(e)) || 0) + 1);
    return [...n.keys()].sort().map(k => ({ [col]: k, n: n.get(k) }));
}

// ---- comparison ------------------------------------------------------------

function close(got, exp) {
    if (typeof exp === 'number') {
        if (typeof got !== 'number')
            return false;
        if (Number.isInteger(exp) && Math.abs(exp) < 2 ** 53 && got === exp)
            return true;
        return Math.abs(got - exp) <= 1e-9 * Math.max(Math.abs(exp), Math.abs(got), 1e-300);
    }
    return got === exp;
}

// Exact integers where the expectation is an integer count/billed/percentile
// of integer values; real values within 1e-9 relative.
function compareRows(got, exp, problems, opts = {}) {
    if (!Array.isArray(got)) {
        problems.push('expected a JSON array, got ' + JSON.stringify(got).slice(0, 200));
        return;
    }
    if (got.length !== exp.length)
        problems.push(`rows: expected ${exp.length}, got ${got.length}`);
    if (opts.key && !opts.binsChecked && /^bin\(/.test(opts.key)) {
        const gb = got.map(r => r[opts.key]), eb = exp.map(r => r[opts.key]);
        if (JSON.stringify(gb) !== JSON.stringify(eb)) {
            const miss = eb.filter(b => !gb.includes(b)), extra = gb.filter(b => !eb.includes(b));
            problems.push(`${opts.key} column: expected ${JSON.stringify(eb)}, got ${JSON.stringify(gb)}` +
                (miss.length ? `; missing ${JSON.stringify(miss)}` : '') +
                (extra.length ? `; extra ${JSON.stringify(extra)}` : ''));
            // compare the bins both have
            const byBin = new Map(got.map(r => [r[opts.key], r]));
            const common = exp.filter(r => byBin.has(r[opts.key]));
            compareRows(common.map(r => byBin.get(r[opts.key])), common, problems, Object.assign({}, opts, { binsChecked: true }));
            return;
        }
    }
    const n = Math.min(got.length, exp.length);
    for (let i = 0; i < n; i++) {
        const g = got[i], e = exp[i];
        const gk = Object.keys(g).sort().join(','), ek = Object.keys(e).sort().join(',');
        if (gk !== ek)
            problems.push(`row ${i}: columns: expected [${ek}], got [${gk}]`);
        for (const k of Object.keys(e)) {
            if (!(k in g))
                continue;
            const exact = (opts.exact || []).includes(k);
            const ok = exact ? g[k] === e[k] : close(g[k], e[k]);
            if (!ok)
                problems.push(`row ${i} (${e[opts.key] !== undefined ? opts.key + ' ' + e[opts.key] : '#' + i}): ` +
                    `${k}: expected ${JSON.stringify(e[k])}, got ${JSON.stringify(g[k])}`);
        }
    }
    for (let i = n; i < got.length && i < n + 3; i++)
        problems.push(`extra row ${i}: ${JSON.stringify(got[i])}`);
    for (let i = n; i < exp.length && i < n + 3; i++)
        problems.push(`missing row ${i}: ${JSON.stringify(exp[i])}`);
}

function compare(X, qid, got) {
    const p = [];
    const exact = ['invocations', 'n', 'cold', 'total', 'count()', 'count(*)', 'max', 'p99', 'NinetyNinth',
        'NinetyFifth', 'Ninetieth', 'bin(1h)', 'bin(5m)', 'bin(30m)', '@logStream', '@log', 'count_distinct(@requestId)', 'max(@duration)',
        'min(@duration)', 'Percentile95'];
    switch (qid) {
    case 'q1': case 'q9': case 'q12a': case 'q12b': case 'q12c': case 'q13': case 'q26': case 'q26b':
    case 'q5a': case 'q5b':
        compareRows(got, X[qid], p, { exact });
        break;
    case 'q2': case 'q15b':
        compareRows(got, X[qid], p, { exact, key: 'bin(1h)' });
        break;
    case 'q3': case 'q15a': case 'q7b': case 'q7c': case 'q17': case 'q25': case 'q25b':
        compareRows(got, X[qid], p, { exact, key: 'bin(5m)' });
        break;
    case 'q4': case 'q7': case 'q18': case 'q22': case 'q23': case 'q24':
        compareRows(got, X[qid], p, { exact, key: 'bin(30m)' });
        break;
    case 'q11': case 'q19': case 'q20': case 'q21':
        compareRows(got, X[qid], p, { exact });
        break;
    case 'q27': case 'q28': case 'q29':
        compareRows(got, X[qid], p, { exact: exact.concat(['hour_jst', 't']) });
        break;
    case 'q28b':
        compareRows(got, X.q28b.n, p, { exact });
        break;
    case 'q16f':
        compareRows(got, X.q16.function_n, p, { exact });
        break;
    case 'q16r':
        compareRows(got, X.q16.range_n, p, { exact });
        break;
    case 'q16s':
        compareRows(got, X.q16.since_n, p, { exact });
        break;
    case 'q6': {
        if (!Array.isArray(got)) {
            p.push('not an array');
            break;
        }
        const bd = got.map(r => r['@billedDuration']);
        if (bd.length !== X.q6.billed.length)
            p.push(`rows: expected ${X.q6.billed.length}, got ${bd.length}`);
        for (let i = 0; i < Math.min(bd.length, X.q6.billed.length); i++)
            if (bd[i] !== X.q6.billed[i])
                p.push(`row ${i}: @billedDuration: expected ${X.q6.billed[i]}, got ${JSON.stringify(bd[i])}`);
        const seen = new Set();
        got.forEach((r, i) => {
            const cols = Object.keys(r).sort().join(',');
            if (cols !== '@billedDuration,@requestId')
                p.push(`row ${i}: columns: expected [@billedDuration,@requestId], got [${cols}]`);
            if (X.q6.byRequest[r['@requestId']] !== r['@billedDuration'])
                p.push(`row ${i}: request ${r['@requestId']} billed ${X.q6.byRequest[r['@requestId']]}, listed with ${r['@billedDuration']}`);
            if (seen.has(r['@requestId']))
                p.push(`row ${i}: request ${r['@requestId']} listed twice`);
            seen.add(r['@requestId']);
        });
        break;
    }
    case 'q8': {
        if (!Array.isArray(got)) {
            p.push('not an array');
            break;
        }
        const exp = X.q8.timestamps;
        if (got.length !== exp.length)
            p.push(`rows: expected ${exp.length}, got ${got.length}`);
        const seen = new Set();
        got.forEach((r, i) => {
            const cols = Object.keys(r).sort().join(',');
            if (cols !== '@logStream,@message,@requestId,@timestamp')
                p.push(`row ${i}: columns: expected [@logStream,@message,@requestId,@timestamp], got [${cols}]`);
            if (i > 0 && String(r['@timestamp']) > String(got[i - 1]['@timestamp']))
                p.push(`row ${i}: @timestamp ${r['@timestamp']} after ${got[i - 1]['@timestamp']} (not descending)`);
            if (i < exp.length && r['@timestamp'] !== exp[i])
                p.push(`row ${i}: @timestamp: expected ${exp[i]}, got ${r['@timestamp']}`);
            const m = /\tDuration: ([0-9.]+) ms/.exec(String(r['@message']));
            if (!m || !(Number(m[1]) > 1000))
                p.push(`row ${i}: @message does not say Duration > 1000 ms: ${String(r['@message']).slice(0, 120)}`);
            const x = X.q8.byRequest[r['@requestId']];
            if (!x)
                p.push(`row ${i}: ${r['@requestId']} is not a REPORT with @duration > 1000`);
            else {
                if (x.ts !== r['@timestamp'])
                    p.push(`row ${i}: ${r['@requestId']}: @timestamp: expected ${x.ts}, got ${r['@timestamp']}`);
                if (x.stream !== r['@logStream'])
                    p.push(`row ${i}: ${r['@requestId']}: @logStream: expected ${x.stream}, got ${r['@logStream']}`);
                if (x.message !== r['@message'])
                    p.push(`row ${i}: ${r['@requestId']}: @message: expected ${JSON.stringify(x.message)}, got ${JSON.stringify(r['@message'])}`);
            }
            if (seen.has(r['@requestId']))
                p.push(`row ${i}: ${r['@requestId']} twice (dedup)`);
            seen.add(r['@requestId']);
        });
        break;
    }
    case 'q10': {
        if (!Array.isArray(got)) {
            p.push('not an array');
            break;
        }
        const exp = X.q10.peaks;
        if (got.length !== exp.length)
            p.push(`rows: expected ${exp.length}, got ${got.length}`);
        got.forEach((r, i) => {
            const cols = Object.keys(r).sort().join(',');
            if (cols !== '@logStream,peak')
                p.push(`row ${i}: columns: expected [@logStream,peak], got [${cols}]`);
            const v = Number(r.peak);
            if (i < exp.length && v !== exp[i])
                p.push(`row ${i}: peak: expected ${exp[i]}, got ${JSON.stringify(r.peak)}`);
            if (X.q10.byStream[r['@logStream']] !== v)
                p.push(`row ${i}: stream ${r['@logStream']}: peak ${X.q10.byStream[r['@logStream']]}, listed with ${JSON.stringify(r.peak)}`);
        });
        break;
    }
    case 'q14': {
        if (!Array.isArray(got)) {
            p.push('not an array');
            break;
        }
        const exp = X.q14.timestamps;
        if (got.length !== exp.length)
            p.push(`rows: expected ${exp.length}, got ${got.length}`);
        got.forEach((r, i) => {
            const cols = Object.keys(r).sort().join(',');
            if (cols !== '@message,@timestamp')
                p.push(`row ${i}: columns: expected [@message,@timestamp], got [${cols}]`);
            if (i < exp.length && r['@timestamp'] !== exp[i])
                p.push(`row ${i}: @timestamp: expected ${exp[i]}, got ${r['@timestamp']}`);
            const at = X.q14.messagesAt[r['@timestamp']] || [];
            if (!at.includes(r['@message']))
                p.push(`row ${i}: no event at ${r['@timestamp']} has @message ${JSON.stringify(String(r['@message']).slice(0, 120))}`);
        });
        break;
    }
    default:
        p.push('unknown query id ' + qid);
    }
    return p;
}

// ---- main -----------------------------------------------------------------

function main(argv) {
    if (argv[0] === 'expect' && argv.length === 2) {
        process.stdout.write(JSON.stringify(expect(argv[1]), null, 1) + '\n');
        return 0;
    }
    if (argv[0] === 'compare' && argv.length === 4) {
        const X = JSON.parse(fs.readFileSync(argv[1], 'utf8'));
        let got;
        try {
            got = JSON.parse(fs.readFileSync(argv[3], 'utf8'));
        } catch (e) {
            console.log(`${argv[2]}: output is not JSON (${e.message}): ` +
                fs.readFileSync(argv[3], 'utf8').slice(0, 300));
            return 1;
        }
        const p = compare(X, argv[2], got);
        for (const line of p.slice(0, 40))
            console.log(`${argv[2]}: ${line}`);
        if (p.length > 40)
            console.log(`${argv[2]}: ... ${p.length - 40} more`);
        return p.length ? 1 : 0;
    }
    process.stderr.write('usage: independent.js expect DIR | compare EXPECTED.json QID GOT.json\n');
    return 2;
}

process.exitCode = main(process.argv.slice(2));
