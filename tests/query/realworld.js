#!/usr/bin/env node
// tests/query/realworld.js — the real-world queries' test, outside obs:
// the fixture logs (realworld_gen.js), which fields each fixture holds, and
// the expected answers of a sample of the queries of
// ../shared/real-world/queries, computed from the generator's model of the
// events — never from a store.
//
//   node realworld.js gen DIR SEED BASE_MS
//       write DIR/<kind>/<group>/<stream>.log and DIR/<kind>/groups.tsv
//       (group id, log group name: the import's --log-group)
//   node realworld.js fields SEED BASE_MS KIND
//       print the field names the kind's store holds, one a line (JSON paths
//       of its records, dotted, and the system fields its events have)
//   node realworld.js ids
//       print the ids of the queries with an expected answer
//   node realworld.js empty SEED BASE_MS KIND QUERY_FILE GOT.json
//       the output columns that are empty in every row although the fields
//       they are made of are held by the fixture (a silently empty column):
//       one a line; exits 1 when there is one
//   node realworld.js check SEED BASE_MS KIND QID GOT.json
//       compare obsq's `-o json` answer to query QID with the expected one:
//       prints each mismatch, exits 0 when there is none, 1 otherwise
//
// Semantics followed (docs/query-language.md): a missing value is null;
// comparisons with a number literal read the field as a number; stats
// groups come in ascending order of their keys (SQLite's order: missing,
// numbers, text by bytes) unless sorted; sort is CloudWatch's natural
// order; pct is nearest-rank; a query whose last stats is by bin() alone,
// with no sort/limit/filter/dedup after it, has its empty bins filled (0
// for count and sum, missing otherwise); timestamps print as
// "YYYY-MM-DD HH:MM:SS.mmm"; without sort, events are newest first, ties in
// reverse import order. Where a sort leaves ties, any order of the tied
// rows is accepted (and any choice among them at a limit).
'use strict';
const fs = require('fs');
const path = require('path');
const gen = require('./realworld_gen.js');

// ---- values ----------------------------------------------------------------------

const SYS = {
    '@timestamp': e => e.ts, '@message': e => e.message, '@logStream': e => e.logStream,
    '@log': e => '000000000000:' + e.logGroup, '@requestId': e => e.requestId, '@type': e => e.type,
    '@duration': e => e.duration, '@billedDuration': e => e.billedDuration, '@memorySize': e => e.memorySize,
    '@maxMemoryUsed': e => e.maxMemoryUsed, '@initDuration': e => e.initDuration,
};

function jsonValue(v) {
    if (v === undefined || v === null)
        return null;
    if (typeof v === 'boolean')
        return v ? 1 : 0;
    if (typeof v === 'object')
        return JSON.stringify(v);
    return v;
}

// A field of an event: a system field, else a JSON path of its object.
function F(e, name) {
    if (SYS[name]) {
        const v = SYS[name](e);
        return v === undefined ? null : v;
    }
    let v = e.json;
    for (const seg of name.split('.')) {
        if (v === null || v === undefined || typeof v !== 'object')
            return null;
        v = v[seg];
    }
    return jsonValue(v);
}

// obs_num: a number, or numeric text, else null
function num(v) {
    if (typeof v === 'number')
        return v;
    if (typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v))
        return Number(v);
    return null;
}

const ts = ms => ms === null ? null : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const bin = (ms, w) => ms - (((ms % w) + w) % w);
const re = r => v => v !== null && r.test(String(v));

// SQLite's ORDER BY: NULL, numbers, text (bytes)
function sqlCmp(a, b) {
    const rank = v => v === null ? 0 : typeof v === 'number' ? 1 : 2;
    if (rank(a) !== rank(b))
        return rank(a) - rank(b);
    if (a === null)
        return 0;
    if (typeof a === 'number')
        return a - b;
    const x = Buffer.from(a), y = Buffer.from(b);
    return Buffer.compare(x, y);
}

// CloudWatch's natural order (docs §3.5): missing first, then text chunk by
// chunk, then numbers (numeric text included) by value
function natCmp(a, b) {
    const na = num(a), nb = num(b);
    const rank = (v, n) => v === null ? 0 : n === null ? 1 : 2;
    const ra = rank(a, na), rb = rank(b, nb);
    if (ra !== rb)
        return ra - rb;
    if (ra === 0)
        return 0;
    if (ra === 2)
        return na - nb;
    const ca = String(a).match(/\d+|\D+/g) || [], cb = String(b).match(/\d+|\D+/g) || [];
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
        const x = ca[i], y = cb[i], dx = /^\d/.test(x), dy = /^\d/.test(y);
        if (dx && dy) {
            if (x.length !== y.length)
                return x.length - y.length;
            if (x !== y)
                return x < y ? -1 : 1;
        } else if (x !== y) {
            return Buffer.compare(Buffer.from(x), Buffer.from(y));
        }
    }
    return ca.length - cb.length;
}

// ---- aggregation ------------------------------------------------------------------

const A = {
    count: () => rows => rows.length,
    countf: f => rows => rows.filter(r => f(r) !== null).length,
    distinct: f => rows => new Set(rows.map(f).filter(v => v !== null).map(v => typeof v + ':' + v)).size,
    sum: f => rows => { const v = rows.map(f).filter(x => x !== null); return v.length ? v.reduce((s, x) => s + x, 0) : null; },
    avg: f => rows => { const v = rows.map(r => num(f(r))).filter(x => x !== null); return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null; },
    min: f => rows => { const v = rows.map(r => num(f(r))).filter(x => x !== null); return v.length ? Math.min(...v) : null; },
    max: f => rows => { const v = rows.map(r => num(f(r))).filter(x => x !== null); return v.length ? Math.max(...v) : null; },
    pct: (f, p) => rows => {
        const v = rows.map(r => num(f(r))).filter(x => x !== null).sort((a, b) => a - b);
        if (!v.length)
            return null;
        return v[Math.max(1, Math.ceil(p / 100 * v.length)) - 1];
    },
};

