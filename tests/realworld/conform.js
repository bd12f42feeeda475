// tests/realworld/conform.js — the real-world conformance check: imports each
// real log stream of tests/realworld/logs with `obsagent --once` into a store
// of its own and compares what the store holds with expected.json (what
// CloudWatch and AWS's documentation say the lines mean, written by people
// who did not write obs), field by field:
//   REPORT fields (bytes = MB x 1,000,000), X-Ray trace ids, Status/Error
//   Type, @timestamp where the file gives it; invocations, cold starts and
//   SnapStart restores; failed invocations and their outcome; the error lines
//   of each family; application lines by level; which lines carry their own
//   time; INIT_REPORT and RESTORE_REPORT; extensions; runtime and function
//   versions; EMF documents, their validity and every metric series with its
//   count and sum; and that every non-blank line is stored.
// One line per failed check; the last line is "N passed, N failed".
//   node conform.js OBSAGENT LOGDIR TMPDIR [FILE-GLOB]
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const [obsagent, logdir, tmp, only] = process.argv.slice(2);
const expected = JSON.parse(fs.readFileSync(path.join(logdir, 'expected.json'), 'utf8')).files;

// Where expected.json is shown wrong, the value the file itself supports,
// with the evidence this test computes from the file (the erratum is
// checked, not trusted): docs/formats.md, "The real-world corpus".
const errata = [
    {
        file: 'connect-lex-chatgpt-java/2023-06-02-snapstart-v72.log',
        check: 'application lines at level DEBUG',
        value: 11,
        evidence: text => text.split('\n').filter(l => / DEBUG ChatGPTLambda:/.test(l)).length,
        why: 'the file holds 11 "<request id> DEBUG ChatGPTLambda:<line> - ..." lines, not 10',
    },
];

let passed = 0, failed = 0;
function check(file, what, ok, detail) {
    if (ok) { passed++; return; }
    failed++;
    console.log(`FAIL ${file}: ${what}${detail ? ': ' + detail : ''}`);
}
const near = (a, b) => a !== null && a !== undefined && b !== null && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
const show = v => JSON.stringify(v);

function sql(db, q) {
    const out = execFileSync('sqlite3', ['-json', '-readonly', db, q], { encoding: 'utf8' });
    return out.trim() ? JSON.parse(out) : [];
}

// Kinds of events (lambda_kind_t, lambda/classify.h).
const K = { PLAIN: 0, APP: 1, START: 2, END: 3, REPORT: 4, INIT_START: 5, INIT_REPORT: 6, RESTORE_REPORT: 7,
            EXTENSION: 8, TELEMETRY: 9, TIMEOUT: 10, RUNTIME_EXIT: 11, ERROR_TYPE: 12, PLATFORM: 13 };
// Event flags (store/store.h): the time came from elsewhere than the line.
const BORROWED_TIME = 16 | 32 | 128;
// Invocation outcomes (lambda_outcome_t).
const OUTCOME = { 1: 'error', 2: 'timeout', 3: 'crash', 4: 'oom' };

