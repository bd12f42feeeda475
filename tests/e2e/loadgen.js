// tests/e2e/loadgen.js — Lambda logs of known schedules, for the report's
// tests, with the records report_truth.js computes the expected report from.
//
//   node loadgen.js ramp DIR       a load test: virtual users ramp from 1 to
//                                  --vus, each invoking `loadtest` again as
//                                  soon as it answers; beyond its reserved
//                                  concurrency (--limit) a request is
//                                  throttled and the caller (`driver`) logs
//                                  TooManyRequestsException; the first
//                                  --pc environments are provisioned ahead;
//                                  a smaller ramp an hour before is the
//                                  baseline; `tuner` runs three memory sizes
//   node loadgen.js schedule DIR   overlapping invocations of a fixed schedule
//                                  in every kind of input: a CloudWatch export
//                                  (times on every line), the JSON log format,
//                                  a bare text file (the time rule), requests
//                                  interleaved in one stream, SnapStart,
//                                  provisioned concurrency, an emulator
//
// Writes DIR/logs/<function>/<stream>.log and DIR/input.json (records,
// streams, signals, the range to report, limits, prices), which
// report_truth.js reads. Deterministic (a seeded xorshift).
'use strict';
const fs = require('fs');
const path = require('path');

const mode = process.argv[2], dir = process.argv[3];
const arg = (name, def) => {
    const i = process.argv.indexOf('--' + name);
    return i > 0 ? Number(process.argv[i + 1]) : def;
};
let seed = arg('seed', 7) >>> 0 || 7;
function rnd() {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return seed / 4294967296;
}
let ridN = 0;
function rid() {
    const h = (n, w) => n.toString(16).padStart(w, '0');
    ridN++;
    return `${h(ridN, 8)}-${h(Math.floor(rnd() * 65536), 4)}-4${h(Math.floor(rnd() * 4096), 3)}-8${h(ridN % 4096, 3)}-` +
        h(Math.floor(rnd() * 2 ** 32), 8) + h(ridN % 65536, 4);
}
const iso = ms => new Date(ms).toISOString();
const floorMin = ms => ms - (ms % 60000);
const ceilMin = ms => (ms % 60000 ? floorMin(ms) + 60000 : ms);

const out = { records: [], streams: [], signals: [] };
const files = new Map();   // "fn/stream" -> { fn, stream, lines: [[ts, seq, text]] }
let seq = 0;
function line(fn, stream, ts, text) {
    const k = fn + '/' + stream;
    if (!files.has(k)) files.set(k, { fn, stream, lines: [] });
    files.get(k).lines.push([ts, seq++, text]);
}

// One invocation. how: { exp: export prefix on every line, json: JSON log
// format, bare: no time on START/END/REPORT (an app line at its end),
// emul: an emulator's REPORT }. Returns the record.
function invoke(fn, stream, s, duration, o) {
    const id = rid();
    const e = s + Math.ceil(duration);
    const billed = Math.ceil(duration + (o.cold && o.init ? o.init : 0));
    const p = (ts, text) => line(fn, stream, ts, o.exp ? iso(ts) + ' ' + text : text);
    const status = o.outcome === 1 ? '\tStatus: error\tError Type: Function.Unhandled'
        : o.outcome === 2 ? '\tStatus: timeout' : o.outcome === 3 ? '\tStatus: error\tError Type: Runtime.ExitError' : '';
    if (o.json) {
        line(fn, stream, s, JSON.stringify({ time: iso(s), type: 'platform.start', record: { requestId: id, version: '$LATEST' } }));
        line(fn, stream, s + 1, JSON.stringify({ timestamp: iso(s + 1), level: 'INFO', requestId: id, message: 'working' }));
        const metrics = { durationMs: duration, billedDurationMs: billed, memorySizeMB: o.memory, maxMemoryUsedMB: 80 };
        if (o.cold && o.init) metrics.initDurationMs = o.init;
        const st = ['success', 'error', 'timeout', 'error'][o.outcome || 0];
        const rec = { requestId: id, metrics, status: st };
        if (o.outcome === 1) rec.errorType = 'Function.Unhandled';
        if (o.outcome === 3) rec.errorType = 'Runtime.ExitError';
        line(fn, stream, e, JSON.stringify({ time: iso(e), type: 'platform.report', record: rec }));
    } else {
        p(s, `START RequestId: ${id} Version: $LATEST`);
        if (!o.quiet)
            line(fn, stream, o.bare ? e : s + 1, (o.exp ? iso(o.bare ? e : s + 1) + ' ' : '') +
                `${iso(o.bare ? e : s + 1)}\t${id}\tINFO\t${o.throttle ? 'ThrottlingException: Rate exceeded' : 'working'}`);
        const mem = o.emul ? o.memory : 80;
        const extra = (o.cold && o.init != null ? `\tInit Duration: ${o.init.toFixed(2)} ms` : '') +
            (o.restore ? `\tRestore Duration: ${o.restore.toFixed(2)} ms\tBilled Restore Duration: ${Math.ceil(o.restore)} ms` : '');
        p(e, `END RequestId: ${id}`);
        p(e, `REPORT RequestId: ${id}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${billed} ms\t` +
            `Memory Size: ${o.memory} MB\tMax Memory Used: ${mem} MB${extra}${status}`);
    }
    if (o.throttle) out.signals.push({ fn, ts: o.bare ? e : s + 1 });
    const r = {
        fn, stream, start: s, end: e, duration, billed, init: o.init != null ? o.init : null,
        restore: o.restore || null, kind: o.kind || 0, cold: !!o.cold, outcome: o.outcome || 0,
        memory: o.memory, exact: !o.bare, emulated: !!o.emul,
    };
    out.records.push(r);
    return r;
}