// stats: keys [[name, fn]], aggs [[name, fn(rows)]] -> rows in key order
function stats(evs, keys, aggs) {
    const groups = new Map();
    for (const e of evs) {
        const kv = keys.map(([, f]) => f(e));
        const id = JSON.stringify(kv.map(v => [typeof v, v]));
        if (!groups.has(id))
            groups.set(id, { kv, rows: [] });
        groups.get(id).rows.push(e);
    }
    const out = [...groups.values()];
    out.sort((a, b) => { for (let i = 0; i < keys.length; i++) { const c = sqlCmp(a.kv[i], b.kv[i]); if (c) return c; } return 0; });
    if (!keys.length && !out.length)
        out.push({ kv: [], rows: [] });
    return out.map(g => {
        const row = {};
        keys.forEach(([n], i) => { row[n] = g.kv[i]; });
        for (const [n, f] of aggs)
            row[n] = f(g.rows, row);
        return row;
    });
}

// zero-fill of a stats by bin(w) alone: every bin between the first and the
// last; fill names the count/sum columns (0), the others are null
function fill(rows, key, w, fillZero) {
    if (!rows.length)
        return rows;
    const out = [], byBin = new Map(rows.map(r => [r[key], r]));
    for (let b = rows[0][key]; b <= rows[rows.length - 1][key]; b += w) {
        if (byBin.has(b)) {
            out.push(byBin.get(b));
        } else {
            const r = {};
            for (const c of Object.keys(rows[0]))
                r[c] = c === key ? b : fillZero.includes(c) ? 0 : null;
            out.push(r);
        }
    }
    return out;
}

const newestFirst = evs => [...evs].sort((a, b) => b.ts - a.ts || b.idx - a.idx);
const pick = (e, cols) => { const r = {}; for (const [n, f] of cols) r[n] = f(e); return r; };
const field = n => e => F(e, n);
const tsCol = ['@timestamp', e => ts(e.ts)];
const asTime = (rows, ...cols) => rows.map(r => { const o = Object.assign({}, r); for (const c of cols) o[c] = ts(o[c]); return o; });
const msgRe = r => e => r.test(e.message);

// glob parse (docs §3.7): the first literal anywhere, each * up to the next
// literal, a trailing * to the end
function glob(pattern, s) {
    if (s === null)
        return null;
    const parts = pattern.split('*');
    let at = 0;
    if (parts[0]) {
        const i = s.indexOf(parts[0]);
        if (i < 0)
            return null;
        at = i + parts[0].length;
    }
    const caps = [];
    for (let k = 1; k < parts.length; k++) {
        if (k === parts.length - 1 && parts[k] === '') {
            caps.push(s.slice(at));
            return caps;
        }
        const i = s.indexOf(parts[k], at);
        if (i < 0)
            return null;
        caps.push(s.slice(at, i));
        at = i + parts[k].length;
    }
    return caps;
}

// ---- the expected answers ------------------------------------------------------------
//
// Each returns { cols, rows, order } — order 'exact' (rows in this order),
// or { keys: [[column, desc]], limit } (sorted on those columns, ties in any
// order, then cut at limit).

const REPORT = e => e.type === 'REPORT';
const MB1024 = v => v === null ? null : v / 1024 / 1024;
const MB1000 = v => v === null ? null : v / 1000 / 1000;

