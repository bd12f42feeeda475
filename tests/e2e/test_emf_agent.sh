#!/bin/sh
# tests/e2e/test_emf_agent.sh — obsagent's EMF endpoint, spoken to by the
# real aws-embedded-metrics library in Agent mode (tests/clients/emit_agent.js,
# pinned in tests/clients) over TCP and over UDP: every document the library
# sent is stored exactly once, routed by _aws.LogGroupName/LogStreamName,
# valid EMF, and the stored series equal what the client computed from the
# values it sent. The agent is restarted in the middle of a TCP run: what
# the client sends once it has reconnected arrives. Documents sent while the
# store is locked, or full (batches rolled back), arrive once each when it
# frees up. Then the endpoint's
# limits with raw sockets: an over-long document is dropped and counted
# while the next one on the same connection is stored; a connection over
# the limit is refused; an idle one is closed; a client trickling a
# document byte by byte does not hold up another; a non-loopback address
# needs --listen-public; what is not an EMF document is stored with its
# parse error under the agent's default log group.
. "$(dirname "$0")/lib.sh"
need obsagent obsq
need_clients
EMIT=$CLIENTS/emit_agent.js
DB=$T/obs.db


# start_agent LOG ARGS...: obsagent in follow mode, no paths; waits until it
# says it listens; sets $AGENT_PID
start_agent()
{
    _log=$1
    shift
    "$OBSAGENT" --db "$DB" "$@" >"$_log" 2>&1 &
    AGENT_PID=$!
    _i=0
    while [ $_i -lt 50 ]; do
        grep -q "storing what the network inputs receive" "$_log" 2>/dev/null && return 0
        kill -0 "$AGENT_PID" 2>/dev/null || return 1
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}

stop_agent()
{
    kill -TERM "$AGENT_PID" 2>/dev/null
    wait "$AGENT_PID" 2>/dev/null
}
trap 'kill -KILL "${AGENT_PID:-0}" 2>/dev/null; rm -rf "$T"' EXIT


