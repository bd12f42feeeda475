// tests/e2e/load_driver.js — the load of tests/e2e/test_load.sh: for SECONDS
// it appends numbered Lambda app lines to DIR/load/a.log and DIR/load/b.log
// (FILE_RATE lines/s in all), sends numbered EMF documents over one TCP
// connection (TCP_RATE/s) and as UDP datagrams (UDP_RATE/s) to PORT, in
// 50 ms steps; then prints "file N tcp N udp N" (what it sent).
//   node load_driver.js DIR PORT SECONDS FILE_RATE TCP_RATE UDP_RATE
"use strict";
const fs = require("fs"), net = require("net"), dgram = require("dgram");
const [dir, port, secs, fileRate, tcpRate, udpRate] = process.argv.slice(2).map((v, i) => (i ? Number(v) : v));
const steps = secs * 20;
let step = 0, nfile = 0, ntcp = 0, nudp = 0;
fs.mkdirSync(dir + "/load", { recursive: true });
const doc = (src, n) => JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: "load",
    Dimensions: [["Src"]], Metrics: [{ Name: "m" }] }] }, Src: src, m: 1, seq: src + "-" + n }) + "\n";
const tcp = net.connect(port, "127.0.0.1");
const udp = dgram.createSocket("udp4");
tcp.on("error", (e) => { console.error("tcp: " + e.message); process.exit(1); });
tcp.on("connect", () => {
    const t = setInterval(() => {
        const now = new Date().toISOString();
        for (const f of ["a", "b"]) {
            let s = "";
            for (let i = 0; i < fileRate / 40; i++)
                s += `${now}\t8f3e0c1a-0000-4000-8000-00000000000${f === "a" ? 1 : 2}\tINFO\tload-${f}-${nfile++}\n`;
            fs.appendFileSync(`${dir}/load/${f}.log`, s);
        }
        let s = "";
        for (let i = 0; i < tcpRate / 20; i++) s += doc("tcp", ntcp++);
        tcp.write(s);
        for (let i = 0; i < udpRate / 20; i++) udp.send(doc("udp", nudp++), port, "127.0.0.1");
        if (++step === steps) {
            clearInterval(t);
            tcp.end(() => setTimeout(() => { udp.close(); console.log(`file ${nfile} tcp ${ntcp} udp ${nudp}`); }, 200));
        }
    }, 50);
});