const expect = {
    // ---- API Gateway
    rq001: M => {
        const ok = M.filter(e => num(F(e, 'status')) === 200);
        const rows = stats(ok, [['bin(1m)', e => bin(e.ts, 60000)]], [
            ['avg(integrationLatency)', A.avg(field('integrationLatency'))],
            ['max(integrationLatency)', A.max(field('integrationLatency'))],
            ['min(integrationLatency)', A.min(field('integrationLatency'))]]);
        return { rows: asTime(fill(rows, 'bin(1m)', 60000, []), 'bin(1m)'), order: 'exact' };
    },
    rq003: M => ({
        rows: M.filter(e => { const s = num(F(e, 'status')); return s !== null && s >= 400 && s <= 499; })
            .map(e => pick(e, [tsCol, ['status', field('status')], ['ip', field('ip')], ['path', field('path')], ['httpMethod', field('httpMethod')]])),
        order: { keys: [['@timestamp', 1]], limit: 10 },
    }),
    rq005: M => ({
        rows: M.map(e => pick(e, [tsCol, ['status', field('status')], ['ip', field('ip')], ['path', field('path')],
                                  ['httpMethod', field('httpMethod')], ['responseLatency', field('responseLatency')]])),
        order: { keys: [['responseLatency', 1]], limit: 10 },
    }),
    rq007: M => {
        const rows = stats(M, [['status', field('status')], ['path', field('path')], ['httpMethod', field('httpMethod')]],
                           [['errorCount', A.count()]]).filter(r => { const s = num(r.status); return s !== null && s >= 400 && s <= 499; });
        return { rows: rows.slice(0, 10), order: 'exact' };
    },
    rq009: M => ({ rows: stats(M, [['apiKey', field('apiKey')]], [['requestCount', A.count()]]), order: { keys: [['requestCount', 1]], limit: 10 } }),
    rq011: M => ({ rows: stats(M, [['ip', field('ip')]], [['requestCount', A.count()]]), order: { keys: [['requestCount', 1]], limit: 10 } }),
    rq055: M => {
        const rows = [];
        for (const e of M.filter(msgRe(/Integration latency/))) {
            const m = /Integration latency: (.*?) ms/.exec(e.message), id = /([0-9a-zA-Z-]{36}).*/.exec(e.message);
            const lat = m ? m[1] : null;
            if (lat !== null && num(lat) !== null && num(lat) > 0)
                rows.push({ ts: e.ts, r: { timestamp: null, IntegrationLatency: lat, requestID: id ? id[1] : null } });
        }
        rows.sort((a, b) => b.ts - a.ts);
        return { rows: rows.map(x => x.r), order: 'exact' };
    },
    rq169: M => ({
        rows: newestFirst(M.filter(e => /integrationError/.test(e.message) && !/"-"/.test(e.message))).map(e => pick(e, [tsCol, ['@message', e => e.message]])),
        order: 'exact',
    }),
    rq175: M => ({
        rows: stats(M, [['@httpStatus', () => null]], [['request_count', A.count()], ['avg_latency_ms', A.avg(field('@duration'))],
                                                        ['p99_latency_ms', A.pct(field('@duration'), 99)]]),
        order: 'exact',
    }),
    // ---- CloudTrail
    rq013: M => ({
        rows: newestFirst(M.filter(e => F(e, 'eventName') === 'CreateUser')).map(e => pick(e, [
            ['awsRegion', field('awsRegion')], ['requestParameters.userName', field('requestParameters.userName')],
            ['responseElements.user.arn', field('responseElements.user.arn')]])),
        order: 'exact',
    }),
    rq063: M => ({
        rows: newestFirst(M.filter(e => ['StartInstances', 'StopInstances'].includes(F(e, 'eventName')) && F(e, 'region') === 'us-east-2'))
            .map(e => pick(e, [tsCol, ['@message', field('@message')]])),
        order: 'exact',
    }),
    cs18: M => ({ rows: stats(M, [['eventSource', field('eventSource')], ['eventName', field('eventName')], ['awsRegion', field('awsRegion')]], [['count(*)', A.count()]]), order: 'exact' }),
    cs21: M => ({
        rows: stats(M.filter(e => F(e, 'eventName') === 'UpdateTrail' && F(e, 'errorCode') !== null),
                    [['errorCode', field('errorCode')], ['errorMessage', field('errorMessage')]], [['count(*)', A.count()]]),
        order: 'exact',
    }),
    cs22: M => ({
        rows: stats(M.filter(e => ['TLSv1', 'TLSv1.1'].includes(F(e, 'tlsDetails.tlsVersion'))),
                    ['userIdentity.accountId', 'recipientAccountId', 'eventSource', 'eventName', 'awsRegion', 'tlsDetails.tlsVersion',
                     'tlsDetails.cipherSuite', 'userAgent'].map(n => [n, field(n)]), [['numOutdatedTlsCalls', A.count()]]),
        order: { keys: [['eventSource', 0], ['eventName', 0], ['awsRegion', 0], ['tlsDetails.tlsVersion', 0]] },
    }),
    cs23: M => ({
        rows: stats(M.filter(e => ['TLSv1', 'TLSv1.1'].includes(F(e, 'tlsDetails.tlsVersion'))), [['eventSource', field('eventSource')]],
                    [['numOutdatedTlsCalls', A.count()]]),
        order: { keys: [['numOutdatedTlsCalls', 1]] },
    }),
    cs24: M => ({
        rows: stats(M.filter(e => F(e, 'eventSource') === 'ec2.amazonaws.com'), [['eventName', field('eventName')], ['awsRegion', field('awsRegion')]],
                    [['eventCount', A.count()]]),
        order: { keys: [['eventCount', 1]] },
    }),
    rq087: M => ({
        rows: M.map(e => pick(e, [tsCol, ['detail.eventSource', field('detail.eventSource')], ['detail.eventName', field('detail.eventName')],
                                  ['@message', field('@message')]])),
        order: { keys: [['@timestamp', 1]], limit: 100 },
    }),
    rq089: M => ({
        rows: M.filter(e => re(/s3.amazonaws.com/)(F(e, 'detail.eventSource'))).map(e => pick(e, [tsCol,
            ['detail.requestParameters.bucketName', field('detail.requestParameters.bucketName')], ['detail.eventSource', field('detail.eventSource')],
            ['detail.eventName', field('detail.eventName')], ['@message', field('@message')]])),
        order: { keys: [['@timestamp', 1]], limit: 100 },
    }),
    rq131: M => ({
        rows: M.filter(e => re(/arn:aws:sts::111111111111:assumed-role\/myrole-unauth\/CognitoIdentityCredentials/i)(F(e, 'userIdentity.arn')))
            .map(e => pick(e, [tsCol, ['@message', field('@message')]])),
        order: { keys: [['@timestamp', 1]], limit: 200 },
    }),
    // ---- JSON application logs
    rq031: M => ({
        rows: asTime(stats(M.filter(msgRe(/Exception/)), [['bin(1h)', e => bin(e.ts, 3600000)]], [['exceptionCount', A.count()]]), 'bin(1h)'),
        order: { keys: [['exceptionCount', 1]] },
    }),
    cs06: M => ({
        rows: asTime(stats(M.filter(msgRe(/Exception/)), [['bin(5m)', e => bin(e.ts, 300000)]], [['exceptionCount', A.count()]]), 'bin(5m)'),
        order: { keys: [['exceptionCount', 1]] },
    }),
    rq047: M => ({ rows: M.map(e => pick(e, [tsCol, ['@message', field('@message')]])), order: { keys: [['@timestamp', 1]], limit: 25 } }),
    rq053: M => ({ rows: newestFirst(M.filter(e => !/Exception/.test(e.message))).map(e => ({ '@message': e.message })), order: 'exact' }),
    rq065: M => {
        const caps = e => glob('user=*, method:*, latency := *', e.message);
        return {
            rows: stats(M, [['@method', e => (caps(e) || [])[1] ?? null], ['@user', e => (caps(e) || [])[0] ?? null]],
                        [['avg(@latency)', A.avg(e => (caps(e) || [])[2] ?? null)]]),
            order: 'exact',
        };
    },
    rq141: M => {
        const n = M.filter(msgRe(/ACCESS_LOG/)).filter(e => { const c = glob('* * * * * * * * * *', e.message); return !(c && /\/health-check/.test(c[9])); }).length;
        return { rows: [{ 'count(@message)': n }], order: 'exact' };
    },
    rq143: M => {
        const evs = [];
        for (const e of M.filter(msgRe(/ACCESS_LOG/))) {
            const c = glob('* * * * * * * * * *', e.message);
            if (!(c && /\/health-check/.test(c[9])))
                evs.push({ ts: e.ts, resTime: c ? c[3] : null });
        }
        const rows = stats(evs, [['bin(60s)', e => bin(e.ts, 60000)]], [['avg', A.avg(e => e.resTime)], ['pct95', A.pct(e => e.resTime, 95)]]);
        return { rows: asTime(fill(rows, 'bin(60s)', 60000, []), 'bin(60s)'), order: 'exact' };
    },
    rq147: M => ({
        rows: M.filter(msgRe(/ACCESS_LOG/)).filter(e => {
            const c = glob('* * * * * * * * * *', e.message);
            return !(c && /\/health-check/.test(c[9])) && c && [400, 401, 404].includes(num(c[5]));
        }).map(e => ({ ts: e.ts, '@message': e.message })),
        order: { keys: [['ts', 1]], hide: ['ts'] },
    }),
    rq193: M => {
        const evs = M.filter(msgRe(/^\{/)).map(e => ({ e, c: glob('{"level":"*","service":"*","msg":"*"', e.message) }))
            .filter(x => x.c && x.c[0] === 'error');
        return { rows: stats(evs, [['msg', x => x.c[2]]], [['errors', A.count()]]), order: { keys: [['errors', 1]], limit: 20 } };
    },
    rq195: M => ({
        rows: stats(M.filter(e => F(e, 'httpMethod') !== null), [['httpMethod', field('httpMethod')], ['path', field('path')]],
                    [['requests', A.count()], ['avgLatency', A.avg(field('duration'))]]),
        order: { keys: [['requests', 1]] },
    }),
    rq199: M => {
        const evs = M.filter(e => F(e, 'level') === 'ERROR').map(e => {
            const m = /(\w+Error|Exception): ([^\n]+)/.exec(e.message);
            return { errorType: m ? m[1] : null, errorMsg: m ? m[2] : null };
        });
        return { rows: stats(evs, [['errorType', x => x.errorType], ['errorMsg', x => x.errorMsg]], [['occurrences', A.count()]]),
                 order: { keys: [['occurrences', 1]], limit: 25 } };
    },
    rq201: M => ({
        rows: stats(M.filter(e => F(e, 'level') === 'ERROR'), [['service', field('service')], ['endpoint', field('endpoint')]], [['errors', A.count()]]),
        order: { keys: [['errors', 1]], limit: 20 },
    }),
    rq203: M => ({
        rows: stats(M.filter(e => F(e, 'duration') !== null), [['endpoint', field('endpoint')]], [
            ['p50', A.pct(field('duration'), 50)], ['p90', A.pct(field('duration'), 90)], ['p95', A.pct(field('duration'), 95)],
            ['p99', A.pct(field('duration'), 99)], ['maxLatency', A.max(field('duration'))], ['requests', A.count()]]),
        order: { keys: [['p99', 1]], limit: 20 },
    }),
    rq205: M => ({
        rows: M.filter(e => F(e, 'duration') !== null && num(F(e, 'duration')) > 5000).map(e => pick(e, [tsCol,
            ['duration', field('duration')], ['endpoint', field('endpoint')], ['userId', field('userId')], ['requestId', field('requestId')]])),
        order: { keys: [['duration', 1]], limit: 50 },
    }),
    rq207: M => ({
        rows: asTime(fill(stats(M, [['bin(1m)', e => bin(e.ts, 60000)]], [['requests', A.count()]]), 'bin(1m)', 60000, ['requests']), 'bin(1m)'),
        order: 'exact',
    }),
    rq209: M => ({
        rows: stats(M.filter(e => F(e, 'userAgent') !== null), [['client', e => { const m = /^([^/\s]+)/.exec(String(F(e, 'userAgent'))); return m ? m[1] : null; }]],
                    [['requests', A.count()]]),
        order: { keys: [['requests', 1]], limit: 20 },
    }),
    rq211: M => ({ rows: stats(M, [['statusCode', field('statusCode')]], [['count', A.count()]]), order: { keys: [['statusCode', 0]] } }),
    rq213: M => {
        const sc = e => num(F(e, 'statusCode'));
        const s = cond => A.sum(e => sc(e) === null ? null : cond(sc(e)) ? 1 : 0);
        const rows = stats(M, [['bin(5m)', e => bin(e.ts, 300000)]], [
            ['success2xx', s(v => v >= 200 && v < 300)], ['redirect3xx', s(v => v >= 300 && v < 400)],
            ['clientError4xx', s(v => v >= 400 && v < 500)], ['serverError5xx', s(v => v >= 500)]]);
        return { rows: asTime(fill(rows, 'bin(5m)', 300000, ['success2xx', 'redirect3xx', 'clientError4xx', 'serverError5xx']), 'bin(5m)'), order: 'exact' };
    },
    rq217: M => ({
        rows: asTime(stats(M.filter(e => F(e, 'event') === 'queue_status'), [['bin(5m)', e => bin(e.ts, 300000)], ['queueName', field('queueName')]],
                           [['maxDepth', A.max(field('queueDepth'))], ['avgDepth', A.avg(field('queueDepth'))]]), 'bin(5m)'),
        order: 'exact',
    }),
    rq219: M => {
        const evs = M.filter(e => F(e, 'cacheResult') !== null);
        const eq = v => A.sum(e => F(e, 'cacheResult') === v ? 1 : 0);
        const rows = stats(evs, [['bin(5m)', e => bin(e.ts, 300000)]], [['hits', eq('hit')], ['misses', eq('miss')],
            ['hitRate', rows => eq('hit')(rows) / rows.length * 100]]);
        return { rows: asTime(fill(rows, 'bin(5m)', 300000, ['hits', 'misses']), 'bin(5m)'), order: 'exact' };
    },
    rq225: M => ({ rows: stats(M, [['service', field('service')]], [['eventCount', A.count()]]), order: { keys: [['eventCount', 1]], limit: 10 } }),
    cs05: M => {
        const seen = new Set(), rows = [];
        for (const e of [...M].sort((a, b) => b.ts - a.ts)) {
            const s = F(e, 'server'), v = F(e, 'severity');
            if (s !== null && v !== null) {
                const k = JSON.stringify([s, v]);
                if (seen.has(k))
                    continue;
                seen.add(k);
            }
            rows.push(pick(e, [tsCol, ['server', field('server')], ['severity', field('severity')], ['message', field('message')]]));
        }
        return { rows, order: { keys: [['@timestamp', 1]] } };
    },
    rq253: M => {
        const rows = [];
        for (const e of M) {
            let js = null;
            try { js = JSON.parse(e.message); } catch (x) { js = null; }
            if (!js || typeof js !== 'object' || !Array.isArray(js.accounts))
                continue;
            for (const a of js.accounts)
                if (a && a.type === 'internal')  // each row includes the unnested field (AWS)
                    rows.push({ ts: e.ts, js: JSON.stringify(js), account: JSON.stringify(a) });
        }
        return { rows, order: { keys: [['ts', 1]], hide: ['ts'] }, json: ['js', 'account'] };
    },
    rq257: M => ({
        rows: M.filter(e => num(F(e, 'range')) > 3000 && num(F(e, 'accountId')) === 123456789012).map(e => pick(e, [tsCol, ['@message', field('@message')]])),
        order: { keys: [['@timestamp', 1]], limit: 20 },
    }),
    rq111: M => ({
        rows: M.filter(e => e.logGroup === '/aws/lambda/dr2-ingest' && F(e, 'batchRef') !== null).sort((a, b) => a.ts - b.ts)
            .map(e => pick(e, [tsCol, ['batchRef', field('batchRef')], ['fileReference', field('fileReference')], ['log.logger', field('log.logger')],
                               ['message', field('message')], ['@logStream', field('@logStream')]])),
        order: 'exact',
    }),
    rq117: M => ({
        rows: stats(M.filter(e => e.logGroup === '/aws/lambda/donor-search' && F(e, 'requestPostId') !== null && F(e, 'requestPostId') !== '' &&
                             re(/checking targeted execution time/)(F(e, 'msg'))), [['requestPostId', field('requestPostId')]], [['count', A.count()]]),
        order: { keys: [['count', 1]], limit: 20 },
    }),
    rq249: M => ({
        rows: M.filter(e => (e.logGroup.startsWith('/app-logs') || e.logGroup.startsWith('/api-gateway-logs')) &&
                            (/ERROR/.test(e.message) || num(F(e, 'status')) >= 500))
            .map(e => pick(e, [tsCol, ['@message', field('@message')], ['@log', field('@log')]])),
        order: { keys: [['@timestamp', 1]], limit: 200 },
    }),
    // ---- Lambda
    rq015: M => {
        const rows = stats(M.filter(REPORT), [['bin(5m)', e => bin(e.ts, 300000)]], [['avg(@duration)', A.avg(field('@duration'))],
            ['max(@duration)', A.max(field('@duration'))], ['min(@duration)', A.min(field('@duration'))]]);
        return { rows: asTime(fill(rows, 'bin(5m)', 300000, []), 'bin(5m)'), order: 'exact' };
    },
    rq035: M => {
        const rows = stats(M.filter(REPORT), [['bin(5m)', e => bin(e.ts, 300000)]], [
            ['coldStartPct', rows => rows.filter(e => e.initDuration !== undefined).length / rows.length * 100], ['avg(@duration)', A.avg(field('@duration'))]]);
        return { rows: asTime(fill(rows, 'bin(5m)', 300000, []), 'bin(5m)'), order: 'exact' };
    },
    rq037: M => ({
        rows: asTime(fill(stats(M.filter(msgRe(/Process exited/)), [['bin(30m)', e => bin(e.ts, 1800000)]], [['count()', A.count()]]), 'bin(30m)', 1800000, ['count()']), 'bin(30m)'),
        order: 'exact',
    }),
    rq041: M => {
        const m = e => MB1024(F(e, '@maxMemoryUsed'));
        return { rows: stats(M.filter(REPORT), [], [['mean_MemoryUsed', A.avg(m)], ['min_MemoryUsed', A.min(m)], ['max_MemoryUsed', A.max(m)],
                                                     ['Percentile95', A.pct(m, 95)]]), order: 'exact' };
    },
    rq045: M => ({
        rows: asTime(fill(stats(M.filter(e => REPORT(e) && e.maxMemoryUsed === e.memorySize), [['bin(30m)', e => bin(e.ts, 1800000)]],
                                [['count_distinct(@requestId)', A.distinct(field('@requestId'))]]), 'bin(30m)', 1800000, ['count_distinct(@requestId)']), 'bin(30m)'),
        order: 'exact',
    }),
    rq071: M => {
        const b = field('@billedDuration');
        const rows = stats(M.filter(REPORT), [['bin(1m)', e => bin(e.ts, 60000)]], [['Average', A.avg(b)], ['NinetyNinth', A.pct(b, 99)],
            ['NinetyFifth', A.pct(b, 95)], ['Ninetieth', A.pct(b, 90)]]);
        return { rows: asTime(fill(rows, 'bin(1m)', 60000, []), 'bin(1m)'), order: 'exact' };
    },
    rq075: M => {
        const rows = stats(M.filter(REPORT), [], [['provisonedMemMB', A.max(e => MB1024(e.memorySize))], ['smallestMemReqMB', A.min(e => MB1024(e.maxMemoryUsed))],
            ['avgMemUsedMB', A.avg(e => MB1024(e.maxMemoryUsed))], ['maxMemUsedMB', A.max(e => MB1024(e.maxMemoryUsed))],
            ['overProvisionedMB', (rows, r) => r.provisonedMemMB - r.maxMemUsedMB]]);
        return { rows, order: 'exact' };
    },
    rq077: M => {
        const d = e => Math.max(e.initDuration !== undefined ? e.initDuration : 0, 0) + e.duration;
        return {
            rows: stats(M.filter(REPORT), [['coldStart', e => (e.initDuration !== undefined ? 1 : 0)]], [['count', A.count()], ['p50', A.pct(d, 50)],
                        ['p90', A.pct(d, 90)], ['p99', A.pct(d, 99)], ['max', A.max(d)]]),
            order: 'exact',
        };
    },
    rq083: M => ({ rows: stats(M, [['@logStream', field('@logStream')]], [['count(*)', A.count()]]).slice(0, 100), order: 'exact' }),
    rq091: M => ({ rows: M.filter(msgRe(/ERROR/)).map(e => pick(e, [tsCol, ['@message', field('@message')]])), order: { keys: [['@timestamp', 1]], limit: 20 } }),
    rq125: M => ({ rows: [{ errorCount: A.distinct(field('@requestId'))(M.filter(msgRe(/ERROR/i))) }], order: 'exact' }),
    rq165: M => ({ rows: [{ throttle_count: M.filter(msgRe(/Rate Exceeded|TooManyRequestsException|throttle/)).length }], order: 'exact' }),
    rq167: M => ({
        rows: stats(M.filter(REPORT), [], [['cold_starts', A.countf(field('@initDuration'))], ['avg_cold_start_ms', A.avg(field('@initDuration'))],
                                             ['max_duration_ms', A.max(field('@duration'))]]),
        order: 'exact',
    }),
    rq171: M => ({
        rows: asTime(fill(stats(M.filter(e => num(F(e, '@initDuration')) > 0), [['bin(5m)', e => bin(e.ts, 300000)]], [['cold_starts', A.count()],
            ['avg_duration', A.avg(field('@duration'))], ['max_init_duration', A.max(field('@initDuration'))]]), 'bin(5m)', 300000, ['cold_starts']), 'bin(5m)'),
        order: 'exact',
    }),
    rq173: M => ({
        rows: M.filter(e => num(F(e, '@duration')) > 5000).map(e => pick(e, [tsCol, ['@message', field('@message')], ['@duration', field('@duration')],
                                                                         ['@requestId', field('@requestId')]])),
        order: { keys: [['@duration', 1]], limit: 100 },
    }),
    rq181: M => {
        const r = M.filter(REPORT), cold = r.filter(e => e.initDuration !== undefined).length;
        return { rows: [{ coldStarts: cold, warmStarts: r.length - cold, coldStartPercent: cold / r.length * 100 }], order: 'exact' };
    },
    rq183: M => ({
        rows: stats(M.filter(e => REPORT(e) && e.initDuration !== undefined), [['@memorySize', field('@memorySize')]], [
            ['avgInit', A.avg(field('@initDuration'))], ['avgDuration', A.avg(field('@duration'))], ['invocations', A.count()]]),
        order: { keys: [['@memorySize', 0]] },
    }),
    rq185: M => {
        const d = field('@duration');
        return { rows: stats(M.filter(REPORT), [], [['p50', A.pct(d, 50)], ['p90', A.pct(d, 90)], ['p95', A.pct(d, 95)], ['p99', A.pct(d, 99)],
                                                     ['maxDuration', A.max(d)], ['invocations', A.count()]]), order: 'exact' };
    },
    rq187: M => {
        const u = e => e.maxMemoryUsed / e.memorySize * 100;
        return { rows: stats(M.filter(REPORT), [], [['avgMemoryUtilPct', A.avg(u)], ['maxMemoryUtilPct', A.max(u)],
                                                     ['avgMemoryUsedMB', A.avg(field('@maxMemoryUsed'))], ['maxMemoryUsedMB', A.max(field('@maxMemoryUsed'))]]),
                 order: 'exact' };
    },
    rq197: M => ({
        rows: stats(M.filter(REPORT), [['@logStream', field('@logStream')]], [['avgDuration', A.avg(field('@duration'))],
            ['p99Duration', A.pct(field('@duration'), 99)], ['invocations', A.count()]]),
        order: { keys: [['avgDuration', 1]] },
    }),
    cs09: M => ({
        rows: M.filter(REPORT).map(e => pick(e, [['@requestId', field('@requestId')], ['@billedDuration', field('@billedDuration')]])),
        order: { keys: [['@billedDuration', 1]] },
    }),
    // ---- other services
    rq017: M => ({ rows: stats(M, [['source', field('source')]], [['EventsCountBySource', A.count()]]), order: 'exact' }),
    rq025: M => ({
        rows: asTime(stats(M.filter(e => F(e, 'detail-type') !== null), [['bin(1h)', e => bin(e.ts, 3600000)]], [['CountOfEventsPerHour', A.count()]]), 'bin(1h)'),
        order: 'exact',
    }),
    rq095: M => ({
        rows: stats(M, [['httpRequest.clientIp', field('httpRequest.clientIp')]], [['requestCount', A.count()]]),
        order: { keys: [['requestCount', 1]], limit: 100 },
    }),
    rq097: M => {
        const eq = v => A.sum(e => F(e, 'action') === null ? null : F(e, 'action') === v ? 1 : 0);
        return {
            rows: asTime(stats(M, [['httpRequest.clientIp', field('httpRequest.clientIp')], ['minute', e => bin(e.ts, 60000)]],
                               [['requestCount', A.count()], ['allowRequest', eq('ALLOW')], ['blockRequest', eq('BLOCK')]]), 'minute'),
            order: { keys: [['requestCount', 1]], limit: 100 },
        };
    },
    rq099: M => ({
        rows: stats(M.filter(e => num(F(e, 'httpRequest.status')) === 403), [['httpRequest.country', field('httpRequest.country')]], [['requestCount', A.count()]]),
        order: { keys: [['requestCount', 1]], limit: 100 },
    }),
    rq101: M => {
        const eq = v => A.sum(e => F(e, 'action') === null ? null : F(e, 'action') === v ? 1 : 0);
        return {
            rows: asTime(stats(M, [['httpRequest.clientIp', field('httpRequest.clientIp')], ['httpRequest.country', field('httpRequest.country')],
                                   ['minute', e => bin(e.ts, 60000)]],
                               [['totalRequests', A.count()], ['allowCount', eq('ALLOW')], ['blockCount', eq('BLOCK')], ['requestsPerMinute', rows => rows.length / 60]]), 'minute'),
            order: { keys: [['totalRequests', 1]], limit: 100 },
        };
    },
    rq157: M => ({
        rows: stats(M.filter(e => F(e, 'graphQLAPIId') !== null && F(e, 'logType') === 'RequestSummary'), [['statusCode', field('statusCode')]], [['statusCount', A.count()]]),
        order: { keys: [['statusCount', 1]] },
    }),
    cs31: M => ({
        rows: M.filter(e => F(e, 'logType') === 'Tracing').map(e => pick(e, [['resolverArn', field('resolverArn')], ['duration', field('duration')]])),
        order: { keys: [['duration', 1]], limit: 10 },
    }),
    cs34: M => ({
        rows: stats(M.filter(e => F(e, 'resolverArn') !== null && F(e, 'logType') === 'Tracing'), [['resolverArn', field('resolverArn')]],
                    [['min(duration)', A.min(field('duration'))], ['max(duration)', A.max(field('duration'))], ['avgDur', A.avg(field('duration'))]]),
        order: { keys: [['avgDur', 1]], limit: 10 },
    }),
    cs35: M => ({
        rows: M.filter(e => F(e, 'logType') === 'RequestSummary').map(e => pick(e, [['requestId', field('requestId')], ['latency', field('latency')]])),
        order: { keys: [['latency', 1]], limit: 10 },
    }),
    cs36: M => ({ rows: stats(M, [['eventType', field('eventType')], ['status', field('status')]], [['count(*)', A.count()]]), order: 'exact' }),
    cs37: M => ({
        rows: stats(M.filter(e => F(e, 'eventType') === 'Disconnect'), [['disconnectReason', field('disconnectReason')]], [['count(*)', A.count()]]),
        order: { keys: [['disconnectReason', 1]] },
    }),
    cs38: M => ({
        rows: stats(M.filter(e => F(e, 'eventType') === 'Disconnect' && F(e, 'disconnectReason') === 'DUPLICATE_CLIENTID'), [['clientId', field('clientId')]],
                    [['count(*)', A.count()]]).slice(0, 50),
        order: 'exact',
    }),
    cs30: () => ({ rows: [], order: 'exact' }),
    cs41: M => ({
        rows: M.filter(e => F(e, 'eventType') === 'Publish-In' && re(/your\/topic\/here/)(F(e, 'topicName'))).map(e => pick(e, [tsCol, ['@message', field('@message')]])),
        order: { keys: [['@timestamp', 1]] },
    }),
    rq237: M => ({
        rows: stats(M.filter(e => F(e, 'event_type') === 'com.amazon.rum.performance_navigation_event'), [['metadata.pageId', field('metadata.pageId')]],
                    [['p90_load_ms', A.pct(field('event_details.duration'), 90)], ['loads', A.count()]]),
        order: { keys: [['p90_load_ms', 1]], limit: 10 },
    }),
    rq241: M => {
        const d = e => { const v = num(F(e, 'durationNano')); return v === null ? null : v / 1000000; };
        return {
            rows: stats(M.filter(e => F(e, 'scope.name') === 'software.amazon.opentelemetry.hang'), [['attributes.exception.message', field('attributes.exception.message')]],
                        [['hang_count', A.count()], ['p50_duration_ms', A.pct(d, 50)], ['p90_duration_ms', A.pct(d, 90)]]),
            order: { keys: [['hang_count', 1]], limit: 25 },
        };
    },
    rq121: M => {
        const evs = [];
        for (const e of M) {
            const m = /Status: (?<status>[^,]+), Resource Type: (?<rt>[^,]+)/.exec(e.message);
            if (m && ['FAILED', 'ABORTED', 'EXPIRED'].includes(m.groups.status))
                evs.push({ ts: e.ts, status: m.groups.status, rt: m.groups.rt });
        }
        const rows = stats(evs, [['b', e => bin(e.ts, 3600000)], ['status', e => e.status], ['resource_type', e => e.rt]], [['job_count', A.count()]]);
        return { rows: rows.map(r => ({ time_period: ts(r.b), status: r.status, resource_type: r.resource_type, job_count: r.job_count })),
                 order: { keys: [['time_period', 0]] } };
    },
};
// the same queries under other ids (console samples, copies)
Object.assign(expect, { cs07: expect.rq015, cs08: null, cs20: expect.rq013, cs02: expect.rq031, cs01: expect.rq047, cs03: expect.rq053,
                        rq151: expect.cs24, rq163: expect.cs35, cs29: expect.rq157 });
delete expect.cs08;

// ---- comparison -------------------------------------------------------------------------

function same(a, b) {
    if (a === null || b === null || a === undefined || b === undefined)
        return (a === null || a === undefined) && (b === null || b === undefined);
    if (typeof a === 'number' && typeof b === 'number')
        return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
    return a === b;
}

function sameRow(x, y, cols, jsonCols) {
    return cols.every(c => jsonCols.includes(c) ? JSON.stringify(JSON.parse(x[c])) === JSON.stringify(JSON.parse(y[c])) : same(x[c], y[c]));
}

function compare(exp, got) {
    const errs = [];
    const hide = (exp.order && exp.order.hide) || [];
    const jsonCols = exp.json || [];
    const cols = exp.rows.length ? Object.keys(exp.rows[0]).filter(c => !hide.includes(c)) : null;
    if (cols && got.length) {
        const gc = Object.keys(got[0]);
        if (JSON.stringify(gc) !== JSON.stringify(cols))
            errs.push(`columns: expected ${JSON.stringify(cols)}, got ${JSON.stringify(gc)}`);
    }
    const show = r => JSON.stringify(r).slice(0, 300);
    if (exp.order === 'exact') {
        if (got.length !== exp.rows.length)
            errs.push(`rows: expected ${exp.rows.length}, got ${got.length}`);
        for (let i = 0; i < Math.min(got.length, exp.rows.length) && errs.length < 10; i++)
            if (!sameRow(exp.rows[i], got[i], cols, jsonCols))
                errs.push(`row ${i}: expected ${show(exp.rows[i])}, got ${show(got[i])}`);
        return errs;
    }
    // sorted on keys, ties in any order: the expected rows sorted the same way
    const keys = exp.order.keys;
    const cmp = (a, b) => { for (const [k, desc] of keys) { const c = natCmp(a[k], b[k]); if (c) return desc ? -c : c; } return 0; };
    const all = [...exp.rows].sort(cmp);
    const n = exp.order.limit ? Math.min(exp.order.limit, all.length) : all.length;
    if (got.length !== n)
        errs.push(`rows: expected ${n}, got ${got.length}`);
    // rows of got are in order (on the visible keys)
    const vkeys = keys.filter(([k]) => !hide.includes(k));
    for (let i = 1; i < got.length; i++) {
        for (const [k, desc] of vkeys) {
            const c = natCmp(got[i - 1][k], got[i][k]);
            if ((desc ? -c : c) > 0) {
                errs.push(`rows ${i - 1} and ${i} out of order on ${k}: ${show(got[i - 1])} / ${show(got[i])}`);
                break;
            }
            if (c)
                break;
        }
    }
    // each got row is an expected row (used once); the expected rows that
    // sort strictly before the cut are all there
    const used = new Array(all.length).fill(false);
    for (const g of got) {
        const i = all.findIndex((r, j) => !used[j] && sameRow(r, g, cols, jsonCols));
        if (i < 0) {
            errs.push(`unexpected row ${show(g)}`);
            if (errs.length > 10)
                break;
            continue;
        }
        used[i] = true;
        if (n && cmp(all[i], all[n - 1]) > 0)
            errs.push(`row ${show(g)} sorts after the cut`);
    }
    for (let j = 0; j < n && errs.length < 10; j++)
        if (!used[j] && cmp(all[j], all[n - 1]) < 0)
            errs.push(`missing row ${show(all[j])}`);
    return errs;
}

// ---- fields a fixture holds --------------------------------------------------------------

function fieldsOf(M) {
    const out = new Set(['@timestamp', '@message', '@logStream', '@log', '@ingestionTime']);
    const walk = (v, p) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) {
            if (p)
                out.add(p);
            return;
        }
        if (p)
            out.add(p);
        for (const [k, x] of Object.entries(v))
            walk(x, p ? `${p}.${k}` : k);
    };
    for (const e of M) {
        if (e.json)
            walk(e.json, '');
        for (const s of Object.keys(SYS))
            if (F(e, s) !== null)
                out.add(s);
    }
    return [...out].sort();
}

