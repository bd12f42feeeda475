// tests/e2e/report_check.js — every number of `obsq report -o md` against
// report_truth.js's computation of the generator's records: the summary
// tables (every function, all functions, the baseline's rows and the
// change), the memory tables, every series table and the line on how the
// invocations were timed. Prints "ok WHAT" or "FAIL WHAT: ..." lines for
// the e2e test to count; writes REPORT.md.truth.json, the computation, to
// read when a number differs.
//   node report_check.js INPUT.json REPORT.md [WHAT]
'use strict';
const fs = require('fs');
const { truth } = require('./report_truth.js');
const { tables, num } = require('./md_tables.js');

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const md = fs.readFileSync(process.argv[3], 'utf8');
const t = truth(input, input.range, input.baseline);
const tabs = tables(md);

function isoSec(ms) { return new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + 'Z'; }
function secs(ms) { return ms / 1000; }
const pctOf = (a, b) => (b > 0 && a != null ? 100 * a / b : null);

// column head -> [value of a figure, decimals (null: text compared as is)]
const FIG = {
    'invocations': [f => f.invocations, 0],
    'invocations/s (average)': [f => f.rate_avg, 3],
    'invocations/s (busiest bucket)': [f => f.rate_peak, 3],
    'p50 ms': [f => f.p50, 1], 'p95 ms': [f => f.p95, 1], 'p99 ms': [f => f.p99, 1],
    'peak concurrency': [f => f.conc_peak, 0],
    'first at': [f => (f.conc_peak ? isoSec(f.conc_peak_at) : '-'), null],
    'average concurrency': [f => f.conc_avg, 2],
    'limit': [f => f.limit.toLocaleString('en-US') + (f.limit_own ? '' : ' (account)'), null],
    'peak of limit': [f => pctOf(f.conc_peak, f.limit), 1],
    'time at >= 80% of limit': [f => secs(f.ms_near), 3],
    'time at limit': [f => secs(f.ms_at), 3],
    'environments alive (peak)': [f => f.envs_peak, 0],
    'on demand': [f => f.colds.on_demand, 0],
    'SnapStart': [f => f.colds.snap_start, 0],
    'provisioned (not user-facing)': [f => f.colds.provisioned, 0],
    'on demand, before a request (not user-facing)': [f => f.colds.early, 0],
    'user-facing of invocations': [f => pctOf(f.colds.user_facing, f.invocations), 1],
    'failed invocations': [f => f.errors, 0],
    'failed of invocations': [f => pctOf(f.errors, f.invocations), 1],
    'timeouts': [f => f.timeouts, 0],
    'crashes (incl. out-of-memory)': [f => f.crashes, 0],
    'throttle signals': [f => f.throttles, 0],
    'GB-seconds': [f => f.gb_seconds, 3],
    'cost USD': [f => f.cost, 6],
    'cost per 1M invocations USD': [f => f.cost_per_million, 2],
    'exact to the line': [f => f.exact, 0],
    'from the time rule': [f => f.estimated, 0],
    'emulated (left out)': [f => f.emulated, 0],
    'in flight at the end': [f => f.open, 0],
};
const NO_CHANGE = new Set(['first at', 'limit', 'exact to the line', 'from the time rule', 'emulated (left out)',
    'in flight at the end']);
const SERIES = {
    'invocations/s': ['rate', 3], 'p50 ms': ['p50', 1], 'p95 ms': ['p95', 1], 'p99 ms': ['p99', 1],
    'concurrency peak': ['conc_peak', 0], 'concurrency average': ['conc_avg', 2],
    'environments alive': ['envs_peak', 0], 'cold on demand': ['cold_on_demand', 0],
    'cold SnapStart': ['cold_snap', 0], 'provisioned inits': ['provisioned', 0], 'failed': ['failed', 0],
    'timeouts': ['timeouts', 0], 'throttle signals': ['throttles', 0],
};
const MEM = {
    'memory MB': ['memory_mb', 0], 'invocations': ['invocations', 0], 'average ms': ['avg_ms', 1],
    'p95 ms': ['p95_ms', 1], 'average billed ms': ['avg_billed_ms', 1],
    'cost per invocation USD': ['cost_per_invocation', 9], 'cost per 1M USD': ['cost_per_million', 2],
    '': ['mark', null],
};

let checked = 0, bad = [];
function same(what, cell, want, decimals) {
    checked++;
    if (decimals === null) {
        if (cell !== String(want)) bad.push(`${what}: '${cell}', expected '${want}'`);
        return;
    }
    const got = num(cell);
    if (want === null || want === undefined || Number.isNaN(want)) {
        if (got !== null) bad.push(`${what}: '${cell}', expected none`);
        return;
    }
    const tol = decimals === 0 ? 0 : Math.pow(10, -decimals) + 1e-9;
    if (got === null || got === undefined || Math.abs(got - want) > tol)
        bad.push(`${what}: '${cell}', expected ${decimals === 0 ? want : want.toFixed(decimals + 2)}`);
}
function change(cur, base) {
    if (cur === null || base === null || cur === undefined || base === undefined) return '-';
    if (base === 0) return cur === 0 ? '0.0%' : 'new';
    return 100 * (cur - base) / Math.abs(base);
}

