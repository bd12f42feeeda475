// tests/e2e/ramp_shape.js — the report of loadgen.js's ramp read the way a
// capacity review reads it, against what the generator did (its input.json:
// the ramp's start, length, users and limit), not against report_truth.js:
// the concurrency climbs from one to the limit, the cold starts come while
// it climbs and stop once the limit is reached, the first requests are the
// provisioned environments', and the throttle signals come only where the
// concurrency stands at the limit.
//   node ramp_shape.js INPUT.json REPORT.md
// Prints "ok WHAT" / "FAIL WHAT: ..." lines.
'use strict';
const fs = require('fs');
const { tables, num } = require('./md_tables.js');

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const tabs = tables(fs.readFileSync(process.argv[3], 'utf8'));
const limit = input.limits.fn.loadtest;
const ramp = input.ramp;

function series(name) {
    const t = tabs.find(x => x.title === 'Over time: ' + name);
    if (!t) return null;
    const col = h => t.head.indexOf(h);
    return t.rows.map(r => ({
        at: Date.parse(r[0].replace(' ', 'T')),
        conc: num(r[col('concurrency peak')]),
        cold: num(r[col('cold on demand')]),
        prov: num(r[col('provisioned inits')]),
        thr: num(r[col('throttle signals')]),
    }));
}

function say(ok, what, why) { console.log(ok ? `ok ${what}` : `FAIL ${what}: ${why}`); }

const lt = series('loadtest'), all = series('all functions');
if (!lt || !all || !ramp) {
    say(false, 'ramp series', 'no loadtest or all-functions series, or no ramp in the input');
    process.exit(0);
}
const bucket = lt[1].at - lt[0].at;
const first = lt.find(b => b.conc > 0);
// users started by the end of the first busy bucket: one, then one every ms / (users - 1)
const started = first ? 1 + Math.floor((first.at + bucket - 1 - ramp.start) * (ramp.users - 1) / ramp.ms) : 0;
say(first && first.conc <= started && started < 10 && first.at <= ramp.start && ramp.start < first.at + bucket,
    'the ramp starts at one user', first ? `first busy bucket ${new Date(first.at).toISOString()} at ${first.conc}, ` +
    `${started} users started` : 'nothing ran');
const full = lt.find(b => b.conc === limit);
// users reach the limit at start + (limit - 1) / (users - 1) of the ramp
const due = ramp.start + Math.floor((limit - 1) * ramp.ms / (ramp.users - 1));
say(full && full.at + bucket > due - 10000, 'the concurrency reaches the limit no sooner than the users do',
    full ? `at ${new Date(full.at).toISOString()}, users at the limit at ${new Date(due).toISOString()}` : 'never');
say(Math.max(...lt.map(b => b.conc)) === limit, 'the peak is the limit', `peak ${Math.max(...lt.map(b => b.conc))}`);
let climbs = 0, drops = 0, high = 0;
for (const b of lt.filter(x => x.at < (full ? full.at : 0))) {
    if (b.conc > high) climbs++;
    if (b.conc < high - 5) drops++;
    high = Math.max(high, b.conc);
}
say(climbs >= 10 && drops === 0, 'the concurrency climbs without falling back before the limit',
    `${climbs} rises, ${drops} falls`);
const colds = lt.filter(b => b.cold > 0);
say(colds.length > 0 && colds.every(b => full && b.at <= full.at && b.at + bucket > ramp.start),
    'cold starts come while the concurrency climbs, none once it is at the limit',
    colds.map(b => new Date(b.at).toISOString()).join(' '));
// the provisioned environments are free when the ramp starts: its first
// requests are theirs, before any on-demand cold start
const provs = lt.filter(b => b.prov > 0);
say(provs.length > 0 && provs.reduce((n, b) => n + b.prov, 0) === ramp.provisioned &&
    provs.every(b => colds.length && b.at <= colds[0].at),
    'the first requests go to the provisioned environments, before any on-demand cold start',
    provs.map(b => `${new Date(b.at).toISOString()}: ${b.prov}`).join(' '));
const thr = all.filter(b => b.thr > 0);
const concAt = at => (lt.find(b => b.at === at) || {}).conc;
say(thr.length > 0 && thr.every(b => concAt(b.at) === limit),
    'throttle signals only where the concurrency stands at the limit',
    thr.filter(b => concAt(b.at) !== limit).map(b => `${new Date(b.at).toISOString()} at ${concAt(b.at)}`).join(' ') ||
    'no throttle signals');
