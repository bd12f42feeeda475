#!/bin/sh
# tests/e2e/test_cli.sh — obsagent's command line: --help, exit codes, errors
# that name their cause, the store location (--db, $OBS_DB, ./obs.db), and
# how function and stream names come from the paths.
. "$(dirname "$0")/lib.sh"
need obsagent lambdagen

"$LAMBDAGEN" --out "$T/logs" --functions 2 --invocations 30 --seed 3 --format text \
    --truth "$TRUTH" || { fail "lambdagen"; finish; }
N=$(truth nonempty_lines)

# ---- help and usage ---------------------------------------------------------
check "--help exits 0" "$OBSAGENT" --help
check_grep "--help mentions --once" "$T/.check.out" "--once"
agent --no-such-option --once "$T/logs"
check_eq "unknown option: usage error, exit 2" "$?" 2
check_grep "unknown option: says which" "$T/agent.out" "no-such-option"
agent --once --db "$T/u.db" --max-line abc "$T/logs"
check_eq "--max-line abc: usage error, exit 2" "$?" 2
agent --once --db "$T/u2.db"
check_eq "--once without a path: usage error, exit 2" "$?" 2

# ---- a missing path ---------------------------------------------------------
MISSING=$T/does/not/exist.log
agent --once --db "$T/m.db" "$MISSING"
rc=$?
check_eq "missing path: exit 1" "$rc" 1
check_grep "missing path: the message names the path" "$T/agent.out" "$MISSING"

# ---- follow mode: runs until signalled, stops cleanly (details: test_follow.sh)
"$OBSAGENT" --db "$T/f.db" --poll-ms 50 "$T/logs" >"$T/follow.out" 2>&1 </dev/null &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
check_eq "without --once: follows, and SIGTERM stops it with exit 0" "$rc" 0
check_grep "without --once: says it is following" "$T/follow.out" "following"
"$OBSAGENT" --db "$T/f2.db" >"$T/follow2.out" 2>&1
check_eq "follow mode without a path: usage error, exit 2" "$?" 2
"$OBSAGENT" --db "$T/f3.db" - "$T/logs" >"$T/follow3.out" 2>&1 </dev/null
check_eq "follow mode: stdin together with files is refused, exit 2" "$?" 2

# ---- where the store is -------------------------------------------------------
mkdir -p "$T/cwd1" "$T/cwd2" "$T/cwd3"
(cd "$T/cwd1" && OBS_DB=$T/env.db "$OBSAGENT" --once --no-progress "$T/logs") >"$T/env.out" 2>&1
check_eq "OBS_DB: exit 0" "$?" 0
check_eq "OBS_DB selects the store" "$(sql "$T/env.db" 'SELECT count(*) FROM events')" "$N"
check "OBS_DB: no ./obs.db created" test ! -e "$T/cwd1/obs.db"

(cd "$T/cwd2" && "$OBSAGENT" --once --no-progress "$T/logs") >"$T/default.out" 2>&1
check_eq "default store: exit 0" "$?" 0
check_eq "default store is ./obs.db" "$(sql "$T/cwd2/obs.db" 'SELECT count(*) FROM events')" "$N"

(cd "$T/cwd3" && OBS_DB=$T/env3.db "$OBSAGENT" --once --no-progress --db "$T/flag.db" "$T/logs") >"$T/both.out" 2>&1
check_eq "--db and OBS_DB: exit 0" "$?" 0
check_eq "--db wins over OBS_DB" "$(sql "$T/flag.db" 'SELECT count(*) FROM events')" "$N"
check "--db wins: OBS_DB's store untouched" test ! -e "$T/env3.db"

# ---- function and stream names from the path --------------------------------
P=$T/paths
mkdir -p "$P/dir/fa" "$P/dir/fb/a" "$P/single/fc"
ONE=$(ls "$T/logs/orders-api/"*.log | head -n 1)
cp "$ONE" "$P/dir/fa/s1.log"
cp "$ONE" "$P/dir/fb/a/b.log"
cp "$ONE" "$P/dir/loose.log"
cp "$ONE" "$P/single/fc/only.log"
check "path mapping: import a directory" "$OBSAGENT" --once --no-progress --db "$P/d.db" "$P/dir"
check_eq "D/F/S.log -> function F, stream S" \
    "$(sql "$P/d.db" "SELECT count(*) FROM streams WHERE function = 'fa' AND stream = 's1'")" 1
check_eq "D/F/a/b.log -> function F, stream a/b" \
    "$(sql "$P/d.db" "SELECT count(*) FROM streams WHERE function = 'fb' AND stream = 'a/b'")" 1
check_eq "D/loose.log -> function loose" \
    "$(sql "$P/d.db" "SELECT count(*) FROM streams WHERE function = 'loose'")" 1
check "path mapping: import a file" "$OBSAGENT" --once --no-progress --db "$P/f.db" "$P/single/fc/only.log"
check_eq "file argument -> function = parent dir, stream = name without .log" \
    "$(sql "$P/f.db" "SELECT function || ' ' || stream || ' ' || log_group FROM streams")" "fc only /aws/lambda/fc"
check "path mapping: --function/--stream/--log-group override" \
    "$OBSAGENT" --once --no-progress --db "$P/o.db" --function fx --stream sx --log-group /custom/g "$P/single/fc/only.log"
check_eq "overrides land in streams" \
    "$(sql "$P/o.db" "SELECT function || ' ' || stream || ' ' || log_group FROM streams")" "fx sx /custom/g"
STREAM_NAME=$(basename "$ONE" .log)
check_eq "generated stream names survive ([\$LATEST] and all)" \
    "$(sql "$T/env.db" "SELECT count(*) FROM streams WHERE function = 'orders-api' AND stream = $(sqlq "$STREAM_NAME")")" 1

# ---- -q ---------------------------------------------------------------------
check "-q: exit 0" "$OBSAGENT" --once -q --db "$T/q.db" "$T/logs"
check_eq "-q: no summary on stdout" "$("$OBSAGENT" --once -q --db "$T/q.db" "$T/logs" 2>/dev/null)" ""

# ---- follow-mode options with --once or '-': refused, not ignored --------------
for opt in "--metrics-listen 127.0.0.1:9" "--telemetry-listen 127.0.0.1:9" "--emf-listen tcp://127.0.0.1:9" \
    "--extension" "--retention 7d"; do
    # shellcheck disable=SC2086
    "$OBSAGENT" --once -q --db "$T/q.db" $opt "$T/logs" >"$T/fo.out" 2>&1
    check_eq "$opt with --once: exit 2" "$?" 2
    check_grep "$opt with --once: says why" "$T/fo.out" "apply|applies in follow mode only"
done
printf 'one line\n' | "$OBSAGENT" -q --db "$T/q.db" --metrics-listen 127.0.0.1:9 - >"$T/fo.out" 2>&1
check_eq "--metrics-listen with '-' (read to its end): exit 2" "$?" 2
check "\$OBS_EMF_LISTEN does not stop --once" env OBS_EMF_LISTEN=tcp://127.0.0.1:9 \
    "$OBSAGENT" --once -q --db "$T/q.db" "$T/logs"

finish
