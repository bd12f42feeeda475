// tests/query/realworld_gen.js — the fixture logs of the real-world query
// test (tests/e2e/test_realworld_queries.sh), generated with a seeded
// generator, and the model of the events a store holds after importing
// them (what tests/query/realworld.js computes the expected answers from,
// without obs).
//
// One store per kind of query in ../shared/real-world/queries:
//   lambda     Lambda text format (Node and Python runtimes) and the JSON
//              log format: START/END/REPORT, cold starts, errors, timeouts
//   json-app   JSON application logs (Powertools-style records of Lambda
//              functions), Go-log text lines (access logs, exceptions)
//   apigw      API Gateway access logs (JSON) and execution logs (text)
//   cloudtrail CloudTrail records, and CloudTrail events from EventBridge
//   other      EventBridge events, WAF, AppSync, IoT, RUM and OpenTelemetry
//              logs, AWS Backup job lines
//   vpc        VPC flow log lines (obs discovers no fields in them)
// Files are DIR/<kind>/<group id>/<stream>.log; groups.json says each group
// id's log group name. Lines of non-Lambda groups carry the time of the
// event as the export prefix "<ISO time> " (what `aws logs tail` and
// CloudWatch exports write), JSON application records their "timestamp".
//
// The model follows obs's documented contract (docs/formats.md,
// docs/query-language.md): one event per line; a line's time is its own
// (export prefix, runtime prefix, "timestamp" key, Go log prefix, JSON
// "time"), else that of the last timed line before it in its file, else (at
// a file's head) that of the file's first timed line; events are numbered
// in import order (groups, then files, then lines, in name order).
'use strict';

function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6D2B79F5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const pad = (n, w) => String(n).padStart(w, '0');
function iso(ms) { return new Date(ms).toISOString(); }
function goTime(ms) {
    const d = new Date(ms);
    return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)} ` +
        `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
}

