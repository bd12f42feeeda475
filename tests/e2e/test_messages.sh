#!/bin/sh
# tests/e2e/test_messages.sh — messages that say what to do, and the agent's
# own log: a missing path among several is named and the others imported
# (and with none left, no store is made); a store that cannot be opened
# names the file or directory, its mode and owner, and the user; a listen
# address in use names the option that moves it; Ctrl-C during an import
# stores what was read, says how far it got, and the same command resumes
# (no line lost or doubled); --log-format json writes one JSON object a
# line and --log-level leaves out what is below it.
. "$(dirname "$0")/lib.sh"
need obsagent obsq obstop lambdagen
OBSTOP=$BUILD/obstop

"$LAMBDAGEN" --out "$T/logs" --functions 2 --invocations 30 --seed 4 --truth "$TRUTH" >/dev/null ||
    { fail "lambdagen"; finish; }
N=$(truth nonempty_lines)
A=$(ls "$T/logs" | head -n 1)

# ---- a missing path among several ---------------------------------------------
"$OBSAGENT" --once -q -d "$T/m.db" "$T/nope.log" "$T/logs" >"$T/m.out" 2>&1
check_eq "a missing path among others: exit 1" "$?" 1
check_grep "... names it, and says the others are imported" "$T/m.out" "$T/nope.log: no such file or directory; importing the other paths"
check_eq "... and the others are imported" "$(sql "$T/m.db" 'SELECT count(*) FROM events')" "$N"
"$OBSAGENT" --once -q -d "$T/none.db" "$T/nope.log" "$T/nope2.log" >"$T/none.out" 2>&1
check_eq "only missing paths: exit 1" "$?" 1
check_grep "... each named" "$T/none.out" "nope2.log: no such file or directory; nothing to import|nope2.log: no such file"
check "... and no store is left behind" test ! -e "$T/none.db"
timeout 2 "$OBSAGENT" -d "$T/f.db" --poll-ms 50 "$T/later" "$T/logs" >"$T/f.out" 2>&1
check_grep "follow mode: a path that does not exist yet is said" "$T/f.out" "$T/later does not exist \\(yet\\): it is followed once it appears"

# ---- permissions: as a user that is not the store's owner ----------------------
if [ "$(id -u)" = 0 ]; then
    as_other() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    who=$(getent passwd 65534 | cut -d: -f1)
else
    as_other() { "$@"; }
    who=$(id -un)
fi
as_other "$OBSQ" -d "$T/perm/x.db" summary >"$T/p0.out" 2>&1
check_grep "a store under a directory the user may not enter: says which" "$T/p0.out" \
    "^obsq: cannot read the store $T/perm/x.db as $who: the directory $T \\(mode 0700, owner [a-z0-9]+\\) may not be entered by $who; give $who search permission on it"
chmod 755 "$T"   # the rest: directories the other user may enter
mkdir -m 755 "$T/perm"
mkdir -m 700 "$T/perm/own"
"$OBSAGENT" --once -q -d "$T/perm/own/obs.db" "$T/logs/$A" >/dev/null 2>&1
chmod 755 "$T/perm/own"
chmod 600 "$T/perm/own/obs.db"
[ "$(id -u)" = 0 ] || chmod 000 "$T/perm/own/obs.db"
as_other "$OBSQ" -d "$T/perm/own/obs.db" summary >"$T/p1.out" 2>&1
check_eq "an unreadable store: exit 1" "$?" 1
check_grep "... names the file, its mode and owner, the user, and what to do" "$T/p1.out" \
    "^obsq: cannot read the store $T/perm/own/obs.db as $who: the file is mode 0[0-7]00, owner [a-z0-9]+; give $who read permission, or run as its owner"
mkdir -m 755 "$T/perm/ro"
if [ "$(id -u)" = 0 ]; then chown 65534 "$T/perm/ro"; fi
as_other "$OBSAGENT" --once -q -d "$T/perm/ro/obs.db" "$T/logs/$A" >/dev/null 2>&1
chmod 555 "$T/perm/ro"
rm -f "$T/perm/ro/obs.db-shm" "$T/perm/ro/obs.db-wal" 2>/dev/null
as_other "$OBSQ" -d "$T/perm/ro/obs.db" summary >"$T/p2.out" 2>&1
check_eq "a store in a read-only directory: exit 1" "$?" 1
check_grep "... says the directory, its mode, and that SQLite must create -shm there" "$T/p2.out" \
    "cannot read the store $T/perm/ro/obs.db as $who: its directory $T/perm/ro \\(mode 0555, owner [a-z0-9]+\\) must be writable for SQLite's -shm file \\(WAL mode\\); give $who write permission on it"
if grep -q "not an obs store" "$T/p2.out"; then fail "... never 'not an obs store'" "$T/p2.out"; else pass "... never 'not an obs store'"; fi
as_other "$OBSTOP" -d "$T/perm/ro/obs.db" --dump >"$T/p3.out" 2>&1
check_grep "obstop says the same" "$T/p3.out" "^obstop: cannot read the store .* its directory $T/perm/ro \\(mode 0555"
as_other "$OBSAGENT" --once -q -d "$T/perm/ro/obs.db" "$T/logs" >"$T/p4.out" 2>&1
check_eq "the agent on a store in a read-only directory: exit 1" "$?" 1
check_grep "... says it cannot write there, and why" "$T/p4.out" \
    "cannot write the store $T/perm/ro/obs.db as $who: its directory $T/perm/ro \\(mode 0555, owner [a-z0-9]+\\) must be writable for SQLite's -wal and -shm files; give $who write permission on it, or put the store elsewhere"