seqs_of() { sql "$DB" "SELECT count(*), count(DISTINCT json_extract(e.message, '\$.seq')) FROM events e
                       JOIN streams s ON s.id = e.stream_id WHERE s.function = $(sqlq "$1")"; }

PORT=$(free_port)
EP="tcp://127.0.0.1:$PORT,udp://127.0.0.1:$PORT"
start_agent "$T/a1.log" --emf-listen "$EP" || { fail "obsagent listens on $EP" "$T/a1.log"; finish; }
check_grep "it says where it listens" "$T/a1.log" "EMF endpoint on tcp://127.0.0.1:$PORT udp://127.0.0.1:$PORT"

# ---- the real client, TCP and UDP ---------------------------------------------------
(cd "$T" && EMF_LOG_GROUP=/aws/lambda/agent-tcp node "$EMIT" "tcp://127.0.0.1:$PORT" 200 0) >"$T/tcp.out" 2>"$T/tcp.err" ||
    fail "emit_agent.js over TCP" "$T/tcp.err"
(cd "$T" && EMF_LOG_GROUP=udp-metrics EMF_LOG_STREAM=udp-stream node "$EMIT" "udp://127.0.0.1:$PORT" 200 2) \
    >"$T/udp.out" 2>"$T/udp.err" || fail "emit_agent.js over UDP" "$T/udp.err"
check_eq "the client's TCP flushes all succeeded" "$(grep -c '"ok":true' "$T/tcp.out")" 200
wait_sql "$DB" "SELECT count(*) FROM events" 400 || true
check_eq "TCP: each of the 200 documents stored once" "$(seqs_of agent-tcp)" "200|200"
check_eq "UDP: each of the 200 documents stored once" "$(seqs_of udp-metrics)" "200|200"
check_eq "routed by _aws.LogGroupName and LogStreamName" \
    "$(sql "$DB" "SELECT function || ' ' || log_group || ' ' || stream FROM streams ORDER BY function")" \
    "agent-tcp /aws/lambda/agent-tcp agent-test-stream
udp-metrics udp-metrics udp-stream"
check_eq "every document is valid EMF" "$(sql "$DB" 'SELECT count(*) FROM events WHERE emf = 1')" 400
check_eq "events take their arrival time (flag 32)" "$(sql "$DB" 'SELECT count(*) FROM events WHERE flags & 32')" 400

# the series against the client's own numbers
for fn in agent-tcp udp-metrics; do
    out=$T/${fn%%-*}.out
    [ "$fn" = agent-tcp ] && out=$T/tcp.out || out=$T/udp.out
    "$OBSQ" --db "$DB" metrics --dim "LogGroup=$([ "$fn" = agent-tcp ] && echo /aws/lambda/agent-tcp || echo udp-metrics)" \
        -o json >"$T/m.json" 2>&1
    for op in buy sell; do
        exp=$(node -e '
            const fs = require("fs");
            const rows = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse)
                .filter((r) => r.ok && r.op === process.argv[2]);
            console.log(rows.length + " " + rows.reduce((s, r) => s + r.value, 0));' "$out" "$op")
        got=$(node -e '
            const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
                .filter((s) => s.name === "Latency" && s.dimensions.Op === process.argv[2]);
            console.log(m.length === 1 ? m[0].count + " " + m[0].sum : "series: " + m.length);' "$T/m.json" "$op")
        check_eq "$fn: Latency Op=$op count and sum as the client sent them" "$got" "$exp"
    done
done
check_eq "counters: UDP datagrams" "$(sql "$DB" "SELECT value FROM agent_counters WHERE name = 'emf_udp_datagrams'")" 200

# ---- restart in the middle of a TCP run -------------------------------------------
(cd "$T" && EMF_LOG_GROUP=/aws/lambda/restart node "$EMIT" "tcp://127.0.0.1:$PORT" 150 20) \
    >"$T/r.out" 2>"$T/r.err" &
client=$!
sleep 1
stop_agent
check_grep "SIGTERM: the agent stops having stored what it received" "$T/a1.log" "stopped; everything read is stored"
sleep 0.3
start_agent "$T/a2.log" --emf-listen "$EP" || fail "the agent listens again on the same port" "$T/a2.log"
back=$(node -p 'Date.now()')
wait "$client"
wait_sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = 'restart'" \
    "$(grep -c '"ok":true' "$T/r.out")" || true
node -e '
    const fs = require("fs");
    const sent = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    const got = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").filter(Boolean).map(Number);
    const count = new Map();
    for (const s of got) count.set(s, (count.get(s) || 0) + 1);
    const doubled = [...count.values()].filter((c) => c > 1).length;
    const after = sent.filter((s) => s.t >= Number(process.argv[3]) + 200);
    const missingAfter = after.filter((s) => !count.has(s.seq)).length;
    const lost = sent.filter((s) => s.ok && !count.has(s.seq)).length;
    console.log(`doubled=${doubled} after=${after.length > 20} missing_after=${missingAfter} lost_ok<=2=${lost <= 2}`);
' "$T/r.out" "$(sql "$DB" "SELECT json_extract(e.message, '\$.seq') FROM events e JOIN streams s ON s.id = e.stream_id
                           WHERE s.function = 'restart'" >"$T/r.got"; echo "$T/r.got")" "$back" >"$T/r.res" 2>&1
check_eq "restart: nothing doubled; all sent after the client reconnected arrived; at most 2 lost in the switch" \
    "$(cat "$T/r.res")" "doubled=0 after=true missing_after=0 lost_ok<=2=true"

# ---- the store locked, then full, while documents arrive ------------------------------
# locked: nothing is stored, the documents wait (in the inbox, then in the
# clients' sockets), and all arrive once the lock goes
stop_agent
store_lock "$DB" || fail "sqlite3 holds the store's write lock"
start_agent "$T/a5.log" --emf-listen "$EP" --batch-ms 200 || fail "agent on a locked store" "$T/a5.log"
(cd "$T" && EMF_LOG_GROUP=/aws/lambda/locked node "$EMIT" "tcp://127.0.0.1:$PORT" 100 5) >"$T/l.out" 2>"$T/l.err" &
client=$!
sleep 1.5
check_eq "locked: nothing stored yet" \
    "$(sql "$DB" "SELECT count(*) FROM streams WHERE function = 'locked'")" 0
store_unlock
wait "$client"
wait_sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = 'locked'" 100 || true
check_eq "locked: once unlocked, each of the 100 documents stored once" "$(seqs_of locked)" "100|100"
check_grep "locked: the pause was said" "$T/a5.log" "paused, store locked"
stop_agent
# full: batches fail and are rolled back while documents keep coming; the
# documents of each rolled-back batch are stored again, once space returns
pages=$(sql "$DB" "PRAGMA page_count")
echo $((pages + 25)) >"$T/cap"
OBS_TEST_MAX_PAGE_COUNT_FILE=$T/cap
export OBS_TEST_MAX_PAGE_COUNT_FILE
start_agent "$T/a6.log" --emf-listen "$EP" --batch-ms 200 || fail "agent on a store about to fill" "$T/a6.log"
unset OBS_TEST_MAX_PAGE_COUNT_FILE
(cd "$T" && EMF_LOG_GROUP=/aws/lambda/full node "$EMIT" "tcp://127.0.0.1:$PORT" 600 3) >"$T/f.out" 2>"$T/f.err" &
client=$!
_i=0
until grep -q "paused, store full" "$T/a6.log" || [ $_i -ge 100 ]; do sleep 0.1; _i=$((_i + 1)); done
check_grep "full: the pause was said" "$T/a6.log" "paused, store full"
wait "$client"
echo 100000000 >"$T/cap"
wait_sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = 'full'" 600 || true
check_eq "full: once space returned, each of the 600 documents stored once" "$(seqs_of full)" "600|600"
check_grep "full: resumed on its own" "$T/a6.log" "resumed after [0-9]+ ms paused \\(store full\\)"

# ---- limits and bad input, with raw sockets -----------------------------------------
stop_agent
PORT=$(free_port)
start_agent "$T/a3.log" --emf-listen "tcp://127.0.0.1:$PORT" --emf-max-frame 1K --emf-max-connections 3 \
    --emf-idle-timeout-ms 1500 || { fail "agent with limits" "$T/a3.log"; finish; }
doc() { printf '{"_aws":{"Timestamp":%s,"LogGroupName":"%s","CloudWatchMetrics":[{"Namespace":"L","Dimensions":[[]],"Metrics":[{"Name":"M"}]}]},"M":%s}\n' "$(node -p 'Date.now()')" "$1" "$2"; }
big=$(head -c 2000 /dev/zero | tr '\0' x)
{ printf '{"pad":"%s"}\n' "$big"; doc limits 1; } | node -e '
    const s = require("net").connect(Number(process.argv[1]), "127.0.0.1", () => process.stdin.pipe(s));' "$PORT"
wait_sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = 'limits'" 1 ||
    fail "the document after an over-long one on the same connection is stored"
check_grep "an over-long document is said on stderr" "$T/a3.log" "emf: dropped a TCP document longer than"
# a client trickling one byte every 50 ms does not hold up another
node -e '
    const s = require("net").connect(Number(process.argv[1]), "127.0.0.1");
    const d = process.argv[2]; let i = 0;
    const t = setInterval(() => { if (i < d.length) s.write(d[i++]); else { clearInterval(t); s.end(); } }, 50);
' "$PORT" "$(doc slow 2)" &
slow=$!
sleep 0.3
doc fast 3 | node -e 'const s = require("net").connect(Number(process.argv[1]), "127.0.0.1", () => process.stdin.pipe(s));' "$PORT"
wait_sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = 'fast'" 1 ||
    fail "a fast client is served while a slow one trickles"
check_eq "... while the slow one is still sending" "$(sql "$DB" "SELECT count(*) FROM streams WHERE function = 'slow'")" 0
wait "$slow"
wait_sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = 'slow'" 1 ||
    fail "the trickled document is stored whole once complete"
# what the endpoint receives is declared EMF (the CloudWatch agent sends it
# with the json/emf log format): broken JSON, plain text and JSON without
# _aws are each stored under the default log group as parse errors, why said
printf '{"_aws": {"LogGroupName": "x", broken\nthis is not json\n{"a":1}\n' |
    node -e 'const s = require("net").connect(Number(process.argv[1]), "127.0.0.1", () => process.stdin.pipe(s));' "$PORT"
wait_sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = 'emf/logs/default'" 3 ||
    fail "documents that are not EMF are stored under emf/logs/default"
check_eq "... each an EMF parse error with its reason" \
    "$(sql "$DB" "SELECT e.emf || ' ' || e.emf_error FROM events e JOIN streams s ON s.id = e.stream_id
                  WHERE s.function = 'emf/logs/default' ORDER BY e.id")" \
    "2 CloudWatch would not parse this EMF document: it is not one JSON object
2 CloudWatch would not parse this EMF document: it is not one JSON object
2 CloudWatch would not parse this EMF document: it has no _aws object"
# three idle connections fill the limit; a fourth is closed at once; the
# idle ones are closed after --emf-idle-timeout-ms
node -e '
    const net = require("net"), port = Number(process.argv[1]);
    const open = [];
    for (let i = 0; i < 3; i++) open.push(net.connect(port, "127.0.0.1"));
    setTimeout(() => {
        const t0 = Date.now(), s = net.connect(port, "127.0.0.1");
        s.on("close", () => console.log("refused:" + (Date.now() - t0 < 1000)));
        s.on("error", () => {});
    }, 300);
    let closed = 0;
    for (const s of open) s.on("close", () => { if (++closed === 3) { console.log("idle-closed:3"); process.exit(0); } });
    setTimeout(() => { console.log("idle-closed:" + closed); process.exit(0); }, 5000);
' "$PORT" >"$T/conn.out" 2>&1
check_grep "a connection over --emf-max-connections is closed at once" "$T/conn.out" "^refused:true"
check_grep "idle connections are closed after --emf-idle-timeout-ms" "$T/conn.out" "^idle-closed:3"
stop_agent
for c in emf_frames_too_long:1 emf_tcp_refused:1 emf_tcp_idle_closed:3; do
    check_eq "counter ${c%%:*}" "$(sql "$DB" "SELECT value FROM agent_counters WHERE name = '${c%%:*}'")" "${c#*:}"
done

# ---- a stop while the store is locked: stored when it frees up in time, else said ------
# 150 documents over TCP while a sqlite3 shell holds the write lock, then
# SIGTERM: (a) the lock goes 0.4 s later: the agent stores them before it
# exits (exit 0); (b) it stays: exit 1, and the agent says exactly what was
# not stored and why (before, the documents were thrown away and the agent
# said the rest would be read again from the files).
send_docs()   # PORT TAG N
{
    node -e '
        const net = require("net"), n = +process.argv[3];
        const c = net.connect(+process.argv[1], "127.0.0.1", () => {
            for (let i = 0; i < n; i++)
                c.write(JSON.stringify({ _aws: { Timestamp: 1795305600000 + i, LogGroupName: "/aws/lambda/" + process.argv[2],
                    CloudWatchMetrics: [{ Namespace: "ns", Dimensions: [["fn"]], Metrics: [{ Name: "m" }] }] },
                    fn: "f", m: i, seq: i }) + "\n");
            c.end();
        });' "$1" "$2" "$3"
}
for mode in freed held; do
    DB=$T/stop-$mode.db
    PORT=$(free_port)
    start_agent "$T/stop-$mode.log" --emf-listen "tcp://127.0.0.1:$PORT" || fail "agent for the $mode stop" "$T/stop-$mode.log"
    store_lock "$DB" || fail "sqlite3 holds the write lock"
    send_docs "$PORT" "stop-$mode" 150
    sleep 0.5
    kill -TERM "$AGENT_PID"
    if [ $mode = freed ]; then
        sleep 0.4
        store_unlock
    fi
    wait "$AGENT_PID"
    rc=$?
    [ $mode = held ] && store_unlock
    if [ $mode = freed ]; then
        check_eq "stop, lock freed 0.4 s after SIGTERM: exit 0, all 150 documents stored once" \
            "$rc $(seqs_of "stop-$mode")" "0 150|150"
    else
        check_eq "stop, lock held: exit 1, nothing stored" "$rc $(seqs_of "stop-$mode")" "1 0|0"
        check_grep "... and it says exactly what was not stored, and why" "$T/stop-$mode.log" \
            "not stored at the stop: 150 EMF documents received over TCP/UDP \(lost\) and 0 Telemetry API records.*: the store is locked by another connection"
    fi
done
DB=$T/obs.db

# ---- UDP: what the kernel dropped is counted -----------------------------------------
# the agent stopped (SIGSTOP) while 3,000 datagrams of 1 KiB arrive: the
# socket's receive buffer takes some, the kernel drops the rest; every
# datagram sent is then stored or counted as dropped (SO_RXQ_OVFL)
DB=$T/udp-drops.db
PORT=$(free_port)
start_agent "$T/udp-drops.log" --emf-listen "udp://127.0.0.1:$PORT" || fail "agent for the UDP drops" "$T/udp-drops.log"
kill -STOP "$AGENT_PID"
node -e '
    const d = require("dgram").createSocket("udp4"), n = 3000;
    let i = 0;
    const next = () => {
        if (i >= n) return d.close();
        const doc = JSON.stringify({ _aws: { Timestamp: 1795305600000 + i, LogGroupName: "/aws/lambda/udp-drops",
            CloudWatchMetrics: [{ Namespace: "ns", Dimensions: [["fn"]], Metrics: [{ Name: "m" }] }] },
            fn: "f", m: i, seq: i, pad: "x".repeat(900) });
        i++;
        d.send(doc, +process.argv[1], "127.0.0.1", next);
    };
    next();' "$PORT"
kill -CONT "$AGENT_PID"
sleep 2
stop_agent
ud=$(sql "$DB" "SELECT coalesce((SELECT value FROM agent_counters WHERE name = 'emf_udp_datagrams'), 0)")
uk=$(sql "$DB" "SELECT coalesce((SELECT value FROM agent_counters WHERE name = 'emf_udp_kernel_dropped'), 0)")
ui=$(sql "$DB" "SELECT coalesce((SELECT value FROM agent_counters WHERE name = 'emf_udp_dropped'), 0)")
[ -z "${E2E_VERBOSE:-}" ] || echo "     UDP: $ud received, $uk dropped by the kernel, $ui by the agent"
check "UDP to a stopped agent: the kernel dropped some (emf_udp_kernel_dropped > 0)" test "$uk" -gt 0
check_eq "... every datagram sent is received or counted as dropped" "$((ud + uk))" 3000
check_eq "... and every one received is stored (or counted as dropped by the agent)" \
    "$(seqs_of udp-drops | cut -d'|' -f1)" "$((ud - ui))"
check_grep "... and the kernel's drops are said" "$T/udp-drops.log" "the kernel dropped UDP datagrams"
DB=$T/obs.db

# ---- addresses ---------------------------------------------------------------------
check_fail "a non-loopback address needs --listen-public" \
    "$OBSAGENT" --db "$T/x.db" --emf-listen "tcp://0.0.0.0:$(free_port)"
check_grep "... saying why" "$T/.check.out" "not a loopback address.*--listen-public"
start_agent "$T/a4.log" --emf-listen "udp://0.0.0.0:$(free_port)" --listen-public ||
    fail "--listen-public binds a public address" "$T/a4.log"
check_grep "... with a warning" "$T/a4.log" "warning: EMF endpoint 0.0.0.0:[0-9]+ is reachable from other hosts"
stop_agent
check_fail "a bad listen address is refused" "$OBSAGENT" --db "$T/x.db" --emf-listen "http://127.0.0.1:1"
check_grep "... with what was expected" "$T/.check.out" "expected tcp://HOST:PORT"
PORT=$(free_port)
"$OBSAGENT" --db "$T/busy.db" --emf-listen "tcp://127.0.0.1:$PORT" >"$T/busy1.log" 2>&1 &
busy=$!
sleep 0.5
check_fail "a port in use is an error" "$OBSAGENT" --db "$T/busy2.db" --emf-listen "tcp://127.0.0.1:$PORT"
check_grep "... naming it" "$T/.check.out" "cannot listen on tcp://127.0.0.1:$PORT: address already in use"
kill -TERM "$busy"; wait "$busy" 2>/dev/null
P2=$(free_port)
OBS_EMF_LISTEN="udp://127.0.0.1:$P2" "$OBSAGENT" --db "$T/env.db" >"$T/env.log" 2>&1 &
envagent=$!
sleep 0.6
kill -TERM "$envagent"; wait "$envagent" 2>/dev/null
check_grep "OBS_EMF_LISTEN sets the default listen list" "$T/env.log" "EMF endpoint on udp://127.0.0.1:$P2\$"
check_fail "--no-emf-listen without a PATH has nothing to do" "$OBSAGENT" --db "$T/x.db" --no-emf-listen
finish