const r2 = x => Math.round(x * 100) / 100;   // as the REPORT line prints it

// An execution environment of a load test.
function newEnv(fn, kind, t, memory, o) {
    const env = { fn, stream: `2026-12-01-[$LATEST]${fn}${out.streams.length.toString(16).padStart(6, '0')}`,
        busyUntil: t, kind, used: 0, memory };
    out.streams.push({ fn, stream: env.stream, first: t, last: t });
    const p = (ts, text) => line(fn, env.stream, ts, iso(ts) + ' ' + text);
    p(t, 'INIT_START Runtime Version: nodejs:22.v12\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:5e8d');
    if (kind === 2) {   // provisioned ahead of requests: its init ends in an INIT_REPORT
        env.init = r2(700 + 200 * rnd());
        p(t + Math.ceil(env.init), `INIT_REPORT Init Duration: ${env.init.toFixed(2)} ms`);
        env.busyUntil = t + Math.ceil(env.init);
    } else {
        env.init = r2(150 + 200 * rnd());
    }
    return env;
}

function runOn(env, t, duration, outcome, o) {
    const first = env.used++ === 0;
    const cold = first && env.kind === 1;
    const s = cold ? t + Math.ceil(env.init) : t;
    const r = invoke(env.fn, env.stream, s, duration, {
        exp: true, memory: env.memory, cold, init: cold ? env.init : null, kind: first ? env.kind : 0, outcome,
        throttle: o && o.throttle,
    });
    env.busyUntil = r.end;
    out.streams.find(x => x.stream === env.stream).last = r.end;
    return r;
}

// One ramp: --vus users over rampMs, held holdMs; returns its end.
function ramp(fn, t0, vus, rampMs, holdMs, limit, pc, memory, scale) {
    const envs = [];
    for (let i = 0; i < pc; i++) envs.push(newEnv(fn, 2, t0 - 90000 + 100 * i, memory));
    const tEnd = t0 + rampMs + holdMs;
    const next = [];
    for (let k = 0; k < vus; k++) next.push(t0 + Math.floor(k * rampMs / Math.max(1, vus - 1)));
    const driver = `2026-12-01-[$LATEST]driver${t0}`;
    let n = 0;
    out.streams.push({ fn: 'driver', stream: driver, first: t0, last: t0 });
    line('driver', driver, t0, `${iso(t0)}\t${rid()}\tINFO\tload test of ${fn}: ${vus} users`);
    for (;;) {
        let k = -1;
        for (let i = 0; i < vus; i++) if (next[i] < tEnd && (k < 0 || next[i] < next[k])) k = i;
        if (k < 0) break;
        const t = next[k];
        const busy = envs.filter(e => e.busyUntil > t).length;
        if (busy >= limit) {   // throttled: the caller sees TooManyRequestsException
            line('driver', driver, t, `${iso(t)}\t${rid()}\tWARN\tinvoke ${fn}: TooManyRequestsException: Rate Exceeded.`);
            out.signals.push({ fn: 'driver', ts: t });
            out.streams.find(x => x.stream === driver).last = t;
            next[k] = t + 400;
            continue;
        }
        let env = envs.find(e => e.busyUntil <= t);
        if (!env) envs.push(env = newEnv(fn, 1, t, memory));
        n++;
        const outcome = n % 89 === 0 ? 2 : n % 61 === 0 ? 1 : 0;
        const duration = outcome === 2 ? 3000 : r2((600 + 800 * rnd()) * scale);
        const r = runOn(env, t, duration, outcome);
        next[k] = r.end + Math.floor(100 * rnd());
    }
    return tEnd;
}

