// tests/hostile/client.js — the hostile network clients of the catalogue
// (tests/e2e/test_hostile.sh); each mode prints one line the test asserts.
//   tcp PORT FILE           send FILE over one TCP connection, then close: "sent N"
//   conns PORT N HOLD_MS    open N TCP connections at once and hold them
//                           HOLD_MS; "open A closed C errors E" (closed: by
//                           the agent while held)
//   header PORT BYTES       a GET whose one header is BYTES long: "STATUS" or
//                           "closed" when the receiver hangs up without a reply
//   body PORT BYTES         a POST whose body is BYTES of "[" : "STATUS"
//   slow PORT               a request trickled one byte every 500 ms: on close,
//                           "closed after S s"
//   post PORT FILE          POST FILE: "STATUS BODY"
"use strict";
const net = require("net"), http = require("http"), fs = require("fs");
const [mode, port, a, b] = process.argv.slice(2);
const P = Number(port);

function request(opts, body, done) {
    const r = http.request({ host: "127.0.0.1", port: P, ...opts }, (res) => {
        let d = "";
        res.on("data", (c) => (d += c));
        res.on("end", () => done(res.statusCode + " " + d.trim()));
    });
    r.on("error", (e) => done(e.code === "ECONNRESET" || e.code === "EPIPE" ? "closed" : "error " + e.message));
    if (body) r.end(body); else r.end();
}

if (mode === "tcp") {
    const data = fs.readFileSync(a);
    const s = net.connect(P, "127.0.0.1", () => s.end(data, () => console.log("sent " + data.length)));
    s.on("error", (e) => console.log("error " + e.message));
} else if (mode === "conns") {
    const n = Number(a), hold = Number(b);
    let open = 0, closed = 0, errors = 0, settled = 0;
    const socks = [];
    for (let i = 0; i < n; i++) {
        const s = net.connect(P, "127.0.0.1");
        socks.push(s);
        s.on("connect", () => { open++; settled++; });
        s.on("error", () => { errors++; });
        s.on("close", () => { closed++; });
    }
    setTimeout(() => {
        console.log(`open ${open} closed ${closed} errors ${errors}`);
        socks.forEach((s) => s.destroy());
    }, hold);
} else if (mode === "header") {
    request({ method: "GET", path: "/", headers: { "X-Big": "x".repeat(Number(a)) } }, null, (r) =>
        console.log(r.split(" ")[0]));
} else if (mode === "body") {
    request({ method: "POST", path: "/hostile" }, Buffer.alloc(Number(a), "["), (r) => console.log(r.split(" ")[0]));
} else if (mode === "slow") {
    const start = Date.now(), req = "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n[";
    const s = net.connect(P, "127.0.0.1");
    let i = 0;
    const t = setInterval(() => { if (i < req.length) s.write(req[i++]); }, 500);
    s.on("error", () => {});
    s.on("close", () => { clearInterval(t); console.log(`closed after ${Math.round((Date.now() - start) / 1000)} s`); });
} else if (mode === "post") {
    request({ method: "POST", path: "/hostile?stream=h" }, fs.readFileSync(a), console.log);
} else {
    console.error("unknown mode " + mode);
    process.exit(2);
}
