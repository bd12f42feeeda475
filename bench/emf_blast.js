'use strict';
// bench/emf_blast.js — load for bench/bench_emf.sh: CLIENTS concurrent TCP
// connections to the EMF endpoint, each sending DOCS valid EMF documents
// (one per line, _aws.Timestamp now, a seq property) as fast as the socket
// takes them; prints the send time of the first and last byte (ms).
//   node emf_blast.js PORT CLIENTS DOCS
// With a fourth argument RATE, sends DOCS documents per client at RATE per
// second instead, each carrying its send time (property sent_ms), for the
// latency measurement.
const net = require('net');
const [port, clients, docs, rate] = process.argv.slice(2).map(Number);

function doc(c, i, now) {
    return JSON.stringify({
        _aws: { Timestamp: now, LogGroupName: '/aws/lambda/bench-emf', LogStreamName: 'client-' + c,
                CloudWatchMetrics: [{ Namespace: 'Bench', Dimensions: [['Client']],
                                      Metrics: [{ Name: 'Latency', Unit: 'Milliseconds' }] }] },
        Client: 'c' + c, Latency: i % 100, seq: i, sent_ms: now,
    }) + '\n';
}

let done = 0;
const t0 = Date.now();
for (let c = 0; c < clients; c++) {
    const s = net.connect(port, '127.0.0.1', () => {
        let i = 0;
        if (rate) {
            const t = setInterval(() => {
                s.write(doc(c, i, Date.now()));
                if (++i === docs) { clearInterval(t); s.end(); }
            }, 1000 / rate);
            return;
        }
        const now = Date.now();
        const pump = () => {
            while (i < docs) {
                const chunk = [];
                for (let k = 0; k < 200 && i < docs; k++, i++) chunk.push(doc(c, i, now));
                if (!s.write(chunk.join(''))) return s.once('drain', pump);
            }
            s.end();
        };
        pump();
    });
    s.on('close', () => {
        if (++done === clients) {
            console.log(JSON.stringify({ first_ms: t0, last_ms: Date.now() }));
        }
    });
    s.on('error', (e) => { console.error(e.message); process.exit(1); });
}
