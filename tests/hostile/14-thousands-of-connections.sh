# case: 2,000 TCP connections opened at once to the EMF endpoint
#       (--emf-max-connections is 256), held for 4 s
# expect: the agent keeps at most 256 open and closes the excess as it
#       accepts them, counting them (emf_tcp_refused); every one of the 2,000
#       is counted once, accepted or refused (the listen backlog is the
#       kernel's cap: with Linux's 128 of old, the overflow made the kernel
#       hand ~1-2% of the connections out twice); its open fds stay far
#       under its fd limit; afterwards a new connection's document is stored.
#       (An agent of its own, so that its counters count only these.)
FDB=$T/flood.db
FPORT=$(free_port)
"$OBSAGENT" --db "$FDB" --emf-listen "tcp://127.0.0.1:$FPORT" >"$T/flood.log" 2>&1 &
flood=$!
_i=0
until grep -q "network inputs receive" "$T/flood.log" 2>/dev/null || [ $_i -ge 50 ]; do sleep 0.1; _i=$((_i + 1)); done
counter() { _v=$("$OBSAGENT" --status --db "$FDB" 2>/dev/null | sed -n "s/^$1 //p"); echo "${_v:-0}"; }
handled() { echo $(($(counter emf_tcp_connections) + $(counter emf_tcp_refused))); }
limit=$(sed -n 's/^Max open files *\([0-9]*\).*/\1/p' "/proc/$flood/limits")
hclient conns "$FPORT" 2000 4000 >"$T/conns.out" &
conns=$!
sleep 2.5
held=$(fds "$flood")
wait "$conns"
check "2000 connections: the agent holds $held fds (<= 256 + 40, limit $limit)" test "$held" -le 296 -a "$held" -lt "$limit"
closed=$(sed -n 's/.* closed \([0-9]*\) .*/\1/p' "$T/conns.out")
check "2000 connections: the agent closed ${closed:-?} of them while 256 were held" test "${closed:-0}" -ge 500
_i=0
while [ "$(handled)" -lt 2000 ] && [ $_i -lt 100 ]; do sleep 0.2; _i=$((_i + 1)); done
check_eq "2000 connections: each counted once, accepted or refused" "$(handled)" 2000
check "2000 connections: every one it closed is counted refused" test "$(counter emf_tcp_refused)" -ge "${closed:-0}"
node -e 'console.log(JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: "afterflood",
    Dimensions: [[]], Metrics: [{ Name: "m" }] }] }, m: 1 }))' >"$T/after.json"
check_eq "2000 connections: a new connection works" "$(hclient tcp "$FPORT" "$T/after.json" | cut -d' ' -f1)" sent
check "2000 connections: its document is stored" wait_sql "$FDB" "SELECT count(*) FROM events WHERE message LIKE '%afterflood%'" 1
kill -TERM "$flood"
wait "$flood"
check_eq "2000 connections: that agent stops cleanly" "$?" 0
