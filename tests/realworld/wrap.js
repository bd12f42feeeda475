// tests/realworld/wrap.js — the same Lambda lines as each tool would hand
// them to a user, to check that obsagent reads every wrapper as the lines
// inside it: writes FILE wrapped in FORMAT, each line at time BASE + k*7 ms
// (one CloudWatch event per line), with the stream name STREAM.
//   node wrap.js FORMAT FILE BASE_MS STREAM > wrapped
// Formats (what the tool prints, from its documentation and real output):
//   sam-logs   "<stream> <YYYY-MM-DDTHH:MM:SS.ffffff> <line>"        (sam logs)
//   console    "<ISO time+02:00>\t<line>"                             (CloudWatch console copy)
//   console-table "<ISO time+02:00> | <line>", later rows "  | <ISO time+02:00> | <line>"
//                                                                      (the console's table copied as text)
//   tail       "<ISO time>Z <line>"                                   (aws logs tail --format short, S3 export)
//   tail-long  "<YYYY-MM-DDTHH:MM:SS.ffffff+00:00> <stream> <line>"   (aws logs tail's default)
//   docker     "<ISO time with 9 decimals>Z <line>"                   (docker logs -t)
//   console-expanded  the console's expanded view copied, per event: "<ISO time-05:00>" alone,
//              the message (a JSON object pretty-printed, indent 4), an empty line, then
//              "Copy" and the message on one line (TABs and line ends as spaces) and an
//              empty line, or for JSON the message as written          (CloudWatch console)
//   clock      "<HH:MM:SS> <line>", an event's second line (the XRAY line of a REPORT)
//              without it                                         (a viewer printing the time of day)
//   sam-logs-json  sam-logs, a line that is a JSON object pretty-printed after the
//              prefix, indent 2                                       (sam logs: samcli CWJsonFormatter)
//   tail-json  "<ISO time+00:00> <stream> ", then a line that is JSON pretty-printed
//              on the lines after it, indent 4; other lines as tail-long
//                                                                      (aws logs tail --format json)
// and documents, each line one event of the stream (but an XRAY line, part of
// the REPORT event before it), in the function FN:
//   events-json    {"events": [{logStreamName, timestamp, message, ingestionTime, eventId}],
//                  "searchedLogStreams": [...]}, in pages of 5 saved one after the
//                  other                                               (aws logs filter-log-events)
//   events-lines   one FilteredLogEvent a line, keys as the API gives them, in json.dumps'
//                  spacing                                             (sam logs --output json)
//   insights-json  [{"@timestamp": "YYYY-MM-DD HH:MM:SS.mmm", "@message", "@logStream",
//                  "@log": "account:group"}], newest first             (Logs Insights export)
//   query-results  {"results": [[{"field", "value"}, ...]], "statistics", "status"}
//                                                                      (aws logs get-query-results)
//   insights-csv   the same table as RFC 4180 CSV, CRLF line ends      (Logs Insights export)
//   subscription   gzip members of {"messageType": "DATA_MESSAGE", ..., "logEvents"} envelopes
//                  of 4 events each, concatenated, a CONTROL_MESSAGE first (Firehose to S3)
//   export-gz      the tail format, gzipped                           (CloudWatch export to S3)
//   node wrap.js FORMAT FILE BASE_MS STREAM [FN] > wrapped
'use strict';
const fs = require('fs');
const zlib = require('zlib');

const [format, file, baseArg, stream, fn = 'f'] = process.argv.slice(2);
const group = `/aws/lambda/${fn}`;
const base = Number(baseArg);
const lines = fs.readFileSync(file, 'utf8').split('\n');
if (lines[lines.length - 1] === '')
    lines.pop();