// Power Tuning's kind of run: the same work at three memory sizes.
function tuner(t0) {
    const sizes = [[512, 40, 400], [1024, 60, 190], [2048, 40, 80]];
    let t = t0;
    for (const [mb, count, base] of sizes) {
        const env = newEnv('tuner', 1, t, mb);
        for (let i = 0; i < count; i++) {
            const r = runOn(env, t, r2(base * (0.9 + 0.2 * rnd())), 0);
            t = r.end + 50;
        }
        t += 1000;
    }
}

function writeAll(range, baseline, limits, extra) {
    for (const f of files.values()) {
        const d = path.join(dir, 'logs', f.fn);
        fs.mkdirSync(d, { recursive: true });
        f.lines.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        fs.writeFileSync(path.join(d, f.stream + '.log'), f.lines.map(l => l[2]).join('\n') + '\n');
    }
    const input = Object.assign({}, out, { range, baseline, limits, prices: { gb_s: 0.0000166667, request: 0.0000002 } },
        extra || {});
    fs.writeFileSync(path.join(dir, 'input.json'), JSON.stringify(input));
}

if (mode === 'ramp') {
    const t0 = Date.parse('2026-12-01T10:00:30Z');
    const vus = arg('vus', 200), rampMs = arg('ramp-s', 200) * 1000, holdMs = arg('hold-s', 40) * 1000;
    const limit = arg('limit', 150), pc = arg('pc', 10);
    const end = ramp('loadtest', t0, vus, rampMs, holdMs, limit, pc, 1024, 1);
    tuner(t0 + 20000);
    // the baseline: an hour before, half the users, half the memory (slower)
    const b0 = t0 - 3600000;
    ramp('loadtest', b0, Math.floor(vus / 2), rampMs, holdMs, limit, pc, 512, 1.6);
    const range = { since: floorMin(t0 - 90000), until: ceilMin(end + 5000) };
    const baseline = { since: floorMin(b0 - 90000) };
    baseline.until = baseline.since + (range.until - range.since);
    writeAll(range, baseline, { account: 1000, fn: { loadtest: limit } }, { ramp: { start: t0, ms: rampMs, users: vus, provisioned: pc } });
}

// ---- schedule: every kind of input ------------------------------------------

// An environment of the schedule: how its lines are written (exp, json,
// bare), how it started (kind), where it is free again.
function schedEnv(fn, how, kind, t, memory) {
    const env = { fn, how, kind, memory, busyUntil: t, used: 0,
        stream: `2026-12-02-[$LATEST]${fn}${out.streams.length.toString(16).padStart(6, '0')}` };
    env.rec = { fn, stream: env.stream, first: t, last: t };
    out.streams.push(env.rec);
    env.init = r2(120 + 300 * rnd());
    const p = (ts, text) => line(fn, env.stream, ts, how.exp ? iso(ts) + ' ' + text : text);
    if (how.json) {
        const type = kind === 2 ? 'provisioned-concurrency' : 'on-demand';
        line(fn, env.stream, t, JSON.stringify({ time: iso(t), type: 'platform.initStart',
            record: { initializationType: type, phase: 'init', runtimeVersion: 'nodejs:22.v12' } }));
        if (kind === 2) env.busyUntil = t + 900;
    } else if (kind === 3) {
        env.restore = r2(200 + 300 * rnd());
        p(t, 'RESTORE_START Runtime Version: java:21.v9\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:aa');
    } else if (!how.emul) {
        p(t, 'INIT_START Runtime Version: nodejs:22.v12\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:5e8d');
    }
    return env;
}

