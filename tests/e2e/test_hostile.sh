#!/bin/sh
# tests/e2e/test_hostile.sh — runs the hostile input catalogue: every
# tests/hostile/NN-*.sh is one bad input and asserts its expected outcome
# (its header says which). The file cases run obsagent --once; the network
# cases share one follow-mode agent (EMF TCP+UDP and the Telemetry receiver
# on free loopback ports, $EMF_PORT and $TEL_PORT, pid $AGENT_PID, store
# $NDB) started before them, which must still be alive and serving at the
# end. Helpers for the cases: rss_kb PID, fds PID, ingest FILE DB [ARGS],
# hclient MODE ARGS (tests/hostile/client.js); wait_sql comes from lib.sh.
# HOSTILE_CASES=GLOB runs only the matching cases (e.g. '14-*').
. "$(dirname "$0")/lib.sh"
need obsagent obsq obstop
command -v node >/dev/null || { fail "node is needed (make deps)"; finish; }
HOSTILE=$(cd "$(dirname "$0")/../hostile" && pwd)
AGENT_PID=
trap 'kill -KILL ${AGENT_PID:-} ${flood:-} 2>/dev/null; rm -rf "$T"' EXIT

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l | tr -d ' '; }
hclient() { node "$HOSTILE/client.js" "$@"; }
# ingest FILE DB [ARGS...]: obsagent --once over FILE as standard input
ingest()
{
    _f=$1 _db=$2
    shift 2
    "$OBSAGENT" --once --no-progress --db "$_db" --function hostile "$@" - <"$_f" >"$T/ingest.out" 2>&1
}
# the network agent
EMF_PORT=$(free_port)
TEL_PORT=$(free_port)
NDB=$T/net.db
"$OBSAGENT" --db "$NDB" --emf-listen "tcp://127.0.0.1:$EMF_PORT,udp://127.0.0.1:$EMF_PORT" \
    --telemetry-listen "127.0.0.1:$TEL_PORT" >"$T/agent.log" 2>&1 &
AGENT_PID=$!
_i=0
until grep -q "network inputs receive" "$T/agent.log" 2>/dev/null; do
    sleep 0.1
    _i=$((_i + 1))
    if [ $_i -ge 50 ] || ! kill -0 "$AGENT_PID" 2>/dev/null; then
        fail "the network agent starts" "$T/agent.log"
        finish
    fi
done

for c in "$HOSTILE"/${HOSTILE_CASES:-[0-9]*}.sh; do
    before=$E2E_FAILED
    E2E_NAME="test_hostile/$(basename "$c" .sh)"
    . "$c"
    [ "$E2E_FAILED" -eq "$before" ] || echo "     (case $c: $(sed -n 's/^# expect: //p' "$c" | head -n 1))"
done
E2E_NAME=test_hostile
check "the network agent is still running after every case" kill -0 "$AGENT_PID"
printf '[{"type":"function","record":"still serving"}]' >"$T/last.json"
check_eq "the Telemetry receiver still answers" "$(hclient post "$TEL_PORT" "$T/last.json")" "200 OK"
check "that batch is stored" wait_sql "$NDB" "SELECT count(*) FROM events WHERE message = 'still serving'" 1
kill -TERM "$AGENT_PID"
wait "$AGENT_PID"
check_eq "the network agent stops cleanly (exit 0)" "$?" 0
AGENT_PID=
finish