// The outcomes an expectation's words allow: "timeout", "error (...)",
// "error/crash (...)", "crash, most likely OOM ...", "crash (... not OOM ...)".
function allowedOutcomes(text) {
    const head = text.split(/[ (,]/)[0];
    const set = new Set(head.split('/'));
    if (set.has('crash') && /most likely OOM|\bOOM\b(?! *:)/.test(text) && !/not OOM/.test(text))
        set.add('oom');
    return set;
}

function levelOf(key) {
    const w = key.split(/[ (]/)[0].toUpperCase();
    if (w.startsWith('NONE')) return null;
    return w === 'WARNING' ? 'WARN' : w;
}

function importFile(rel) {
    const db = path.join(tmp, rel.replace(/[/.]/g, '_') + '.db');
    execFileSync(obsagent, ['--once', '--db', db, path.join(logdir, rel)], { stdio: ['ignore', 'ignore', 'pipe'] });
    return db;
}

function checkFile(rel, e) {
    let db;
    try {
        db = importFile(rel);
    } catch (err) {
        check(rel, 'imported', false, String(err.stderr || err.message).trim());
        return;
    }
    const events = sql(db, 'SELECT id, ts, kind, type, request_id, level, message, flags, duration, billed_duration, ' +
        'memory_size, max_memory_used, init_duration, restore_duration, billed_restore_duration, xray_trace_id, ' +
        'status, error_type, outcome, emf, emf_error FROM events ORDER BY id');
    const invocations = sql(db, 'SELECT * FROM invocations');
    const byRid = new Map(invocations.map(i => [i.request_id, i]));
    const reports = events.filter(x => x.kind === K.REPORT);

    // every non-blank line is stored (a multi-line event holds several)
    const stored = events.reduce((n, x) => n + x.message.split('\n').filter(l => l.trim() !== '').length, 0);
    check(rel, 'every non-blank line stored', stored === e.nonblank_lines, `${stored} of ${e.nonblank_lines}`);

    // REPORTs and their fields
    check(rel, 'REPORT events', reports.length === e.invocations_by_report, `${reports.length}, expected ${e.invocations_by_report}`);
    const withReport = invocations.filter(i => i.duration !== null);
    check(rel, 'invocations with a REPORT', withReport.length === e.distinct_request_ids_in_reports,
          `${withReport.length}, expected ${e.distinct_request_ids_in_reports}`);
    for (const r of e.reports || []) {
        const ev = reports.find(x => x.request_id === r.requestId);
        if (!ev) { check(rel, `REPORT ${r.requestId}`, false, 'not found'); continue; }
        const inv = byRid.get(r.requestId) || {};
        const want = [
            ['@duration', ev.duration, r.duration_ms, inv.duration],
            ['@billedDuration', ev.billed_duration, r.billed_ms, inv.billed_duration],
            ['@memorySize', ev.memory_size, r.memory_mb * 1e6, inv.memory_size],
            ['@maxMemoryUsed', ev.max_memory_used, r.max_memory_mb * 1e6, inv.max_memory_used],
        ];
        for (const [name, got, exp, ginv] of want) {
            check(rel, `REPORT ${r.requestId} ${name}`, near(got, exp), `${got}, expected ${exp}`);
            check(rel, `invocation ${r.requestId} ${name}`, near(ginv, exp), `${ginv}, expected ${exp}`);
        }
        if (r.init_ms === null)
            check(rel, `REPORT ${r.requestId} @initDuration`, ev.init_duration === null, `${ev.init_duration}, expected none`);
        else if (r.init_ms !== undefined)
            check(rel, `REPORT ${r.requestId} @initDuration`, near(ev.init_duration, r.init_ms), `${ev.init_duration}, expected ${r.init_ms}`);
        if (r.restore_ms !== undefined)
            check(rel, `REPORT ${r.requestId} restore duration`, near(ev.restore_duration, r.restore_ms), `${ev.restore_duration}`);
        if (r.billed_restore_ms !== undefined)
            check(rel, `REPORT ${r.requestId} billed restore duration`, near(ev.billed_restore_duration, r.billed_restore_ms),
                  `${ev.billed_restore_duration}`);
        if (r.xray_trace_id !== undefined) {
            check(rel, `REPORT ${r.requestId} @xrayTraceId`, ev.xray_trace_id === r.xray_trace_id, show(ev.xray_trace_id));
            check(rel, `invocation ${r.requestId} X-Ray trace id`, inv.xray_trace_id === r.xray_trace_id, show(inv.xray_trace_id));
        }
        if (r.status !== undefined)
            check(rel, `REPORT ${r.requestId} status`, ev.status === r.status, show(ev.status));
        if (r.error_type !== undefined)
            check(rel, `REPORT ${r.requestId} error type`, ev.error_type === r.error_type, show(ev.error_type));
        if (r.timestamp)
            check(rel, `REPORT ${r.requestId} @timestamp`, ev.ts === Date.parse(r.timestamp),
                  `${new Date(ev.ts).toISOString()}, expected ${r.timestamp}`);
    }

    // cold starts and restores
    const cold = invocations.filter(i => i.cold === 1).length;
    check(rel, 'cold starts', cold === e.cold_starts_by_init_duration, `${cold}, expected ${e.cold_starts_by_init_duration}`);
    const restores = invocations.filter(i => i.restore_duration !== null).length;
    check(rel, 'SnapStart restores', restores === e.restores_by_restore_duration, `${restores}, expected ${e.restores_by_restore_duration}`);

    // failed invocations, and no others
    const failedInv = invocations.filter(i => i.outcome !== null && i.outcome > 0);
    check(rel, 'failed invocations', failedInv.length === (e.failed || []).length,
          `${failedInv.map(i => i.request_id + ':' + OUTCOME[i.outcome]).join(' ') || 'none'}, expected ${(e.failed || []).length}`);
    for (const f of e.failed || []) {
        const inv = byRid.get(f.requestId);
        const allow = allowedOutcomes(f.outcome);
        check(rel, `invocation ${f.requestId} outcome`, inv && allow.has(OUTCOME[inv.outcome]),
              `${inv ? OUTCOME[inv.outcome] || 'ok' : 'no invocation'}, expected ${[...allow].join(' or ')}`);
    }

    // the error lines of each family
    const count = pred => events.filter(pred).length;
    const isStatus = (x, s) => x.status !== null && x.status.toLowerCase() === s;
    const errorCounts = {
        timeout_lines: count(x => x.kind === K.TIMEOUT),
        runtime_exit_lines: count(x => x.kind === K.RUNTIME_EXIT),
        bare_error_type_lines: count(x => x.kind === K.ERROR_TYPE),
        report_status_error: count(x => x.kind === K.REPORT && isStatus(x, 'error')),
        report_status_timeout: count(x => x.kind === K.REPORT && isStatus(x, 'timeout')),
        init_report_failures: count(x => x.kind === K.INIT_REPORT && x.status !== null && !isStatus(x, 'success')),
        uncaught_error_lines: count(x => x.kind === K.APP && x.outcome === 1),
    };
    for (const [k, n] of Object.entries(e.errors || {})) {
        if (!(k in errorCounts)) { check(rel, `error family ${k}`, false, 'unknown to this check'); continue; }
        check(rel, `error lines: ${k}`, errorCounts[k] === n, `${errorCounts[k]}, expected ${n}`);
    }

    // application lines by level
    for (const [k, n0] of Object.entries(e.app_lines || {})) {
        const lvl = levelOf(k);
        const what = `application lines at level ${lvl}`;
        const fix = errata.find(x => x.file === rel && x.check === what);
        let n = n0;
        if (fix) {
            const seen = fix.evidence(fs.readFileSync(path.join(logdir, rel), 'utf8'));
            check(rel, `erratum '${what}': ${fix.why}`, seen === fix.value, `the file shows ${seen}`);
            n = fix.value;
        }
        const got = count(x => x.kind === K.APP && x.level === lvl);
        check(rel, what, got === n, `${got}, expected ${n}`);
    }

    // which lines carry their own time
    const own = events.filter(x => !(x.flags & BORROWED_TIME));
    const iso = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/;
    for (const t of e.timed_lines || []) {
        if (t === '\u2026') continue;
        let m;
        if (/^every line carries its time/.test(t) || /^all /.test(t)) {
            check(rel, 'every line has its own time', own.length === events.length,
                  `${events.length - own.length} of ${events.length} without`);
            const span = t.match(/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z) \u2026 (\S+?)\)?$/);
            if (span) {
                const first = Date.parse(span[1]);
                const last = /^\d\d:/.test(span[2]) ? Date.parse(span[1].slice(0, 11) + span[2]) : Date.parse(span[2]);
                const min = Math.min(...events.map(x => x.ts)), max = Math.max(...events.map(x => x.ts));
                check(rel, 'the time span of the lines', min === first && max === last,
                      `${new Date(min).toISOString()} .. ${new Date(max).toISOString()}`);
            }
        } else if ((m = t.match(iso))) {
            const ms = Date.parse(m[1]);
            const times = t.match(/\(x(\d+)/);
            const want = times ? Number(times[1]) : 1;
            const got = own.filter(x => x.ts === ms).length;
            check(rel, `lines with their own time ${m[1]}`, got >= want, `${got}, expected ${want}`);
        } else {
            check(rel, `timed lines '${t}'`, false, 'not understood by this check');
        }
    }

    // INIT_REPORT and RESTORE_REPORT
    const inits = events.filter(x => x.kind === K.INIT_REPORT);
    if (e.init_reports) {
        check(rel, 'INIT_REPORT events', inits.length === e.init_reports.length, `${inits.length}, expected ${e.init_reports.length}`);
        e.init_reports.forEach((r, i) => {
            const x = inits[i] || {};
            check(rel, `INIT_REPORT ${i + 1} @initDuration`, near(x.init_duration, r.init_ms), `${x.init_duration}`);
            if (r.status !== undefined)
                check(rel, `INIT_REPORT ${i + 1} status`, x.status === r.status, show(x.status));
            if (r.error_type !== undefined)
                check(rel, `INIT_REPORT ${i + 1} error type`, x.error_type === r.error_type, show(x.error_type));
        });
    }
    if (e.restore_reports) {
        const rr = events.filter(x => x.kind === K.RESTORE_REPORT);
        check(rel, 'RESTORE_REPORT events', rr.length === e.restore_reports.length, `${rr.length}`);
        e.restore_reports.forEach((r, i) => {
            const x = rr[i] || {};
            check(rel, `RESTORE_REPORT ${i + 1} restore duration`, near(x.restore_duration, r.restore_ms), `${x.restore_duration}`);
            if (r.ts)
                check(rel, `RESTORE_REPORT ${i + 1} @timestamp`, x.ts === Date.parse(r.ts), `${x.ts && new Date(x.ts).toISOString()}`);
        });
    }

    // extensions, Logs API and Telemetry API subscriptions: platform events naming them
    for (const x of e.extensions || []) {
        const name = x.name || x.logs_subscription || x.telemetry;
        const kinds = x.name ? [K.EXTENSION] : x.telemetry ? [K.TELEMETRY] : [K.TELEMETRY, K.PLATFORM];
        const got = events.filter(v => kinds.includes(v.kind) && v.message.includes(name) && v.message.includes(x.state));
        check(rel, `platform line of ${name} (${x.state})`, got.length >= 1, 'none');
    }

    // runtime and function versions
    if (e.runtime_version) {
        const rv = sql(db, 'SELECT DISTINCT runtime_version FROM streams WHERE runtime_version IS NOT NULL').map(r => r.runtime_version);
        check(rel, 'runtime version', rv.length === 1 && rv[0] === e.runtime_version, show(rv));
    }
    if (e.version) {
        const v = invocations.map(i => i.version);
        check(rel, 'function version', v.length > 0 && v.every(x => x === e.version), show(v));
    }

    // EMF documents and series
    const emf = e.emf || { documents: 0, valid: 0, invalid: [], series: [] };
    const docs = events.filter(x => x.emf !== null);
    check(rel, 'EMF documents', docs.length === emf.documents, `${docs.length}, expected ${emf.documents}`);
    const valid = docs.filter(x => x.emf === 1);
    check(rel, 'valid EMF documents', valid.length === emf.valid,
          `${valid.length}, expected ${emf.valid}; errors: ${show(docs.filter(x => x.emf !== 1).map(x => x.emf_error))}`);
    for (const inv of emf.invalid) {
        const x = events[inv.line - 1] || {};
        check(rel, `EMF document on line ${inv.line} rejected`, x.emf === 2 || x.emf === 3, show(x.emf_error));
    }
    const series = sql(db, 'SELECT s.namespace, s.name, s.unit, s.dimensions, sum(r.count) AS count, sum(r.sum) AS sum ' +
        'FROM metric_series s JOIN metric_rollup_minute r ON r.series_id = s.id GROUP BY s.id');
    check(rel, 'EMF metric series', series.length === emf.series.length, `${series.length}, expected ${emf.series.length}`);
    for (const s of emf.series) {
        const dims = JSON.stringify(Object.fromEntries(Object.entries(s.dimensions).sort()));
        const got = series.find(x => x.namespace === s.namespace && x.name === s.metric && x.dimensions === dims);
        const what = `EMF series ${s.namespace}/${s.metric} ${dims}`;
        if (!got) { check(rel, what, false, 'not found'); continue; }
        check(rel, `${what} count and sum`, got.count === s.count && near(got.sum, s.sum), `${got.count}, ${got.sum}`);
        check(rel, `${what} unit`, got.unit === s.unit, show(got.unit));
    }
}

for (const [rel, e] of Object.entries(expected)) {
    if (only && !rel.includes(only))
        continue;
    checkFile(rel, e);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
