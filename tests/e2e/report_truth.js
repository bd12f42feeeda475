// tests/e2e/report_truth.js — what `obsq report` must say, computed apart
// from obs: from the invocations a generator wrote (loadgen.js), with the
// definitions of docs/concurrency.md and none of obs's code. Concurrency is
// counted per millisecond on a difference array (obs sorts change points),
// percentiles by sorting each bucket, everything else by plain sums.
//
// record: { fn, stream, start (START ms), end (REPORT ms), duration, billed,
//           init (ms or null), restore (ms or null), kind (0 none, 1 on demand,
//           2 provisioned, 3 SnapStart), cold (a request waited for its init),
//           outcome (0 ok, 1 error, 2 timeout, 3 crash), memory (MB),
//           exact (its lines carry their times), emulated }
// stream: { fn, stream, first, last }   (its first and last line, ms)
// signal: { fn, ts }                    (a throttle signal line)
'use strict';

const IDLE_MS = 5 * 60 * 1000;
const STEPS = [1000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000, 900000, 1800000, 3600000,
    7200000, 10800000, 21600000, 43200000, 86400000];

function bucketFor(spanMs) {
    for (const s of STEPS) if (spanMs <= s * 120) return s;
    return Math.ceil(spanMs / 120 / 86400000) * 86400000;
}

function pct(sorted, p) {
    if (!sorted.length) return null;
    const rank = Math.max(1, Math.ceil(p / 100 * sorted.length));
    return sorted[rank - 1];
}

// The span of an invocation: from its START to its REPORT, and before its
// START the init (or restore) a request waited for.
function span(r) {
    let start = r.start;
    if (r.kind === 1 && r.cold && r.init != null) start -= Math.ceil(r.init);
    if (r.kind === 3 && r.restore != null) start -= Math.ceil(r.restore);
    return [start, r.end];
}

// Level per millisecond of [since, until) from spans (a difference array).
function levels(spans, since, until) {
    const n = until - since;
    const d = new Int32Array(n + 1);
    let base = 0;
    for (const [s, e] of spans) {
        if (e <= s || e <= since || s >= until) continue;
        if (s < since) base++; else d[s - since]++;
        if (e < until) d[e - since]--;
    }
    const lv = new Int32Array(n);
    let cur = base;
    for (let i = 0; i < n; i++) { cur += d[i]; lv[i] = cur; }
    return lv;
}

function colds(list) {
    const c = { on_demand: 0, snap_start: 0, provisioned: 0, early: 0, user_facing: 0 };
    for (const r of list) {
        if (r.kind === 1 && r.cold) { c.on_demand++; c.user_facing++; }
        else if (r.kind === 1) c.early++;
        else if (r.kind === 2) c.provisioned++;
        else if (r.kind === 3) { c.snap_start++; c.user_facing++; }
    }
    return c;
}

// Power Tuning's table: per memory size, and the pick (docs/concurrency.md).
function power(recs, prices) {
    const sizes = [...new Set(recs.map(r => r.memory))].sort((a, b) => a - b);
    const rows = sizes.map(mb => {
        const rs = recs.filter(r => r.memory === mb);
        const d = rs.map(r => r.duration).sort((a, b) => a - b);
        const avgBilled = rs.reduce((a, r) => a + r.billed, 0) / rs.length;
        const perInv = avgBilled / 1000 * (mb / 1024) * prices.gb_s + prices.request;
        return {
            memory_mb: mb, invocations: rs.length, avg_ms: rs.reduce((a, r) => a + r.duration, 0) / rs.length,
            p95_ms: pct(d, 95), avg_billed_ms: avgBilled, cost_per_invocation: perInv, cost_per_million: perInv * 1e6,
        };
    });
    let ref = -1;
    rows.forEach((r, i) => { if (ref < 0 || r.invocations > rows[ref].invocations) ref = i; });
    let pick = -1;
    if (ref >= 0)
        rows.forEach((r, i) => {
            if (r.p95_ms <= rows[ref].p95_ms && (pick < 0 || r.cost_per_invocation < rows[pick].cost_per_invocation))
                pick = i;
        });
    rows.forEach((r, i) => {
        r.mark = i === ref && i === pick ? 'ran at most; cheapest at equal p95' : i === ref ? 'ran at most'
            : i === pick ? 'cheapest at equal p95' : '';
    });
    return rows;
}