// A generator of one kind: groups of files of lines, with the model event
// of each line.
class Kind {
    constructor(name, seed, base) {
        this.name = name;
        this.r = rng(seed);
        this.base = base;
        this.groups = [];      // { id, logGroup, files: [{ stream, lines: [{ text, ev }] }] }
    }
    pick(a) { return a[Math.floor(this.r() * a.length)]; }
    int(lo, hi) { return lo + Math.floor(this.r() * (hi - lo + 1)); }
    hex(n) { let s = ''; while (s.length < n) s += Math.floor(this.r() * 16).toString(16); return s; }
    uuid() { return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-a${this.hex(3)}-${this.hex(12)}`; }
    group(id, logGroup) {
        const g = { id, logGroup, files: [] };
        this.groups.push(g);
        return g;
    }
    file(g, stream) {
        const f = { stream, lines: [] };
        g.files.push(f);
        return f;
    }
    // a line: its text, its own time (or null), its JSON object (or null),
    // the Lambda fields of a platform line
    line(f, text, own, json, sys) {
        f.lines.push({ text, own, json: json || null, sys: sys || {} });
    }
    // export-prefixed JSON line
    jline(f, ms, obj) { this.line(f, `${iso(ms)} ${JSON.stringify(obj)}`, ms, obj); }
    // the model: events in import order, times resolved
    events() {
        const out = [];
        const groups = [...this.groups].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        for (const g of groups) {
            const files = [...g.files].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
            for (const f of files) {
                const first = f.lines.find(l => l.own !== null);
                let last = first ? first.own : null;
                for (const l of f.lines) {
                    if (l.own !== null)
                        last = l.own;
                    out.push(Object.assign({
                        idx: out.length, ts: last, message: l.text, json: l.json,
                        logGroup: g.logGroup, logStream: f.stream,
                    }, l.sys));
                }
            }
        }
        return out;
    }
}

// ---- lambda ---------------------------------------------------------------

function genLambda(seed, base) {
    const k = new Kind('lambda', seed, base);
    const fns = [
        { id: 'orders-api', rt: 'node', mem: 128, n: 70 },
        { id: 'thumbnailer', rt: 'python', mem: 512, n: 50 },
        { id: 'checkout', rt: 'json', mem: 256, n: 40 },
    ];
    for (const fn of fns) {
        const g = k.group(fn.id, `/aws/lambda/${fn.id}`);
        let t = base + k.int(1000, 60000), streamNo = 0, f = null, used = 0, maxUsed = Math.floor(fn.mem * 0.3);
        for (let i = 0; i < fn.n; i++) {
            let cold = false;
            if (!f || used >= k.int(8, 20)) {
                f = k.file(g, `2026-env-${pad(++streamNo, 2)}`);
                used = 0;
                cold = true;
                maxUsed = Math.floor(fn.mem * (0.25 + 0.1 * k.r()));
            }
            used++;
            const id = k.uuid();
            t += k.int(20000, 240000);
            const start = t;
            const init = cold ? Math.round((100 + 400 * k.r()) * 100) / 100 : null;
            const u = k.r();
            const outcome = u < 0.08 ? 'timeout' : u < 0.16 ? 'error' : u < 0.2 ? 'crash' : 'ok';
            let dur = outcome === 'timeout' ? 6000 + Math.round(k.r() * 2000) / 100
                : Math.round((20 + Math.exp(3 + 2 * k.r())) * 100) / 100;
            const billed = Math.ceil(dur + (init || 0));
            maxUsed = Math.min(outcome === 'crash' && k.r() < 0.5 ? fn.mem : maxUsed + k.int(0, 3), fn.mem);
            const reportSys = {
                type: 'REPORT', requestId: id, duration: dur, billedDuration: billed,
                memorySize: fn.mem * 1000000, maxMemoryUsed: maxUsed * 1000000,
            };
            if (init !== null)
                reportSys.initDuration = init;
            if (fn.rt === 'json') {
                const js = (ms, o) => k.line(f, JSON.stringify(o), ms, o, { type: o.type });
                if (cold)
                    js(start - 300, { time: iso(start - 300), type: 'platform.initStart', record: { initializationType: 'on-demand', phase: 'init', runtimeVersion: 'nodejs:20.v27' } });
                const so = { time: iso(start), type: 'platform.start', record: { requestId: id, version: '$LATEST' } };
                k.line(f, JSON.stringify(so), start, so, { type: 'platform.start', requestId: id });
                const napp = k.int(1, 3);
                for (let a = 0; a < napp; a++) {
                    const ms = start + a * 7 + 3;
                    const level = outcome === 'error' && a === napp - 1 ? 'ERROR' : k.pick(['INFO', 'INFO', 'DEBUG', 'WARN']);
                    const msg = level === 'ERROR' ? 'Invoke Error TypeError: Cannot read properties of undefined' :
                        k.pick(['charging card', 'order stored', 'cart loaded', 'calling payments-service POST /charges']);
                    const o = { timestamp: iso(ms), level, requestId: id, message: msg };
                    k.line(f, JSON.stringify(o), ms, o, { requestId: id });
                }
                const end = start + Math.floor(dur);
                const rec = { requestId: id, metrics: { durationMs: dur, billedDurationMs: billed, memorySizeMB: fn.mem, maxMemoryUsedMB: maxUsed }, status: outcome === 'ok' ? 'success' : outcome };
                if (init !== null)
                    rec.metrics.initDurationMs = init;
                const ro = { time: iso(end), type: 'platform.report', record: rec };
                k.line(f, JSON.stringify(ro), end, ro, Object.assign({}, reportSys, { type: 'platform.report' }));
                t = end;
                continue;
            }
            const node = fn.rt === 'node';
            const app = (ms, level, msg) => {
                if (node)
                    k.line(f, `${iso(ms)}\t${id}\t${level}\t${msg}`, ms, null, { requestId: id });
                else
                    k.line(f, `[${level}]\t${iso(ms)}\t${id}\t${msg}`, ms, null, { requestId: id });
            };
            if (cold)
                k.line(f, `INIT_START Runtime Version: ${node ? 'nodejs:20.v27' : 'python:3.12.v30'}\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:${k.hex(16)}`, null, null, { type: 'INIT_START' });
            k.line(f, `START RequestId: ${id} Version: $LATEST`, null, null, { type: 'START', requestId: id });
            app(start + 2, 'INFO', `received event from ${k.pick(['sqs', 'apigateway'])} (${k.int(1, 25)} records)`);
            const napp = k.int(0, 3);
            for (let a = 0; a < napp; a++)
                app(start + 5 + a * 3, k.pick(['INFO', 'INFO', 'WARN', 'DEBUG']),
                    k.pick([`fetched ${k.int(1, 200)} items from table ${fn.id}-items in ${k.int(5, 90)} ms`,
                            'Rate Exceeded, retrying', `user ${k.int(1000, 9999)} authenticated via cognito`,
                            'cache miss for key config']));
            const end = start + Math.floor(dur);
            if (outcome === 'error')
                app(end - 1, 'ERROR', node ? `Invoke Error {"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')"}`
                    : `Exception: failed to resize image ${k.int(1, 9999)}.png`);
            if (outcome === 'crash')
                app(end - 1, 'ERROR', node ? 'Runtime.UnhandledPromiseRejection: Error: connection reset'
                    : 'Process exited before completing request');
            if (outcome === 'timeout')
                k.line(f, `${iso(start + 6000)}\t${id}\tTask timed out after 6.00 seconds`, start + 6000, null, { requestId: id });
            k.line(f, `END RequestId: ${id}`, null, null, { type: 'END', requestId: id });
            let rep = `REPORT RequestId: ${id}\tDuration: ${dur.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${fn.mem} MB\tMax Memory Used: ${maxUsed} MB`;
            if (init !== null)
                rep += `\tInit Duration: ${init.toFixed(2)} ms`;
            k.line(f, rep, null, null, reportSys);
            t = end;
        }
    }
    return k;
}

// ---- JSON application logs ----------------------------------------------------

function genJsonApp(seed, base) {
    const k = new Kind('json-app', seed, base);
    const services = ['orders', 'payments', 'catalog', 'users'];
    const endpoints = ['/orders', '/orders/{id}', '/payments', '/catalog/search', '/users/me', '/health'];
    const agents = ['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.5.0', 'okhttp/4.12.0', 'python-requests/2.31.0', 'Go-http-client/2.0'];
    const ips = ['10.0.1.12', '10.0.2.40', '192.0.2.17', '198.51.100.0', '203.0.113.9', '198.51.100.1'];
    // api: request, cache, queue, error records
    const api = k.group('api', '/aws/lambda/api');
    for (let s = 1; s <= 3; s++) {
        const f = k.file(api, `api-${s}`);
        let ms = base + s * 777;
        for (let i = 0; i < 260; i++) {
            ms += k.int(5000, 90000);
            const ts = iso(ms), svc = k.pick(services), u = k.r();
            let o;
            if (u < 0.55) {
                const ep = k.pick(endpoints), code = k.r() < 0.8 ? 200 : k.pick([201, 302, 400, 404, 429, 500, 503]);
                o = { timestamp: ts, level: code >= 500 ? 'ERROR' : code >= 400 ? 'WARN' : 'INFO', service: svc,
                      msg: 'request handled', httpMethod: k.pick(['GET', 'GET', 'POST', 'PUT', 'DELETE']), path: ep,
                      endpoint: ep, duration: k.int(3, 9000), statusCode: code, userId: `u-${k.int(1, 40)}`,
                      requestId: k.uuid(), sourceIp: k.pick(ips), userAgent: k.pick(agents) };
                if (k.r() < 0.1)
                    o.IPaddress = k.pick(ips);
                if (k.r() < 0.15) {
                    o.range = k.int(1000, 6000);
                    o.accountId = k.pick([123456789012, 111122223333]);
                }
            } else if (u < 0.7) {
                o = { timestamp: ts, level: 'DEBUG', service: svc, msg: 'cache lookup', cacheResult: k.pick(['hit', 'hit', 'miss']), key: `k${k.int(1, 99)}` };
            } else if (u < 0.82) {
                o = { timestamp: ts, level: 'INFO', service: svc, event: 'queue_status', queueName: k.pick(['orders-q', 'mail-q']), queueDepth: k.int(0, 500) };
            } else if (u < 0.92) {
                const et = k.pick(['ValidationError', 'TimeoutError', 'DatabaseException']);
                o = { timestamp: ts, level: 'ERROR', service: svc, endpoint: k.pick(endpoints),
                      msg: `${et}: ${k.pick(['missing field id', 'upstream took too long', 'deadlock detected'])}` };
            } else {
                o = { timestamp: ts, server: `web-${k.int(1, 4)}`, severity: k.pick(['INFO', 'WARN', 'ERROR']),
                      message: k.pick(['GC pause', 'connection pool grown', 'disk 80% full']) };
            }
            if (k.r() < 0.02)
                o.payload = 'x'.repeat(k.int(5100, 7000));
            if (k.r() < 0.05)
                o.accounts = [{ type: 'internal', id: k.int(1, 9) }, { type: k.pick(['internal', 'external']), id: k.int(10, 99) }];
            k.line(f, JSON.stringify(o), ms, o);
        }
    }
    // a worker logging {"level":"error","service":...,"msg":...} first (pino's order)
    const worker = k.group('worker', '/aws/lambda/worker');
    let fw = k.file(worker, 'worker-1'), mw = base + 2222;
    for (let i = 0; i < 80; i++) {
        mw += k.int(20000, 120000);
        const o = { level: k.pick(['info', 'error', 'error', 'warn']), service: k.pick(['mailer', 'billing']),
                    msg: k.pick(['send failed', 'retry scheduled', 'invoice rendered']), timestamp: iso(mw) };
        k.line(fw, JSON.stringify(o), mw, o);
    }
    // the dashboards' functions
    const ingest = k.group('dr2-ingest', '/aws/lambda/dr2-ingest');
    let f = k.file(ingest, 'ingest-1'), ms = base + 1234;
    for (let i = 0; i < 60; i++) {
        ms += k.int(20000, 120000);
        const o = { timestamp: iso(ms), level: k.pick(['INFO', 'INFO', 'ERROR']), message: k.pick(['file validated', 'batch stored', 'checksum mismatch']),
                    log: { logger: k.pick(['ingest.validate', 'ingest.store']) } };
        if (k.r() < 0.7) {
            o.batchRef = `TDR-2026-${pad(k.int(1, 30), 3)}`;
            o.fileReference = `Z${k.hex(6).toUpperCase()}`;
        }
        k.line(f, JSON.stringify(o), ms, o);
    }
    const donor = k.group('donor-search', '/aws/lambda/donor-search');
    f = k.file(donor, 'search-1');
    ms = base + 4321;
    for (let i = 0; i < 60; i++) {
        ms += k.int(20000, 120000);
        const o = k.r() < 0.6
            ? { timestamp: iso(ms), level: 'INFO', requestPostId: k.pick(['p-1', 'p-2', 'p-3', 'p-4', '']), msg: `checking targeted execution time for ${k.int(1, 9)} matches` }
            : { timestamp: iso(ms), level: 'INFO', msg: 'search done' };
        k.line(f, JSON.stringify(o), ms, o);
    }
    // log groups outside /aws/lambda (SOURCE namePrefix)
    const web = k.group('web', '/app-logs/web');
    f = k.file(web, 'web-1');
    ms = base + 999;
    for (let i = 0; i < 50; i++) {
        ms += k.int(20000, 200000);
        const o = { timestamp: iso(ms), level: k.pick(['INFO', 'ERROR']), status: k.pick([200, 200, 404, 500, 502]), evt: k.pick(['page_view', 'login_failed', 'render']), route: k.pick(['/', '/cart', '/login']), requestId: k.uuid() };
        k.line(f, JSON.stringify(o), ms, o);
    }
    // Go-log text lines: access logs, exceptions, warnings, parse samples
    const legacy = k.group('legacy', '/aws/lambda/legacy');
    f = k.file(legacy, 'legacy-1');
    ms = base + 555;
    for (let i = 0; i < 220; i++) {
        ms += k.int(10000, 90000);
        const t = goTime(ms), u = k.r();
        let text;
        if (u < 0.35)
            text = `${t} ACCESS_LOG ${k.int(5, 900)} ${k.int(100, 9000)} ${k.pick([200, 200, 204, 400, 401, 404, 500])} ${k.pick(ips)} r-${k.hex(6)} ${k.pick(['GET', 'POST'])} ${k.pick(['/api/items', '/api/cart', '/health-check', '/api/users'])}`;
        else if (u < 0.45)
            text = `${t} a b c d e f g r-${k.hex(6)} REST_CLIENT_ACCESS_LOG ${k.int(20, 2000)} ${k.pick([200, 500])} GET /upstream/${k.pick(['rates', 'stock'])}`;
        else if (u < 0.55)
            text = `${t} ERROR ${k.pick(['java.lang.NullPointerException', 'java.io.IOException'])} in ${k.pick(['OrderService', 'StockService'])}`;
        else if (u < 0.62)
            text = `${t} WARNING disk usage at ${k.int(70, 95)}%`;
        else if (u < 0.72)
            text = `${t} user=${k.pick(['alice', 'bob', 'carol'])}, method:${k.pick(['GET', 'POST'])}, latency := ${k.int(5, 500)}`;
        else if (u < 0.8)
            text = `${t} [${k.pick(['ERROR', 'INFO', 'DEBUG'])}] ${k.pick(['cache warmed', 'job failed', 'job done'])}`;
        else if (u < 0.86)
            text = `${t} ERROR handler Model response for risk ${k.uuid()} was empty`;
        else if (u < 0.92)
            text = `${t} GET /spip.php?page=${k.int(1, 9)} from ${k.pick(ips)}`;
        else
            text = `${t} ERROR - ${k.pick(['render', 'merge'])} ${k.pick(['timeout', 'missing_template'])} document_templates": [${k.pick(['"a","b"', '"c"'])}] matched_templates": [${k.pick(['"a"', '""'])}]`;
        k.line(f, text, Math.floor(ms / 1000) * 1000, null);  /* Go's log prints whole seconds */
    }
    return k;
}

// ---- API Gateway ----------------------------------------------------------------

function genApigw(seed, base) {
    const k = new Kind('apigw', seed, base);
    const ips = ['192.0.2.10', '192.0.2.11', '198.51.100.7', '203.0.113.40', '203.0.113.41', '10.1.1.1'];
    const paths = ['/prod/orders', '/prod/orders/42', '/prod/users', '/prod/login', '/prod/health'];
    const keys = ['key-alpha', 'key-beta', 'key-gamma', '-'];
    const acc = k.group('access', 'API-Gateway-Access-Logs_a1b2c3/prod');
    for (let s = 1; s <= 2; s++) {
        const f = k.file(acc, `stream-${s}`);
        let ms = base + s * 313;
        for (let i = 0; i < 300; i++) {
            ms += k.int(3000, 70000);
            const status = k.r() < 0.7 ? 200 : k.pick([201, 400, 401, 403, 404, 429, 500, 502]);
            const integ = k.int(5, 800);
            const o = { requestId: k.uuid(), ip: k.pick(ips), requestTime: '', httpMethod: k.pick(['GET', 'GET', 'POST']),
                        path: k.pick(paths), status: String(status), protocol: 'HTTP/1.1', responseLength: String(k.int(10, 9000)),
                        integrationLatency: String(integ), responseLatency: String(integ + k.int(1, 40)), apiKey: k.pick(keys) };
            const d = new Date(ms);
            o.requestTime = `${pad(d.getUTCDate(), 2)}/Nov/${d.getUTCFullYear()}:${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} +0000`;
            if (status >= 500 && k.r() < 0.5)
                o.integrationError = 'Lambda.Unknown';
            else
                o.integrationError = '-';
            k.jline(f, ms, o);
        }
    }
    const exec = k.group('exec', 'API-Gateway-Execution-Logs_a1b2c3/prod');
    const f = k.file(exec, 'exec-1');
    let ms = base + 42;
    for (let i = 0; i < 120; i++) {
        ms += k.int(20000, 90000);
        const id = k.uuid();
        k.line(f, `${iso(ms)} (${id}) Received response. Status: 200, Integration latency: ${k.int(5, 900)} ms`, ms);
        k.line(f, `${iso(ms + 1)} (${id}) Method completed with status: ${k.pick([200, 200, 502])}`, ms + 1);
    }
    return k;
}

// ---- CloudTrail -------------------------------------------------------------------

function genCloudtrail(seed, base) {
    const k = new Kind('cloudtrail', seed, base);
    const events = [
        ['iam.amazonaws.com', 'CreateUser'], ['iam.amazonaws.com', 'DeleteUser'], ['ec2.amazonaws.com', 'StartInstances'],
        ['ec2.amazonaws.com', 'StopInstances'], ['ec2.amazonaws.com', 'DescribeInstances'], ['s3.amazonaws.com', 'PutObject'],
        ['s3.amazonaws.com', 'GetObject'], ['cloudtrail.amazonaws.com', 'UpdateTrail'], ['sts.amazonaws.com', 'AssumeRole'],
    ];
    const regions = ['us-east-1', 'us-east-2', 'eu-west-1'];
    const g = k.group('trail', 'aws-cloudtrail-logs-111122223333');
    const f = k.file(g, '111122223333_CloudTrail_us-east-1');
    let ms = base + 77;
    const record = (src, name) => {
        const o = {
            eventVersion: '1.09', eventTime: iso(ms), eventSource: src, eventName: name, awsRegion: k.pick(regions),
            sourceIPAddress: k.pick(['192.0.2.1', '198.51.100.2']), userAgent: k.pick(['aws-cli/2.15.0', 'console.amazonaws.com', 'Boto3/1.34.0']),
            userIdentity: { type: 'AssumedRole', accountId: k.pick(['111111111111', '111122223333']),
                            arn: k.pick(['arn:aws:sts::111111111111:assumed-role/myrole-unauth/CognitoIdentityCredentials', 'arn:aws:iam::111122223333:user/admin']) },
            recipientAccountId: '111122223333', eventType: 'AwsApiCall', managementEvent: true, readOnly: name.startsWith('Describe') || name.startsWith('Get'),
            tlsDetails: { tlsVersion: k.pick(['TLSv1.2', 'TLSv1.2', 'TLSv1.3', 'TLSv1', 'TLSv1.1']), cipherSuite: k.pick(['ECDHE-RSA-AES128-GCM-SHA256', 'AES128-SHA']) },
        };
        if (name === 'CreateUser' || name === 'DeleteUser')
            o.requestParameters = { userName: k.pick(['ann', 'bob', 'cid']) };
        if (name === 'CreateUser')
            o.responseElements = { user: { userName: o.requestParameters.userName, arn: `arn:aws:iam::111122223333:user/${o.requestParameters.userName}` } };
        if (src === 's3.amazonaws.com')
            o.requestParameters = { bucketName: k.pick(['logs-bucket', 'assets-bucket']), key: `k/${k.int(1, 99)}` };
        if (k.r() < 0.1) {
            o.errorCode = k.pick(['AccessDenied', 'ThrottlingException']);
            o.errorMessage = o.errorCode === 'AccessDenied' ? 'User is not authorized' : 'Rate exceeded';
        }
        return o;
    };
    for (let i = 0; i < 320; i++) {
        ms += k.int(5000, 60000);
        const [src, name] = k.pick(events);
        k.jline(f, ms, record(src, name));
    }
    // CloudTrail events delivered by EventBridge
    const eb = k.group('trail-events', '/aws/events/cloudtrail');
    const f2 = k.file(eb, 'rule-1');
    ms = base + 99;
    for (let i = 0; i < 120; i++) {
        ms += k.int(40000, 130000);
        const [src, name] = k.pick(events);
        const o = { version: '0', id: k.uuid(), 'detail-type': 'AWS API Call via CloudTrail', source: `aws.${src.split('.')[0]}`,
                    account: '111122223333', time: iso(ms), region: 'us-east-1', resources: [], detail: record(src, name) };
        k.jline(f2, ms, o);
    }
    return k;
}

// ---- other AWS services ------------------------------------------------------------

function genOther(seed, base) {
    const k = new Kind('other', seed, base);
    let ms;
    // EventBridge
    const bus = k.group('bus', '/aws/events/orders-bus');
    let f = k.file(bus, 'bus-1');
    ms = base + 10;
    for (let i = 0; i < 150; i++) {
        ms += k.int(10000, 100000);
        const src = k.pick(['com.shop.orders', 'com.shop.payments', 'aws.s3']);
        const o = { version: '0', id: k.uuid(), 'detail-type': k.pick(['OrderPlaced', 'PaymentSettled', 'Object Created']), source: src,
                    account: '111122223333', time: iso(ms), region: 'us-east-1', resources: [],
                    detail: { orderId: `o-${k.int(1, 999)}`, amount: k.int(1, 500), items: [{ sku: 'a' }, { sku: 'b' }] } };
        if (i % 7 === 3)
            delete o['detail-type'];
        k.jline(f, ms, o);
    }
    // WAF: bursts of requests from one client (an address is in one country)
    const waf = k.group('waf', 'aws-waf-logs-web');
    f = k.file(waf, 'waf-1');
    ms = base + 20;
    const clients = [['192.0.2.5', 'US'], ['192.0.2.6', 'US'], ['198.51.100.9', 'DE'], ['203.0.113.77', 'FR'], ['203.0.113.78', 'BR']];
    for (let burst = 0; burst < 30; burst++) {
        ms += k.int(120000, 600000);
        const [ip, country] = k.pick(clients), n = k.int(6, 15);
        for (let i = 0; i < n; i++) {
            ms += k.int(500, 3000);
            const blocked = k.r() < 0.3;
            const o = { timestamp: ms, formatVersion: 1, webaclId: 'arn:aws:wafv2:us-east-1:111122223333:regional/webacl/web/1', terminatingRuleId: blocked ? 'RateLimit' : 'Default_Action',
                        action: blocked ? 'BLOCK' : 'ALLOW',
                        httpRequest: { clientIp: ip, country, uri: k.pick(['/', '/login']), httpMethod: 'GET', status: blocked ? 403 : 200 } };
            k.jline(f, ms, o);
        }
    }
    // AppSync
    const as = k.group('appsync', '/aws/appsync/apis/abcd1234');
    f = k.file(as, 'appsync-1');
    ms = base + 30;
    for (let i = 0; i < 200; i++) {
        ms += k.int(3000, 50000);
        const u = k.r();
        let o;
        if (u < 0.3)
            o = { logType: 'RequestSummary', requestId: k.uuid(), graphQLAPIId: 'abcd1234', statusCode: k.pick([200, 200, 400, 500]), latency: k.int(5, 900) };
        else if (u < 0.8)
            o = { logType: 'Tracing', requestId: k.uuid(), graphQLAPIId: 'abcd1234', resolverArn: `arn:aws:appsync:us-east-1:111122223333:apis/abcd1234/types/${k.pick(['Query', 'Mutation'])}/resolvers/${k.pick(['getOrder', 'listOrders', 'addOrder'])}`,
                  duration: k.int(1000, 900000000), parentType: k.pick(['Query', 'Mutation']), fieldName: k.pick(['getOrder', 'listOrders', 'addOrder']) };
        else
            o = { logType: k.pick(['RequestMapping', 'ResponseMapping']), requestId: k.uuid(), graphQLAPIId: 'abcd1234', fieldInError: k.r() < 0.5,
                  resolverArn: `arn:aws:appsync:us-east-1:111122223333:apis/abcd1234/types/Query/resolvers/${k.pick(['getOrder', 'listOrders'])}` };
        k.jline(f, ms, o);
    }
    // IoT
    const iot = k.group('iot', 'AWSIotLogsV2');
    f = k.file(iot, 'iot-1');
    ms = base + 40;
    for (let i = 0; i < 160; i++) {
        ms += k.int(5000, 60000);
        const et = k.pick(['Connect', 'Disconnect', 'Publish-In', 'Subscribe']);
        const o = { timestamp: iso(ms).replace('T', ' ').replace('Z', ''), logLevel: 'INFO', traceId: k.uuid(), accountId: '111122223333',
                    status: k.pick(['Success', 'Success', 'Failure']), eventType: et, protocol: 'MQTT', clientId: `sampleClientID-${k.int(1, 5)}`,
                    principalId: k.hex(16), sourceIp: '192.0.2.44', sourcePort: k.int(1024, 65000) };
        if (et === 'Disconnect')
            o.disconnectReason = k.pick(['CLIENT_INITIATED_DISCONNECT', 'DUPLICATE_CLIENTID', 'MQTT_KEEP_ALIVE_TIMEOUT']);
        if (et === 'Publish-In')
            o.topicName = k.pick(['your/topic/here', 'devices/telemetry']);
        if (o.status === 'Failure')
            o.reason = 'AUTHORIZATION_FAILURE';
        k.jline(f, ms, o);
    }
    // RUM
    const rum = k.group('rum', '/aws/vendedlogs/RUMService_shop');
    f = k.file(rum, 'rum-1');
    ms = base + 50;
    for (let i = 0; i < 200; i++) {
        ms += k.int(3000, 50000);
        const et = k.pick(['com.amazon.rum.performance_navigation_event', 'com.amazon.rum.largest_contentful_paint_event',
                           'com.amazon.rum.first_input_delay_event', 'com.amazon.rum.cumulative_layout_shift_event',
                           'com.amazon.rum.interaction_to_next_paint_event']);
        const o = { event_timestamp: ms, event_type: et, event_id: k.uuid(), metadata: { pageId: k.pick(['/', '/cart', '/checkout']), browserName: 'Chrome' },
                    event_details: et.endsWith('navigation_event') ? { duration: k.int(200, 6000) } : { value: Math.round(k.r() * 4000) / 10 } };
        k.jline(f, ms, o);
    }
    // OpenTelemetry spans of a mobile app
    const otel = k.group('otel', '/aws/otel/mobile');
    f = k.file(otel, 'otel-1');
    ms = base + 60;
    for (let i = 0; i < 120; i++) {
        ms += k.int(5000, 80000);
        const hang = k.r() < 0.5;
        const o = { name: hang ? 'app.hang' : 'screen.load', scope: { name: hang ? 'software.amazon.opentelemetry.hang' : 'software.amazon.opentelemetry.ui' },
                    durationNano: k.int(200, 9000) * 1000000,
                    attributes: { session: { id: `s-${k.int(1, 20)}` }, screen: { name: k.pick(['Home', 'Cart']) } } };
        if (hang)
            o.attributes.exception = { type: 'ANR', message: k.pick(['main thread blocked', 'deadlock in db']), stacktrace: 'at app.Main' };
        k.jline(f, ms, o);
    }
    // AWS Backup job lines
    const bk = k.group('backup', '/aws/backup/jobs');
    f = k.file(bk, 'backup-1');
    ms = base + 70;
    for (let i = 0; i < 60; i++) {
        ms += k.int(30000, 170000);
        k.line(f, `${iso(ms)} Backup job ${k.hex(8)} Status: ${k.pick(['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'])}, Resource Type: ${k.pick(['EBS', 'RDS', 'DynamoDB'])}, Vault: default`, ms);
    }
    return k;
}

function genVpc(seed, base) {
    const k = new Kind('vpc', seed, base);
    const g = k.group('flow', '/vpc/flow-logs');
    const f = k.file(g, 'eni-0a1b2c3d-all');
    let ms = base + 5;
    for (let i = 0; i < 120; i++) {
        ms += k.int(5000, 80000);
        const s = Math.floor(ms / 1000);
        k.line(f, `${iso(ms)} 2 111122223333 eni-0a1b2c3d ${k.pick(['192.0.2.10', '10.0.0.5'])} ${k.pick(['198.51.100.1', '10.0.0.9'])} ${k.int(1024, 65000)} 443 ${k.pick([6, 17])} ${k.int(1, 90)} ${k.int(100, 90000)} ${s} ${s + 60} ${k.pick(['ACCEPT', 'REJECT'])} ${k.pick(['OK', 'OK', 'SKIPDATA'])}`, ms);
    }
    return k;
}

const generators = { lambda: genLambda, 'json-app': genJsonApp, apigw: genApigw, cloudtrail: genCloudtrail, other: genOther, vpc: genVpc };

// All kinds for a seed and a base time (epoch ms, on an hour).
function generate(seed, base) {
    const out = {};
    let s = seed;
    for (const [name, gen] of Object.entries(generators))
        out[name] = gen(s++, base);
    return out;
}

module.exports = { generate, iso };