function summary(tab) {
    const head = tab.head;
    const rows = new Map(tab.rows.map(r => [r[0], r]));
    const names = [...Object.keys(t.cur.fns), 'all functions'];
    checked++;
    if (tab.rows.length !== names.length * (t.base ? 3 : 1) - (t.base ? names.filter(n => !(n === 'all functions' ? t.base.all : t.base.fns[n])).length : 0))
        bad.push(`${tab.title}: ${tab.rows.length} rows, for ${names.join(', ')}`);
    for (const name of names) {
        const f = name === 'all functions' ? t.cur.all : t.cur.fns[name];
        const b = t.base ? (name === 'all functions' ? t.base.all : t.base.fns[name]) : null;
        const row = rows.get(name), brow = rows.get(name + ' (baseline)'), crow = rows.get(name + ' (change)');
        if (!row) { bad.push(`${tab.title}: no row of ${name}`); continue; }
        for (let c = 1; c < head.length; c++) {
            const spec = FIG[head[c]];
            if (!spec) { bad.push(`${tab.title}: a column no one checks: ${head[c]}`); continue; }
            same(`${tab.title} / ${name} / ${head[c]}`, row[c], spec[0](f), spec[1]);
            if (!t.base) continue;
            if (b && brow) same(`${tab.title} / ${name} (baseline) / ${head[c]}`, brow[c], spec[0](b), spec[1]);
            else if (b) bad.push(`${tab.title}: no baseline row of ${name}`);
            if (!crow) { bad.push(`${tab.title}: no change row of ${name}`); continue; }
            if (NO_CHANGE.has(head[c])) { same(`${tab.title} / ${name} (change) / ${head[c]}`, crow[c], '', null); continue; }
            const zero = { invocations: 0, colds: { on_demand: 0, snap_start: 0, provisioned: 0, early: 0, user_facing: 0 },
                rate_avg: 0, rate_peak: 0, p50: null, p95: null, p99: null, conc_peak: 0, conc_avg: 0, ms_near: 0, ms_at: 0,
                envs_peak: 0, errors: 0, timeouts: 0, crashes: 0, throttles: 0, gb_seconds: 0, cost: 0,
                cost_per_million: null, limit: f.limit };
            const want = change(spec[0](f), spec[0](b || zero));
            if (typeof want === 'string') same(`${tab.title} / ${name} (change) / ${head[c]}`, crow[c], want, null);
            else same(`${tab.title} / ${name} (change) / ${head[c]}`, crow[c], want, 1);
        }
    }
}

function seriesTable(tab, name, period) {
    const pts = period.series[name];
    checked++;
    if (!pts || tab.rows.length !== pts.length) {
        bad.push(`${tab.title}: ${tab.rows.length} rows, expected ${pts ? pts.length : 'none'}`);
        return;
    }
    tab.rows.forEach((row, b) => {
        same(`${tab.title} / row ${b} / time`, row[0], isoSec(period.since + b * period.bucket), null);
        for (let c = 1; c < tab.head.length; c++) {
            const spec = SERIES[tab.head[c]];
            if (!spec) { bad.push(`${tab.title}: a column no one checks: ${tab.head[c]}`); continue; }
            same(`${tab.title} / ${row[0]} / ${tab.head[c]}`, row[c], pts[b][spec[0]], spec[1]);
        }
    });
}

let inMemory = false, seenSeries = 0, seenMem = 0;
for (const tab of tabs) {
    if (FIG[tab.head[1]] !== undefined && tab.head[0] === 'function') { summary(tab); continue; }
    const over = /^Over time: (.*?)( \(baseline\))?$/.exec(tab.title);
    if (over) {
        seriesTable(tab, over[1], over[2] ? t.base : t.cur);
        seenSeries++;
        continue;
    }
    if (tab.head[0] === 'memory MB') {
        const rows = t.cur.power[tab.title];
        seenMem++;
        checked++;
        if (!rows || rows.length !== tab.rows.length) { bad.push(`memory table ${tab.title}: ${tab.rows.length} rows`); continue; }
        tab.rows.forEach((row, i) => {
            for (let c = 0; c < tab.head.length; c++)
                same(`memory ${tab.title} / ${rows[i].memory_mb} MB / ${tab.head[c]}`, row[c], rows[i][MEM[tab.head[c]][0]],
                    MEM[tab.head[c]][1]);
        });
        continue;
    }
    bad.push(`a table no one checks: ${tab.title}`);
}
inMemory = Object.values(t.cur.power).filter(r => r.length).length;
checked++;
if (seenMem !== inMemory) bad.push(`${seenMem} memory tables, expected ${inMemory}`);
checked++;
const wantSeries = Object.keys(t.cur.series).length + (t.base ? 1 : 0);
if (seenSeries !== wantSeries) bad.push(`${seenSeries} series tables, expected ${wantSeries}`);
const timed = /: ([\d,]+) exact to the line, ([\d,]+) from the time rule; ([\d,]+) emulated invocations left out; ([\d,]+) in flight/.exec(md);
checked++;
if (!timed) bad.push('no line on how the invocations were timed');
else {
    same('timed: exact', timed[1], t.cur.all.exact, 0);
    same('timed: time rule', timed[2], t.cur.all.estimated, 0);
    same('timed: emulated', timed[3], t.cur.all.emulated, 0);
}
const what = process.argv[4] || 'report';
if (bad.length) {
    console.log(`FAIL ${what}: ${bad.length} of ${checked} numbers differ from the independent computation:`);
    for (const b of bad.slice(0, 25)) console.log('  ' + b);
} else {
    console.log(`ok ${what}: ${checked} numbers equal the independent computation`);
}
fs.writeFileSync(process.argv[3] + '.truth.json', JSON.stringify(t));
