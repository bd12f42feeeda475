// tests/e2e/browser_probe.js — open obs reports in a real browser (Debian's
// chromium, headless, started once for all of them and driven over its
// DevTools pipe, no library) and check what it rendered: the page loads
// with nothing fetched but itself, every chart is drawn, and every point of
// every chart (polyline vertices and bars, read back from the rendered SVG
// through its own gridlines) equals the number in the report's Markdown
// table the chart names; a limit line stands at the limit; every table's
// every cell, as rendered, is the Markdown's. Keeps a full-page screenshot
// of each.
//   node browser_probe.js PAGE.html REPORT.md SHOT.png [PAGE.html REPORT.md SHOT.png ...]
// Prints "ok WHAT" / "FAIL WHAT: ..." lines; exits 0.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { tables, num } = require('./md_tables.js');

const jobs = [];
for (let i = 2; i + 2 < process.argv.length; i += 3)
    jobs.push({ html: path.resolve(process.argv[i]), md: process.argv[i + 1], shot: process.argv[i + 2] });

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'obs-chromium-'));
const chromium = spawn(process.env.CHROMIUM || 'chromium', ['--headless', '--no-sandbox', '--disable-gpu',
    '--remote-debugging-pipe', `--user-data-dir=${profile}`, '--no-first-run', '--hide-scrollbars',
    '--disable-background-networking', '--window-size=1280,900', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let stderr = '';
chromium.stderr.on('data', d => { stderr += d; });

let nextId = 1, inbuf = '';
const pending = new Map(), waiters = [];
chromium.stdio[4].on('data', d => {
    inbuf += d;
    let z;
    while ((z = inbuf.indexOf('\0')) >= 0) {
        const msg = JSON.parse(inbuf.slice(0, z));
        inbuf = inbuf.slice(z + 1);
        if (msg.id && pending.has(msg.id)) {
            const { ok, fail } = pending.get(msg.id);
            pending.delete(msg.id);
            if (msg.error) fail(new Error(JSON.stringify(msg.error))); else ok(msg.result);
        } else {
            for (const w of waiters.slice()) w(msg);
        }
    }
});
function send(method, params, sessionId) {
    const id = nextId++;
    const msg = { id, method, params: params || {} };
    if (sessionId) msg.sessionId = sessionId;
    chromium.stdio[3].write(JSON.stringify(msg) + '\0');
    return new Promise((ok, fail) => pending.set(id, { ok, fail }));
}
function event(name, sessionId, ms) {
    return new Promise((ok, fail) => {
        const timer = setTimeout(() => fail(new Error('no ' + name)), ms);
        const w = msg => {
            if (msg.method === name && msg.sessionId === sessionId) {
                clearTimeout(timer);
                waiters.splice(waiters.indexOf(w), 1);
                ok(msg.params);
            }
        };
        waiters.push(w);
    });
}

// Runs in the page: every chart's points as values, from the rendered SVG.
const PROBE = `(() => {
  const charts = [];
  for (const svg of document.querySelectorAll('svg[data-table]')) {
    const grid = [...svg.querySelectorAll('line.grid')].map(l => ({ v: Number(l.dataset.v.replace(/,/g, '')), b: l.getBBox() }));
    const g0 = grid.find(g => g.v === 0), gt = grid.reduce((a, g) => (g.v > a.v ? g : a));
    const nb = Number(svg.dataset.buckets), x0 = g0.b.x, w = g0.b.width, px = g0.b.y - gt.b.y;
    const value = y => gt.v * (g0.b.y - y) / px;
    const index = x => Math.round((x - x0) / (w / nb) - 0.5);
    const series = {};
    for (const pl of svg.querySelectorAll('polyline')) {
      const s = series[pl.dataset.col] = series[pl.dataset.col] || { bars: false, points: [] };
      for (let k = 0; k < pl.points.numberOfItems; k++) {
        const p = pl.points.getItem(k);
        s.points.push([index(p.x), value(p.y)]);
      }
    }
    for (const r of svg.querySelectorAll('rect.bar')) {
      const b = r.getBBox();
      const s = series[r.dataset.col] = series[r.dataset.col] || { bars: true, points: [] };
      s.points.push([index(b.x + b.width / 2), gt.v * b.height / px]);
    }
    const lim = svg.querySelector('line.limit');
    const box = svg.getBoundingClientRect();
    charts.push({ table: svg.dataset.table, nb, vmax: gt.v, px, series, limit: lim ? value(lim.getBBox().y) : null,
      drawn: box.width > 100 && box.height > 100 });
  }
  const cells = [...document.querySelectorAll('table')].map(t =>
    [...t.querySelectorAll('tr')].map(tr => [...tr.children].map(c => c.textContent.replace(/\\s+/g, ' ').trim())));
  return JSON.stringify({ charts, title: document.title, tables: cells.length, cells,
    height: Math.ceil(document.documentElement.scrollHeight) });
})()`;

function say(ok, what, detail) {
    console.log(`${ok ? 'ok' : 'FAIL'} ${what}${ok ? '' : ': ' + detail}`);
}

function check(job, page) {
    const md = tables(fs.readFileSync(job.md, 'utf8'));
    const name = path.basename(job.html);
    say(page.charts.length >= 6, `${name}: the charts are drawn`, `${page.charts.length} charts`);
    say(page.charts.every(c => c.drawn), `${name}: every chart has a size on the page`, 'one is empty');
    let points = 0, limits = 0;
    const bad = [];
    for (const c of page.charts) {
        const tol = c.vmax / c.px * 0.011 + 1e-9;   // coordinates have 2 decimals
        for (const [col, s] of Object.entries(c.series)) {
            const base = / \(baseline\)$/.test(col);
            const head = col.replace(/ \(baseline\)$/, '');
            const tab = md.find(t => t.title === c.table + (base ? ' (baseline)' : ''));
            if (!tab) { bad.push(`${c.table}: no such table in the Markdown`); continue; }
            const ci = tab.head.indexOf(head);
            if (ci < 0) { bad.push(`${c.table}: no column ${head}`); continue; }
            const seen = new Set();
            for (const [i, v] of s.points) {
                points++;
                seen.add(i);
                const row = tab.rows[i];
                const want = row ? num(row[ci]) : undefined;
                if (want === null || want === undefined || Math.abs(want - v) > tol)
                    bad.push(`${c.table} / ${col} / bucket ${i}: chart ${v.toFixed(4)}, table '${row ? row[ci] : 'no row'}'`);
            }
            // every number of the table is on the chart (a bar of 0 is not drawn)
            tab.rows.slice(0, c.nb).forEach((row, i) => {
                const v = num(row[ci]);
                if (v !== null && !(s.bars && v === 0) && !seen.has(i))
                    bad.push(`${c.table} / ${col} / bucket ${i}: '${row[ci]}' is not on the chart`);
            });
        }
        // a limit line stands at the function's limit (the account's for
        // all functions) as the Markdown's concurrency table gives it
        if (c.limit !== null) {
            limits++;
            const fn = c.table.replace(/^Over time: /, '');
            const conc = md.find(t => t.title === 'Concurrency and limits');
            const row = conc && conc.rows.find(r => r[0] === fn);
            const want = row ? num(row[conc.head.indexOf('limit')].replace(/ \(account\)$/, '')) : null;
            if (want === null || Math.abs(want - c.limit) > tol)
                bad.push(`${c.table}: limit line at ${c.limit.toFixed(4)}, the table's limit '${row ? row[conc.head.indexOf('limit')] : 'none'}'`);
        }
    }
    say(!bad.length, `${name}: ${points} chart points and ${limits} limit lines equal the Markdown's numbers`,
        bad.slice(0, 10).join('; '));
    // the page's tables, cell by cell, are the Markdown's (report_check.js
    // checks those against the independent computation)
    const diff = [];
    let ncells = 0;
    if (page.cells.length !== md.length) diff.push(`${page.cells.length} tables, the Markdown ${md.length}`);
    page.cells.forEach((rows, i) => {
        const t = md[i];
        if (!t) return;
        const want = [t.head, ...t.rows].map(r => r.map(c => c.replace(/\s+/g, ' ').trim()));
        if (rows.length !== want.length) diff.push(`${t.title}: ${rows.length} rows, the Markdown ${want.length}`);
        rows.forEach((r, k) => r.forEach((c, j) => {
            ncells++;
            // the page puts a baseline's and a change's row under their
            // function's and names them so; the Markdown names the function
            const w = want[k] ? want[k][j] : undefined;
            if (j === 0 && (c === 'baseline' || c === 'change') && w && w.endsWith(` (${c})`)) return;
            if (!want[k] || c !== w) diff.push(`${t.title} / row ${k} / col ${j}: '${c}', the Markdown '${want[k] ? want[k][j] : ''}'`);
        }));
    });
    say(!diff.length, `${name}: its ${page.cells.length} tables' ${ncells} cells equal the Markdown's`, diff.slice(0, 10).join('; '));
    return page;
}

(async () => {
    try {
        for (const job of jobs) {
            const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
            const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
            await send('Page.enable', {}, sessionId);
            await send('Network.enable', {}, sessionId);
            const requests = [];
            waiters.push(msg => {
                if (msg.sessionId === sessionId && msg.method === 'Network.requestWillBeSent')
                    requests.push(msg.params.request.url);
            });
            const loaded = event('Page.loadEventFired', sessionId, 20000);
            await send('Page.navigate', { url: 'file://' + job.html }, sessionId);
            await loaded;
            const res = await send('Runtime.evaluate', { expression: PROBE, returnByValue: true }, sessionId);
            const page = JSON.parse(res.result.value);
            const name = path.basename(job.html);
            say(/^obs report/.test(page.title) && page.tables > 5, `${name}: the page renders`, `title '${page.title}'`);
            const others = requests.filter(u => u !== 'file://' + job.html);
            say(others.length === 0, `${name}: nothing fetched but the page itself`, others.join(' '));
            check(job, page);
            const limits = page.charts.filter(c => c.limit !== null);
            say(limits.length > 0 && limits.every(c => Number.isFinite(c.limit) && c.limit > 0),
                `${name}: limit lines drawn`, JSON.stringify(limits.map(c => c.limit)));
            await send('Emulation.setDeviceMetricsOverride',
                { width: 1280, height: Math.min(page.height, 16000), deviceScaleFactor: 1, mobile: false }, sessionId);
            const shot = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
            const png = Buffer.from(shot.data, 'base64');
            fs.writeFileSync(job.shot, png);
            say(png.length > 20000 && png.readUInt32BE(16) === 1280, `${name}: a screenshot kept as ${job.shot}`,
                `${png.length} bytes, ${png.readUInt32BE(16)} wide`);
            await send('Target.closeTarget', { targetId });
        }
    } catch (e) {
        say(false, 'the browser', e.message + ' ' + stderr.slice(-400));
    }
    try { await send('Browser.close'); } catch (e) { /* it is going */ }
    setTimeout(() => { chromium.kill(); fs.rmSync(profile, { recursive: true, force: true }); process.exit(0); }, 300);
})();