// The fields an output column is made of: a field path named as such; the
// identifiers of the expression an alias stands for (`EXPR as name`) or of
// the column's own text ("avg(x)").
const KEYWORDS = new Set(['and', 'or', 'not', 'like', 'in', 'as', 'by', 'true', 'false', 'asc', 'desc']);
function identifiers(text) {
    const t = text.replace(/"(\\.|[^"\\])*"|'(\\.|[^'\\])*'|\/(\\.|[^/\\])*\//g, ' ');
    const out = [];
    const re = /(@?[A-Za-z_][\w@]*(?:\.(?:[A-Za-z_@][\w@-]*|`[^`]*`))*|`[^`]*`)(\s*\()?/g;
    let m;
    while ((m = re.exec(t)))
        if (!m[2] && !KEYWORDS.has(m[1].toLowerCase()) && !/^\d/.test(m[1]))
            out.push(m[1].replace(/`/g, ''));
    return out;
}

function columnFields(query, col) {
    const alias = new RegExp('([^,|]+?)\\s+as\\s+' + col.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '\\b', 'i').exec(query);
    if (alias)
        return identifiers(alias[1]);
    if (/^@?[A-Za-z_][\w@.-]*$/.test(col))
        return [col];
    return identifiers(col);
}

function emptyColumns(M, query, got) {
    if (!got.length)
        return [];
    const held = new Set(fieldsOf(M)), out = [];
    for (const c of Object.keys(got[0])) {
        if (!got.every(r => r[c] === null || r[c] === ''))
            continue;
        const f = columnFields(query, c).filter(x => held.has(x));
        if (f.length)
            out.push(`column '${c}' is empty in all ${got.length} rows, but the fixture holds ${f.join(', ')}`);
    }
    return out;
}

// ---- command line -------------------------------------------------------------------------

function main() {
    const [cmd, ...a] = process.argv.slice(2);
    if (cmd === 'gen') {
        const [dir, seed, base] = a;
        for (const [kind, k] of Object.entries(gen.generate(Number(seed), Number(base)))) {
            const tsv = [];
            for (const g of k.groups) {
                tsv.push(`${g.id}\t${g.logGroup}`);
                for (const f of g.files) {
                    const d = path.join(dir, kind, g.id);
                    fs.mkdirSync(d, { recursive: true });
                    fs.writeFileSync(path.join(d, f.stream + '.log'), f.lines.map(l => l.text).join('\n') + '\n');
                }
            }
            fs.writeFileSync(path.join(dir, kind, 'groups.tsv'), tsv.sort().join('\n') + '\n');
        }
        return 0;
    }
    if (cmd === 'fields') {
        const [seed, base, kind] = a;
        console.log(fieldsOf(gen.generate(Number(seed), Number(base))[kind].events()).join('\n'));
        return 0;
    }
    if (cmd === 'empty') {
        const [seed, base, kind, qfile, file] = a;
        const M = gen.generate(Number(seed), Number(base))[kind].events();
        const errs = emptyColumns(M, fs.readFileSync(qfile, 'utf8'), JSON.parse(fs.readFileSync(file, 'utf8')));
        for (const e of errs)
            console.log(e);
        return errs.length ? 1 : 0;
    }
    if (cmd === 'ids') {
        console.log(Object.keys(expect).sort().join('\n'));
        return 0;
    }
    if (cmd === 'check') {
        const [seed, base, kind, qid, file] = a;
        const M = gen.generate(Number(seed), Number(base))[kind].events();
        const got = JSON.parse(fs.readFileSync(file, 'utf8'));
        const errs = compare(expect[qid](M), got);
        for (const e of errs)
            console.log(e);
        return errs.length ? 1 : 0;
    }
    console.error('usage: realworld.js gen DIR SEED BASE | fields SEED BASE KIND | ids | check SEED BASE KIND QID GOT.json');
    return 2;
}

process.exit(main());