const pad = (n, w) => String(n).padStart(w, '0');
function parts(ms) {
    const d = new Date(ms);
    return {
        date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`,
        hms: `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`,
        ms: pad(d.getUTCMilliseconds(), 3),
    };
}
function offset(ms, minutes) {   // the same instant written in another zone
    const p = parts(ms + minutes * 60000);
    const sign = minutes < 0 ? '-' : '+', m = Math.abs(minutes);
    return `${p.date}T${p.hms}.${p.ms}${sign}${pad(Math.floor(m / 60), 2)}:${pad(m % 60, 2)}`;
}

// the events: [time, message as CloudWatch holds it (Lambda's final newline)];
// a REPORT and the XRAY line after it are one event in CloudWatch
const events = [];
lines.forEach((line, k) => {
    const last = events[events.length - 1];
    if (line.startsWith('XRAY TraceId:') && last && last[1].startsWith('REPORT RequestId:'))
        last[1] += line + '\n';
    else if (line.trim() !== '')
        events.push([base + k * 7, line + '\n']);
});
const insightsTime = (t) => { const p = parts(t); return `${p.date} ${p.hms}.${p.ms}`; };
const csvField = (v) => /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
const chunks = (a, n) => Array.from({ length: Math.ceil(a.length / n) }, (_, i) => a.slice(i * n, i * n + n));
const documents = {
    'events-json': () => chunks(events, 5).map((page, i) => JSON.stringify({
        events: page.map(([t, m], k) => ({ logStreamName: stream, timestamp: t, message: m,
                                          ingestionTime: t + 250, eventId: `${t}${i}${k}` })),
        searchedLogStreams: [{ logStreamName: stream, searchedCompletely: true }],
        nextToken: `token-${i}`,
    }, null, 4)).join('\n'),
    // Python's json.dumps: ", " between members, ": " after a name
    'events-lines': () => events.map(([t, m], k) => '{' + Object.entries({
        logStreamName: stream, timestamp: t, message: m, ingestionTime: t + 250, eventId: `${t}${k}`,
    }).map(([name, v]) => `${JSON.stringify(name)}: ${JSON.stringify(v)}`).join(', ') + '}\n').join(''),
    'insights-json': () => JSON.stringify(events.slice().reverse().map(([t, m]) => ({
        '@timestamp': insightsTime(t), '@message': m, '@logStream': stream, '@log': `123456789012:${group}`,
    })), null, 2),
    'query-results': () => JSON.stringify({
        results: events.map(([t, m]) => [
            { field: '@timestamp', value: insightsTime(t) }, { field: '@message', value: m },
            { field: '@logStream', value: stream }, { field: '@ptr', value: 'CmAKJwojMTIzNDU2Nzg5MDEy' },
        ]),
        statistics: { recordsMatched: events.length, recordsScanned: events.length, bytesScanned: 1000 },
        status: 'Complete',
    }, null, 4),
    'insights-csv': () => ['@timestamp,@message,@logStream,@log']
        .concat(events.map(([t, m]) => [insightsTime(t), m, stream, `123456789012:${group}`].map(csvField).join(',')))
        .join('\r\n') + '\r\n',
    'subscription': () => Buffer.concat([
        { messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '',
          subscriptionFilters: [], logEvents: [{ id: '', timestamp: base,
          message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] },
    ].concat(chunks(events, 4).map((c, i) => ({
        messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: group, logStream: stream,
        subscriptionFilters: ['to-firehose'],
        logEvents: c.map(([t, m], k) => ({ id: `${t}${i}${k}`, timestamp: t, message: m.slice(0, -1) })),
    }))).map((e) => zlib.gzipSync(JSON.stringify(e)))),
    'export-gz': () => zlib.gzipSync(events.map(([t, m]) => {
        const p = parts(t);
        return `${p.date}T${p.hms}.${p.ms}Z ${m}`;
    }).join('')),
};
if (documents[format]) {
    process.stdout.write(documents[format]());
    process.exit(0);
}

// json.dumps(json.loads(text), indent=n) as Python prints it, but the literals
// kept as written (numbers, escapes): JSON text re-indented, or null when
// the text is not JSON
function pretty(text, n) {
    try {
        JSON.parse(text);
    } catch (e) {
        return null;
    }
    let o = '', depth = 0;
    const nl = () => '\n' + ' '.repeat(n * depth);
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
            let j = i + 1;
            while (text[j] !== '"')
                j += text[j] === '\\' ? 2 : 1;
            o += text.slice(i, j + 1);
            i = j;
        } else if (c === '{' || c === '[') {
            const close = c === '{' ? '}' : ']';
            let j = i + 1;
            while (/\s/.test(text[j]))
                j++;
            if (text[j] === close) {
                o += c + close;
                i = j;
            } else {
                depth++;
                o += c + nl();
            }
        } else if (c === '}' || c === ']') {
            depth--;
            o += nl() + c;
        } else if (c === ',') {
            o += ',' + nl();
        } else if (c === ':') {
            o += ': ';
        } else if (!/\s/.test(c)) {
            o += c;
        }
    }
    return o;
}

if (format === 'console-expanded') {
    const o = [];
    for (const [t, m] of events) {
        const msg = m.slice(0, -1), j = msg.startsWith('{') ? pretty(msg, 4) : null;
        o.push(offset(t, -300));
        if (j !== null)
            o.push(j, '', msg);
        else
            o.push(msg, '', 'Copy', msg.replace(/[\t\n]/g, ' '), '');
    }
    process.stdout.write(o.join('\n') + '\n');
    process.exit(0);
}

const out = [];
lines.forEach((line, k) => {
    if (line.trim() === '')
        return;   // CloudWatch has no empty events
    const t = base + k * 7, p = parts(t);
    switch (format) {
    case 'sam-logs': out.push(`${stream} ${p.date}T${p.hms}.${p.ms}000 ${line}`); break;
    case 'console': out.push(`${offset(t, 120)}\t${line}`); break;
    case 'console-table': out.push(`${out.length ? '  | ' : ''}${offset(t, 120)} | ${line}`); break;
    case 'tail': out.push(`${p.date}T${p.hms}.${p.ms}Z ${line}`); break;
    case 'tail-long': out.push(`${p.date}T${p.hms}.${p.ms}000+00:00 ${stream} ${line}`); break;
    case 'docker': out.push(`${p.date}T${p.hms}.${p.ms}123456Z ${line}`); break;
    case 'clock': {   // the time before an event's first line only
        const second = line.startsWith('XRAY TraceId:') && k > 0 && lines[k - 1].startsWith('REPORT RequestId:');
        out.push(second ? line : `${p.hms} ${line}`);
        break;
    }
    case 'sam-logs-json': {   // isoformat(): no fraction when the microseconds are 0
        const j = line.startsWith('{') ? pretty(line, 2) : null, frac = p.ms === '000' ? '' : `.${p.ms}000`;
        out.push(`${stream} ${p.date}T${p.hms}${frac} ${j === null ? line : j}`);
        break;
    }
    case 'tail-json': {   // isoformat(): no fraction when the microseconds are 0
        const j = pretty(line, 4), frac = p.ms === '000' ? '' : `.${p.ms}000`;
        out.push(`${p.date}T${p.hms}${frac}+00:00 ${stream} ${j === null ? line : '\n' + j}`);
        break;
    }
    default: console.error(`wrap.js: unknown format ${format}`); process.exit(2);
    }
});
process.stdout.write(out.join('\n') + '\n');
