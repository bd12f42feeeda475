// tests/e2e/md_tables.js — the tables of a Markdown file, each under the
// heading it follows: [{ title, head: [..], rows: [[..], ..] }]. Cells are
// trimmed, "\|" read as "|". And num(): a cell as the number it prints.
'use strict';

function cells(line) {
    const out = [];
    let cur = '';
    for (let i = 1; i < line.length; i++) {
        if (line[i] === '\\' && line[i + 1] === '|') { cur += '|'; i++; continue; }
        if (line[i] === '|') { out.push(cur.trim()); cur = ''; continue; }
        cur += line[i];
    }
    return out;
}

function tables(md) {
    const out = [];
    let title = '', t = null;
    for (const line of md.split('\n')) {
        const h = /^#+ (.*)$/.exec(line);
        if (h) { title = h[1]; t = null; continue; }
        if (!line.startsWith('|')) { t = null; continue; }
        if (/^\|[-:|]+\|?$/.test(line)) continue;
        if (!t) { t = { title, head: cells(line), rows: [] }; out.push(t); continue; }
        t.rows.push(cells(line));
    }
    return out;
}

// "1,234.5" -> 1234.5, "12.3%" -> 12.3, "4.000 s" -> 4, "-" -> null
function num(cell) {
    if (cell === undefined || cell === '-' || cell === '') return null;
    const v = Number(cell.replace(/,/g, '').replace(/( s|%)$/, ''));
    return Number.isNaN(v) ? undefined : v;
}

module.exports = { tables, num };
