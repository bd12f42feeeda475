#!/bin/sh
# tests/e2e/test_load.sh — the agent in follow mode under load from files,
# TCP and UDP together (tests/e2e/load_driver.js) for LOAD_SECONDS (20 in
# make test, 60 in make soak): 10,000 numbered lines/s into two files,
# 2,000 EMF documents/s over TCP and 2,000/s over UDP. Every line and every
# TCP document is stored exactly once; every UDP datagram is stored once or
# counted dropped (emf_udp_dropped): stored + dropped = sent. The agent's
# peak RSS (VmHWM) stays under 200 MB (--max-pending-bytes and --emf-buffer
# 32M each, plus SQLite's cache; ASan builds get 600 MB: its shadow memory
# and quarantine). Prints the rates and the peak.
. "$(dirname "$0")/lib.sh"
need obsagent
command -v node >/dev/null || { fail "node is needed (make deps)"; finish; }
HERE=$(cd "$(dirname "$0")" && pwd)
SECS=${LOAD_SECONDS:-20}
FILE_RATE=${LOAD_FILE_RATE:-10000}
TCP_RATE=${LOAD_TCP_RATE:-2000}
UDP_RATE=${LOAD_UDP_RATE:-2000}
case $BUILD in *-san) RSS_MAX_MB=600 ;; *) RSS_MAX_MB=200 ;; esac
AGENT_PID=
trap 'kill -KILL ${AGENT_PID:-} 2>/dev/null; rm -rf "$T"' EXIT
DB=$T/load.db
PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
mkdir -p "$T/logs/load"
: >"$T/logs/load/a.log"
: >"$T/logs/load/b.log"
"$OBSAGENT" --db "$DB" --emf-listen "tcp://127.0.0.1:$PORT,udp://127.0.0.1:$PORT" "$T/logs" >"$T/agent.log" 2>&1 &
AGENT_PID=$!
_i=0
until grep -q "EMF endpoint on" "$T/agent.log" 2>/dev/null; do
    sleep 0.1
    _i=$((_i + 1))
    [ $_i -lt 50 ] && kill -0 "$AGENT_PID" 2>/dev/null || { fail "the agent starts" "$T/agent.log"; finish; }
done
sleep 0.5

start=$(date +%s%N)
node "$HERE/load_driver.js" "$T/logs" "$PORT" "$SECS" "$FILE_RATE" "$TCP_RATE" "$UDP_RATE" >"$T/sent" 2>&1 ||
    fail "the load driver" "$T/sent"
read -r _ nfile _ ntcp _ nudp <"$T/sent"
counter() { _v=$("$OBSAGENT" --status --db "$DB" 2>/dev/null | sed -n "s/^$1 //p"); echo "${_v:-0}"; }
stored_file() { sql "$DB" "SELECT count(*) FROM events WHERE message LIKE '%load-_-%'"; }
stored_emf() { sql "$DB" "SELECT count(*) FROM events WHERE emf = 1 AND message LIKE '%\"seq\":\"$1-%'"; }
settled()
{
    [ "$(stored_file)" -ge "$nfile" ] && [ "$(stored_emf tcp)" -ge "$ntcp" ] &&
        [ $(($(stored_emf udp) + $(counter emf_udp_dropped))) -ge "$nudp" ]
}
_i=0
until settled || [ $_i -ge 300 ]; do sleep 0.2; _i=$((_i + 1)); done
ms=$((($(date +%s%N) - start) / 1000000))
peak=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$AGENT_PID/status")
check "the agent is still running" kill -0 "$AGENT_PID"

check_eq "files: every line stored" "$(stored_file)" "$nfile"
check_eq "files: each line once" "$(sql "$DB" "SELECT count(DISTINCT message) FROM events WHERE message LIKE '%load-_-%'")" "$nfile"
check_eq "TCP: every document stored, valid" "$(stored_emf tcp)" "$ntcp"
check_eq "TCP: each once" "$(sql "$DB" "SELECT count(DISTINCT message) FROM events WHERE message LIKE '%\"seq\":\"tcp-%'")" "$ntcp"
udp=$(stored_emf udp)
dropped=$(counter emf_udp_dropped)
check_eq "UDP: stored + dropped = sent" "$((udp + dropped))" "$nudp"
check_eq "UDP: each stored once" "$(sql "$DB" "SELECT count(DISTINCT message) FROM events WHERE message LIKE '%\"seq\":\"udp-%'")" "$udp"
check_eq "EMF: one metric point per document" "$(sql "$DB" "SELECT count(*) FROM metric_points")" "$((ntcp + udp))"
check "peak RSS ${peak:-?} KB < $RSS_MAX_MB MB" test "${peak:-999999999}" -lt $((RSS_MAX_MB * 1024))
kill -TERM "$AGENT_PID"
wait "$AGENT_PID"
check_eq "the agent stops cleanly (exit 0)" "$?" 0
AGENT_PID=
echo "load: ${SECS} s sent $nfile lines, $ntcp TCP and $nudp UDP documents ($(((nfile + ntcp + nudp) / SECS)) /s);" \
    "all stored after $ms ms; UDP dropped $dropped; peak RSS $((peak / 1024)) MB"
finish