chmod 755 "$T/perm/ro"

# ---- a listen address in use ---------------------------------------------------
need_clients
P=$(free_port)
"$OBSAGENT" -d "$T/l1.db" --emf-listen "tcp://127.0.0.1:$P" "$T/logs" >"$T/l1.out" 2>&1 &
first=$!
wait_grep "$T/l1.out" "EMF endpoint|listening|following" 10
"$OBSAGENT" -d "$T/l2.db" --emf-listen "tcp://127.0.0.1:$P" "$T/logs" >"$T/l2.out" 2>&1
check_eq "EMF port in use: exit 1" "$?" 1
check_grep "... names the address, the option that moves it, and another agent" "$T/l2.out" \
    "cannot listen on tcp://127.0.0.1:$P: address already in use; another obsagent may be listening there .*--emf-listen LIST .* sets another address, --no-emf-listen none"
kill -TERM "$first"
wait "$first"
M=$(free_port)
"$OBSAGENT" -d "$T/l3.db" --no-emf-listen --metrics-listen "127.0.0.1:$M" "$T/logs" >"$T/l3.out" 2>&1 &
first=$!
wait_grep "$T/l3.out" "Prometheus metrics on" 10
"$OBSAGENT" -d "$T/l4.db" --no-emf-listen --metrics-listen "127.0.0.1:$M" "$T/logs" >"$T/l4.out" 2>&1
check_eq "/metrics port in use: exit 1" "$?" 1
check_grep "... names --metrics-listen" "$T/l4.out" "in use; another obsagent may be listening there .*--metrics-listen HOST:PORT"
kill -TERM "$first"
wait "$first"

# ---- Ctrl-C during an import ---------------------------------------------------
"$LAMBDAGEN" --out "$T/big" --functions 2 --lines 400000 --seed 8 --truth "$T/big.truth" >/dev/null
BIGN=$(truth nonempty_lines "$T/big.truth")
"$OBSAGENT" --once -d "$T/int.db" "$T/big" >"$T/int.out" 2>"$T/int.err" &
pid=$!
sleep 0.7
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" = 0 ]; then
    fail "Ctrl-C: the import was done before the signal (make the corpus bigger)" "$T/int.err"
else
    check_eq "Ctrl-C during --once: exit 130" "$rc" 130
    check_grep "... says how far it got and that running again resumes" "$T/int.err" \
        "interrupted in file [0-9]+ of [0-9]+ \\([0-9.]+ of [0-9.]+ MB read, [0-9]+ lines\\); what was read is stored, and running the same command again resumes where it stopped"
    check_grep "... after the summary of what it stored" "$T/int.out" "^obsagent: imported "
    stored=$(sql "$T/int.db" 'SELECT count(*) FROM events')
    check "... what was read is stored" test "$stored" -gt 0 -a "$stored" -lt "$BIGN"
    check "the same command again: exit 0" "$OBSAGENT" --once -q -d "$T/int.db" "$T/big"
    check_eq "... resumed: every line once, none lost, none doubled" \
        "$(sql "$T/int.db" 'SELECT count(*) FROM events')" "$BIGN"
fi
check_eq "the state file says the import stopped" "$(sed -n 's/^state //p' "$T/int.db-agent")" stopped
"$OBSAGENT" --status -d "$T/int.db" >"$T/st.out" 2>&1
check_grep "--status: not running, and since when" "$T/st.out" "^agent_stopped_ms [0-9]+$"

# ---- the agent's own log ---------------------------------------------------------
"$OBSAGENT" --once -q --log-format json -d "$T/j.db" "$T/nope.log" "$T/logs/$A" >/dev/null 2>"$T/j.err"
check_eq "--log-format json: one JSON object a line, with time, level, program and message" \
    "$(node -e '
        const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
        const ok = lines.every((l) => { const o = JSON.parse(l);
            return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(o.time) && o.level === "error" &&
                   o.program === "obsagent" && o.message.includes("nope.log: no such file"); });
        console.log(lines.length, ok);' "$T/j.err")" "1 true"
timeout 1 "$OBSAGENT" -d "$T/t.db" --poll-ms 50 "$T/later" "$T/logs/$A" >/dev/null 2>"$T/t.err"
check_grep "text: time, level, program, message" "$T/t.err" \
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z warn obsagent: $T/later does not exist"
check_grep "text: info lines by default" "$T/t.err" " info obsagent: following "
timeout 1 "$OBSAGENT" -d "$T/t2.db" --log-level warn --poll-ms 50 "$T/later" "$T/logs/$A" >/dev/null 2>"$T/t2.err"
check_grep "--log-level warn: warnings" "$T/t2.err" " warn obsagent: "
if grep -q " info " "$T/t2.err"; then fail "--log-level warn: no info line" "$T/t2.err"; else pass "--log-level warn: no info line"; fi
timeout 1 "$OBSAGENT" -d "$T/t3.db" --log-level error --poll-ms 50 "$T/later" "$T/logs/$A" >/dev/null 2>"$T/t3.err"
check_eq "--log-level error: nothing while all is well" "$(cat "$T/t3.err")" ""
"$OBSAGENT" --once --log-format yaml "$T/logs" >"$T/y.out" 2>&1
check_eq "--log-format yaml: exit 2" "$?" 2
check_grep "... saying what it takes" "$T/y.out" "expected text or json"
finish