function schedRun(env, t, duration, extra) {
    const first = env.used++ === 0;
    const cold = first && (env.kind === 1 || env.how.emul);
    const waited = cold ? Math.ceil(env.how.emul ? 0.4 : env.init) : first && env.kind === 3 ? Math.ceil(env.restore) : 0;
    const s = t + waited;
    const o = Object.assign({ memory: env.memory, kind: first ? (env.how.emul ? 1 : env.kind) : 0, cold,
        init: cold ? (env.how.emul ? 0.4 : env.init) : null, restore: first && env.kind === 3 ? env.restore : null },
    env.how, extra || {});
    const r = invoke(env.fn, env.stream, s, duration, o);
    if (!env.lmi) env.busyUntil = r.end;
    // where obs sees its stream begin and end: a bare file's head takes the
    // first timed line's time (its first invocation's last line)
    if (env.how.bare && first) env.rec.first = r.end;
    env.rec.last = Math.max(env.rec.last, r.end);
    return r;
}

if (mode === 'schedule') {
    const t0 = Date.parse('2026-12-02T00:00:07Z');
    const pick = (envs, fn, how, t, kindOf) => {
        let env = envs.find(e => e.busyUntil <= t);
        if (!env) envs.push(env = schedEnv(fn, how, kindOf(envs.length), t, 512));
        return env;
    };
    const kinds = { exportfn: () => 1, jsonfn: n => (n < 2 ? 2 : 1), barefn: () => 1, snapfn: () => 3 };
    const hows = { exportfn: { exp: true }, jsonfn: { json: true }, barefn: { bare: true }, snapfn: { exp: true } };
    const pools = { exportfn: [], jsonfn: [], barefn: [], snapfn: [] };
    // provisioned environments of jsonfn, ahead of its requests
    pools.jsonfn.push(schedEnv('jsonfn', hows.jsonfn, 2, t0 - 30000, 512));
    pools.jsonfn.push(schedEnv('jsonfn', hows.jsonfn, 2, t0 - 29000, 512));
    let n = 0;
    for (let m = 0; m < 150; m++) {
        const burst = m % 10 < 3 ? 1 + (m % 7) : 1;
        for (const fn of Object.keys(pools)) {
            if (fn === 'barefn' && m % 2) continue;
            for (let k = 0; k < burst; k++) {
                const t = t0 + m * 60000 + k * 1500 + Math.floor(20000 * rnd());
                const env = pick(pools[fn], fn, hows[fn], t, kinds[fn]);
                const long = burst > 1 && fn !== 'barefn';
                const d = r2(long ? 5000 + 35000 * rnd() : 200 + 2000 * rnd());
                n++;
                schedRun(env, t, d, { outcome: n % 23 === 0 ? 1 : n % 41 === 0 ? 2 : 0, throttle: fn === 'exportfn' && n % 9 === 0,
                    quiet: fn === 'exportfn' && n % 9 === 4 });
            }
        }
    }
    // requests interleaved in one stream (Lambda Managed Instances): several
    // in flight at once, their lines mixed in time order
    const lmi = schedEnv('lmi', { exp: true }, 1, t0 + 100000, 2048);
    lmi.lmi = true;
    for (let i = 0; i < 120; i++) {
        const t = t0 + 110000 + i * 25000 + Math.floor(4000 * rnd());
        for (let k = 0; k < 1 + (i % 4); k++)
            schedRun(lmi, t + k * 700, r2(3000 + 9000 * rnd()));
    }
    // an emulator (SAM local): its REPORTs claim all the memory
    const sam = schedEnv('samfn', { exp: true, emul: true }, 1, t0 + 5000, 256);
    for (let i = 0; i < 30; i++) schedRun(sam, t0 + 5000 + i * 120000, r2(100 + 400 * rnd()));
    let last = 0;
    for (const r of out.records) last = Math.max(last, r.end);
    const range = { since: floorMin(t0), until: ceilMin(last + 1000) };
    writeAll(range, null, { account: 8, fn: { exportfn: 3 } });
}
