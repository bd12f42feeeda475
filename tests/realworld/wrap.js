// tests/realworld/wrap.js — the same Lambda lines as each tool would hand
// them to a user, to check that obsagent reads every wrapper as the lines
// inside it: writes FILE wrapped in FORMAT, each line at time BASE + k*7 ms
// (one CloudWatch event per line), with the stream name STREAM.
//   node wrap.js FORMAT FILE BASE_MS STREAM > wrapped
// Formats (what the tool prints, from its documentation and real output):
//   sam-logs   "<stream> <YYYY-MM-DDTHH:MM:SS.ffffff> <line>"        (sam logs)
//   console    "<ISO time+02:00>\t<line>"                             (CloudWatch console copy)
//   tail       "<ISO time>Z <line>"                                   (aws logs tail --format short, S3 export)
//   tail-long  "<YYYY-MM-DDTHH:MM:SS.ffffff+00:00> <stream> <line>"   (aws logs tail's default)
//   docker     "<ISO time with 9 decimals>Z <line>"                   (docker logs -t)
'use strict';
const fs = require('fs');

const [format, file, baseArg, stream] = process.argv.slice(2);
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

const out = [];
lines.forEach((line, k) => {
    if (line.trim() === '')
        return;   // CloudWatch has no empty events
    const t = base + k * 7, p = parts(t);
    switch (format) {
    case 'sam-logs': out.push(`${stream} ${p.date}T${p.hms}.${p.ms}000 ${line}`); break;
    case 'console': out.push(`${offset(t, 120)}\t${line}`); break;
    case 'tail': out.push(`${p.date}T${p.hms}.${p.ms}Z ${line}`); break;
    case 'tail-long': out.push(`${p.date}T${p.hms}.${p.ms}000+00:00 ${stream} ${line}`); break;
    case 'docker': out.push(`${p.date}T${p.hms}.${p.ms}123456Z ${line}`); break;
    default: console.error(`wrap.js: unknown format ${format}`); process.exit(2);
    }
});
process.stdout.write(out.join('\n') + '\n');
