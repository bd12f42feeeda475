'use strict';
// tests/e2e/runtime_api_double.js — a test double of Lambda's Extensions API
// and Telemetry API (spec.md §4; no real Lambda runtime runs here), for
// test_telemetry.sh. It plays one execution environment:
//   POST /2020-01-01/extension/register   checks Lambda-Extension-Name and
//        {"events":["INVOKE","SHUTDOWN"]}; answers Lambda-Extension-Identifier
//        and {"functionName":FUNCTION,...}
//   PUT  /2022-07-01/telemetry            checks the identifier, schemaVersion,
//        types, buffering, destination {protocol HTTP, URI}; answers 200
//   GET  /2020-01-01/extension/event/next held until there is an event
// After the subscription it runs N invocations: for each an INVOKE event, then
// one Telemetry API batch POSTed to the subscribed URI (initStart and an
// initDuration on the first; platform.start, a text function line, a JSON
// function record, platform.runtimeDone, platform.report; a timeout on the
// last), retried on a non-200 answer as Lambda does; then SHUTDOWN.
// Prints one JSON summary line at exit: {"errors":[...],"batches":n,...}.
//   node runtime_api_double.js PORT FUNCTION N
const http = require('http');
const [port, fn, nArg] = process.argv.slice(2);
const N = Number(nArg);
const ID = '8476a536-e9f4-11e8-9739-2dfe598c3fcd';
const errors = [];
const seen = { registered: false, subscribed: false, nexts: 0, batches: 0, retries: 0, destination: null };
const events = [];
let waiting = null;

function check(cond, what) { if (!cond) errors.push(what); }
function sendEvent(res, ev) {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Lambda-Extension-Event-Identifier': 'e-' + Date.now() });
    res.end(JSON.stringify(ev));
}
function push(ev) {
    if (waiting) { const w = waiting; waiting = null; sendEvent(w, ev); } else events.push(ev);
}
const iso = (ms) => new Date(ms).toISOString();
const reqId = (i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function batch(i) {
    const t = Date.now(), id = reqId(i), out = [];
    if (i === 0) out.push({ time: iso(t - 500), type: 'platform.initStart', record: { functionName: fn,
        functionVersion: '$LATEST', initializationType: 'on-demand', phase: 'init', runtimeVersion: 'nodejs:20.v33' } });
    out.push({ time: iso(t - 100), type: 'platform.start', record: { requestId: id, version: '$LATEST' } });
    out.push({ time: iso(t - 90), type: 'function', record: `${iso(t - 90)}\t${id}\tINFO\tworking on ${i}` });
    out.push({ time: iso(t - 80), type: 'function', record: { timestamp: iso(t - 80), level: 'INFO', requestId: id, message: `json ${i}` } });
    const timeout = i === N - 1;
    out.push({ time: iso(t - 5), type: 'platform.runtimeDone', record: { requestId: id, status: timeout ? 'timeout' : 'success' } });
    const metrics = { durationMs: timeout ? 3000.0 : 10 + i, billedDurationMs: timeout ? 3000 : 11 + i, memorySizeMB: 256, maxMemoryUsedMB: 70 };
    if (i === 0) metrics.initDurationMs = 250.5;
    out.push({ time: iso(t), type: 'platform.report', record: { requestId: id, status: timeout ? 'timeout' : 'success', metrics } });
    return out;
}

function deliver(i, done) {
    const body = JSON.stringify(batch(i));
    const u = new URL(seen.destination);
    const attempt = () => {
        const r = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST',
            headers: { 'Content-Type': 'application/json' } }, (res) => {
            res.resume();
            res.on('end', () => {
                if (res.statusCode === 200) { seen.batches++; done(); }
                else { seen.retries++; setTimeout(attempt, 100); }
            });
        });
        r.on('error', () => { seen.retries++; setTimeout(attempt, 100); });
        r.end(body);
    };
    attempt();
}

function run(i) {
    if (i === N) { push({ eventType: 'SHUTDOWN', shutdownReason: 'spindown', deadlineMs: Date.now() + 2000 }); return; }
    push({ eventType: 'INVOKE', deadlineMs: Date.now() + 3000, requestId: reqId(i),
           invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${fn}` });
    deliver(i, () => setTimeout(() => run(i + 1), 20));
}

const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
        const id = req.headers['lambda-extension-identifier'];
        if (req.method === 'POST' && req.url === '/2020-01-01/extension/register') {
            check(!!req.headers['lambda-extension-name'], 'register: no Lambda-Extension-Name');
            let b = {};
            try { b = JSON.parse(body); } catch (e) { errors.push('register: body not JSON'); }
            check(JSON.stringify(b.events) === '["INVOKE","SHUTDOWN"]', 'register: events ' + JSON.stringify(b.events));
            seen.registered = true;
            res.writeHead(200, { 'Content-Type': 'application/json', 'Lambda-Extension-Identifier': ID });
            res.end(JSON.stringify({ functionName: fn, functionVersion: '$LATEST', handler: 'index.handler' }));
        } else if (req.method === 'PUT' && req.url === '/2022-07-01/telemetry') {
            check(id === ID, 'subscribe: identifier ' + id);
            let b = {};
            try { b = JSON.parse(body); } catch (e) { errors.push('subscribe: body not JSON'); }
            check(['2022-07-01', '2022-12-13', '2025-01-29'].includes(b.schemaVersion), 'subscribe: schemaVersion ' + b.schemaVersion);
            check(JSON.stringify(b.types) === '["platform","function","extension"]', 'subscribe: types');
            check(b.buffering && b.buffering.maxItems >= 1000 && b.buffering.maxBytes >= 262144 &&
                  b.buffering.timeoutMs >= 25, 'subscribe: buffering out of range');
            check(b.destination && b.destination.protocol === 'HTTP' && /^http:\/\/[^/]+:\d+/.test(b.destination.URI),
                  'subscribe: destination ' + JSON.stringify(b.destination));
            seen.subscribed = true;
            seen.destination = b.destination && b.destination.URI;
            res.writeHead(200);
            res.end('OK');
            setTimeout(() => run(0), 50);
        } else if (req.method === 'GET' && req.url === '/2020-01-01/extension/event/next') {
            check(id === ID, 'next: identifier ' + id);
            seen.nexts++;
            if (events.length) sendEvent(res, events.shift()); else waiting = res;
        } else if (req.method === 'POST' && req.url.startsWith('/2020-01-01/extension/')) {
            errors.push(`${req.url}: ${req.headers['lambda-extension-function-error-type']} ${body}`);
            res.writeHead(202);
            res.end();
        } else {
            errors.push(`unexpected ${req.method} ${req.url}`);
            res.writeHead(404);
            res.end();
        }
    });
});
server.listen(Number(port), '127.0.0.1');
const finish = () => { console.log(JSON.stringify({ errors, ...seen })); process.exit(0); };
process.on('SIGTERM', finish);
setTimeout(finish, 30000);
