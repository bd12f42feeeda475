# case: Telemetry clients that stall: one sends half a request line and
#       stops, one trickles a byte every 500 ms; meanwhile a normal batch
# expect: the normal batch is answered at once (200); the stalled one is
#       closed by the 10 s inactivity timeout (between 8 and 20 s). A
#       trickling client resets that timeout; the 30 s whole-connection
#       deadline (agent/net/http_deadline.c) cuts it (not waited for here: the
#       same watchdog is timed on /metrics in test_prometheus.sh)
node -e 'const s = require("net").connect(Number(process.argv[1]), "127.0.0.1", () => s.write("POST /slo"));
    const t = Date.now(); s.on("close", () => console.log(Math.round((Date.now() - t) / 1000))); s.on("error", () => {});' \
    "$TEL_PORT" >"$T/stall.out" &
stall=$!
hclient slow "$TEL_PORT" >"$T/slow.out" &
slow=$!
sleep 1
printf '[{"type":"function","record":"served beside slow clients"}]' >"$T/fast.json"
check_eq "slow clients: a normal batch is answered" "$(hclient post "$TEL_PORT" "$T/fast.json")" "200 OK"
wait "$stall"
s=$(cat "$T/stall.out")
check "slow clients: the stalled one is closed after ${s:-?} s (8-20)" test "${s:-0}" -ge 8 -a "${s:-99}" -le 20
kill "$slow" 2>/dev/null
wait "$slow" 2>/dev/null