// One period's figures: { fns: {name: fig}, all: fig, series: {name: [point]}, power: {name: rows} }
function period(input, since, until) {
    const { records, streams, signals, limits, prices } = input;
    const bucket = bucketFor(until - since), nb = Math.ceil((until - since) / bucket);
    const sub = bucket % 60000 !== 0;
    const minuteOf = t => t - (((t % 60000) + 60000) % 60000);
    const inRange = r => r.end >= since && r.end < until;
    const emulatedStream = new Set(records.filter(r => r.emulated).map(r => r.stream));
    const names = [...new Set([...records.map(r => r.fn), ...streams.map(s => s.fn), ...signals.map(s => s.fn)])]
        .filter(fn => records.some(r => r.fn === fn && inRange(r)) ||
            streams.some(s => s.fn === fn && s.first < until && s.last + IDLE_MS > since) ||
            signals.some(s => s.fn === fn && minuteOf(s.ts) >= since && minuteOf(s.ts) < until)).sort();
    // counts where the rollups keep them (the minute of the end) or, under a
    // minute, at the invocation's end; percentiles and kinds at the end
    const bucketOf = (t, exact) => {
        const at = exact ? t : minuteOf(t);
        return at < since || at >= until ? -1 : Math.floor((at - since) / bucket);
    };

    function figure(name, sel, sigSel, envSel, limit, limitOwn) {
        const recs = records.filter(sel);
        const counted = recs.filter(inRange);
        const f = { name };
        f.invocations = counted.length;
        f.errors = counted.filter(r => r.outcome > 0).length;
        f.timeouts = counted.filter(r => r.outcome === 2).length;
        f.crashes = counted.filter(r => r.outcome >= 3).length;
        f.throttles = signals.filter(s => sigSel(s) && minuteOf(s.ts) >= since && minuteOf(s.ts) < until).length;
        f.gb_seconds = counted.reduce((a, r) => a + r.billed / 1000 * (r.memory / 1024), 0);
        f.cost = f.gb_seconds * prices.gb_s + f.invocations * prices.request;
        f.cost_per_million = f.invocations ? f.cost / f.invocations * 1e6 : null;
        f.rate_avg = f.invocations / ((until - since) / 1000);
        const d = counted.map(r => r.duration).sort((a, b) => a - b);
        f.p50 = pct(d, 50); f.p95 = pct(d, 95); f.p99 = pct(d, 99);
        const cap = recs.filter(r => !r.emulated);
        const lv = levels(cap.map(span), since, until);
        let peak = 0, peakAt = 0, sum = 0, near = 0, at = 0;
        const nearLevel = Math.max(1, Math.ceil(limit * 0.8 - 1e-9));
        for (let i = 0; i < lv.length; i++) {
            if (lv[i] > peak) { peak = lv[i]; peakAt = since + i; }
            sum += lv[i];
            if (lv[i] >= nearLevel) near++;
            if (lv[i] >= limit) at++;
        }
        f.conc_peak = peak; f.conc_peak_at = peak ? peakAt : null;
        f.conc_avg = sum / lv.length;
        f.limit = limit; f.limit_own = limitOwn;
        f.ms_near = near; f.ms_at = at;
        const elv = levels(streams.filter(s => envSel(s) && !emulatedStream.has(s.stream))
            .map(s => [s.first, s.last + IDLE_MS]), since, until);
        f.envs_peak = elv.reduce((a, v) => Math.max(a, v), 0);
        f.colds = colds(counted);
        const open = cap.filter(r => { const [s, e] = span(r); return e > since && s < until; });
        f.exact = open.filter(r => r.exact).length;
        f.estimated = open.length - f.exact;
        f.emulated = recs.filter(r => r.emulated && span(r)[1] > since && span(r)[0] < until).length;
        f.open = 0;
        const pts = [];
        for (let b = 0; b < nb; b++)
            pts.push({ invocations: 0, errors: 0, timeouts: 0, throttles: 0, durations: [], kinds: [] });
        for (const r of recs) {
            const bc = bucketOf(r.end, sub), bp = bucketOf(r.end, true);
            if (bc >= 0) {
                pts[bc].invocations++;
                pts[bc].errors += r.outcome > 0;
                pts[bc].timeouts += r.outcome === 2;
            }
            if (bp >= 0) { pts[bp].durations.push(r.duration); pts[bp].kinds.push(r); }
        }
        for (const s of signals.filter(sigSel)) {
            const b = bucketOf(s.ts, sub);
            if (b >= 0) pts[b].throttles++;
        }
        const series = pts.map((p, b) => {
            let pk = 0, s = 0, epk = 0;
            for (let i = b * bucket; i < (b + 1) * bucket; i++) {
                const v = i < lv.length ? lv[i] : 0, ev = i < elv.length ? elv[i] : 0;
                if (v > pk) pk = v;
                if (ev > epk) epk = ev;
                s += v;
            }
            p.durations.sort((x, y) => x - y);
            const k = colds(p.kinds);
            return {
                rate: p.invocations / (bucket / 1000), p50: pct(p.durations, 50), p95: pct(p.durations, 95),
                p99: pct(p.durations, 99), conc_peak: pk, conc_avg: s / bucket, envs_peak: epk,
                cold_on_demand: k.on_demand, cold_snap: k.snap_start, provisioned: k.provisioned,
                failed: p.errors, timeouts: p.timeouts, throttles: p.throttles,
            };
        });
        f.rate_peak = series.reduce((a, p) => Math.max(a, p.rate), 0);
        return { f, series };
    }

    const out = { since, until, bucket, nb, fns: {}, series: {}, power: {} };
    for (const fn of names) {
        const own = limits.fn[fn];
        const { f, series } = figure(fn, r => r.fn === fn, s => s.fn === fn, s => s.fn === fn,
            own || limits.account, own ? 1 : 0);
        out.fns[fn] = f;
        out.series[fn] = series;
        out.power[fn] = power(records.filter(r => r.fn === fn && !r.emulated && inRange(r)), prices);
    }
    const all = figure('all functions', r => names.includes(r.fn), s => names.includes(s.fn),
        s => names.includes(s.fn), limits.account, 1);
    out.all = all.f;
    out.series['all functions'] = all.series;
    return out;
}

function truth(input, range, baseline) {
    const t = { cur: period(input, range.since, range.until) };
    if (baseline) t.base = period(input, baseline.since, baseline.until);
    return t;
}

module.exports = { truth };
