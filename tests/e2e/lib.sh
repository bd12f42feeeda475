# tests/e2e/lib.sh — helpers for the end-to-end tests; source it from a test:
#
#   . "$(dirname "$0")/lib.sh"
#   check DESC CMD...               pass when CMD exits 0
#   check_fail DESC CMD...          pass when CMD exits non-zero
#   check_eq DESC ACTUAL EXPECTED   pass when the two strings are equal
#   check_grep DESC FILE REGEX      pass when FILE has a line matching REGEX (grep -E)
#   check_count DESC FILE N PHRASE  pass when FILE says "N PHRASE" (N a whole number)
#   truth KEY [FILE]                a value of lambdagen's --truth file ($TRUTH)
#   sql DB QUERY                    run QUERY read-only on the store, no header
#   sqlq STRING                     STRING as an SQL string literal
#   agent ARGS...                   run obsagent, stdout+stderr to $T/agent.out
#   need_clients                    node, npm, the pinned EMF client libraries ($CLIENTS)
#   store_lock DB / store_unlock    hold the store's write lock from a sqlite3 CLI
#   wait_grep FILE REGEX [SECONDS]  poll until FILE has a line matching REGEX
#   wait_sql DB SQL ANSWER          poll until the store answers ANSWER (10 s)
#   free_port                       a free TCP port on 127.0.0.1 (needs node)
#   measured OUT CMD...             run CMD, stdout to OUT; its peak RSS (getrusage, GNU
#                                   time) in $PEAK_KB, seconds in $SECS, exit status in $RC
#   finish                          print "N passed, N failed"; exit 1 if any failed
#
# Failures are printed as "FAIL test: what: expected X, got Y"; passes only
# with E2E_VERBOSE=1. $T is a fresh temporary directory, removed on exit. Binaries come from
# ${BUILD:-build}/ (obsagent, obsq, lambdagen). The store is read with the
# sqlite3 CLI in read-only mode; never touch events_fts from here (its
# tokenizer exists only inside obsagent).

set -u

BUILD=${BUILD:-build}
case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac
OBSAGENT=$BUILD/obsagent
# OBS_E2E_OBSQ: a wrapper run instead (clickhouse/suite_queries.sh records the
# queries of the query suites with it)
OBSQ=${OBS_E2E_OBSQ:-$BUILD/obsq}
LAMBDAGEN=$BUILD/lambdagen

E2E_NAME=$(basename "$0" .sh)
E2E_PASSED=0
E2E_FAILED=0
T=$(mktemp -d "${TMPDIR:-/tmp}/obs-e2e.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
TRUTH=$T/truth
unset OBS_DB
# follow mode serves the EMF endpoint on 127.0.0.1:25888 by default: the
# tests that are not about it do not bind it (test_emf_agent.sh names its
# own ports), so they run beside an agent already using the port
OBS_EMF_LISTEN=off
export OBS_EMF_LISTEN

pass()
{
    E2E_PASSED=$((E2E_PASSED + 1))
    [ -z "${E2E_VERBOSE:-}" ] || printf 'ok   %s: %s\n' "$E2E_NAME" "$1"
}

# fail DESC [DETAIL-FILE]
fail()
{
    E2E_FAILED=$((E2E_FAILED + 1))
    printf 'FAIL %s: %s\n' "$E2E_NAME" "$1"
    if [ $# -ge 2 ] && [ -s "$2" ]; then
        head -c 2000 "$2" | sed 's/^/     | /'
        echo
    fi
}

check()
{
    _desc=$1
    shift
    if "$@" >"$T/.check.out" 2>&1; then
        pass "$_desc"
    else
        fail "$_desc (exit $?: $*)" "$T/.check.out"
    fi
}

check_fail()
{
    _desc=$1
    shift
    if "$@" >"$T/.check.out" 2>&1; then
        fail "$_desc (exit 0, expected failure: $*)" "$T/.check.out"
    else
        pass "$_desc"
    fi
}

check_eq()
{
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1: expected '$3', got '$2'"
    fi
}

check_grep()
{
    if grep -Eq -- "$3" "$2" 2>/dev/null; then
        pass "$1"
    else
        fail "$1: no line matches /$3/ in:" "$2"
    fi
}

# The number must stand alone: "0 errors" does not match "10 errors".
check_count()
{
    if grep -Eq -- "(^|[^0-9])$3 $4" "$2" 2>/dev/null; then
        pass "$1"
    else
        fail "$1: expected '$3 $4' in:" "$2"
    fi
}

truth()
{
    _f=${2:-$TRUTH}
    _v=$(sed -n "s/^$1=//p" "$_f" 2>/dev/null | head -n 1)
    if [ -z "$_v" ] && ! grep -q "^$1=" "$_f" 2>/dev/null; then
        echo "MISSING-TRUTH:$1"
        return 1
    fi
    printf '%s\n' "$_v"
}

# sql DB QUERY — read the store as obsq does: read-only, and waiting (up to
# 5 s, as obsq's busy timeout) while the writer holds the WAL for a moment
# (a checkpoint that truncates it, recovery after a kill) instead of
# answering "database is locked" at once
sql()
{
    sqlite3 -batch -noheader -cmd ".timeout 5000" "file:$1?mode=ro" "$2" 2>&1
}

sqlq()
{
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

agent()
{
    "$OBSAGENT" "$@" >"$T/agent.out" 2>&1 </dev/null
}

# need PROGRAM... — stop early (counted as one failure) when a binary is missing
need()
{
    for _p in "$@"; do
        if [ ! -x "$BUILD/$_p" ]; then
            fail "missing $BUILD/$_p (run make)"
            finish
        fi
    done
}

# clients_current: npm's record of what it installed in tests/clients
# (node_modules/.package-lock.json) lists the packages of package-lock.json.
clients_current()
{
    node -e '
        const fs = require("fs");
        const pk = (f) => { const p = JSON.parse(fs.readFileSync(f, "utf8")).packages; delete p[""]; return p; };
        const a = pk(process.argv[1]), b = pk(process.argv[2]);
        const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
        const same = JSON.stringify(ka) === JSON.stringify(kb) &&
            ka.every((k) => a[k].version === b[k].version && a[k].integrity === b[k].integrity);
        process.exit(same ? 0 : 1);
    ' "$CLIENTS/package-lock.json" "$CLIENTS/node_modules/.package-lock.json" 2>/dev/null
}

# need_clients: node, npm and the real EMF client libraries pinned in
# tests/clients (npm ci when node_modules is missing or stale); sets
# $CLIENTS. Without node or npm the test fails, it is never skipped.
need_clients()
{
    CLIENTS=$(cd "$(dirname "$0")/../clients" && pwd) || { fail "tests/clients not found"; finish; }
    for _p in node npm; do
        if ! command -v "$_p" >/dev/null 2>&1; then
            fail "$_p not found: this test needs node and npm (run 'make deps' as root, or install nodejs and npm)"
            finish
        fi
    done
    if ! clients_current; then
        if ! npm ci --prefix "$CLIENTS" --no-audit --no-fund >"$T/npm.out" 2>&1; then
            fail "npm ci --prefix $CLIENTS failed (the npm registry must be reachable)" "$T/npm.out"
            finish
        fi
        check "node_modules matches package-lock.json after npm ci" clients_current
    fi
}

# measured OUT CMD... — CMD with its stdout to OUT (stderr to OUT.err), its
# peak resident memory in $PEAK_KB and its wall time in $SECS, from GNU
# time's getrusage; its exit status in $RC
measured()
{
    _out=$1
    shift
    /usr/bin/time -f '%M %e' -o "$T/.measured" "$@" >"$_out" 2>"$_out.err"
    RC=$?
    PEAK_KB=$(tail -n 1 "$T/.measured" | cut -d' ' -f1)
    SECS=$(tail -n 1 "$T/.measured" | cut -d' ' -f2)
}

# free_port — a TCP port free on 127.0.0.1 now (the kernel's choice)
free_port()
{
    node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# wait_sql DB SQL ANSWER — poll (up to 10 s) until the store answers ANSWER
wait_sql()
{
    _i=0
    while [ $_i -lt 100 ]; do
        [ "$(sql "$1" "$2")" = "$3" ] && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}

# wait_grep FILE REGEX [SECONDS] — poll until FILE has a matching line (5 s)
wait_grep()
{
    _lim=$((${3:-5} * 10))
    while [ "$_lim" -gt 0 ]; do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        _lim=$((_lim - 1))
    done
    return 1
}

# store_lock DB — hold the store's write lock from a sqlite3 CLI (BEGIN
# IMMEDIATE) until store_unlock; returns once it is held (1 if not in 10 s).
# $STORE_LOCKER is its pid (killed on exit by tests that track pids).
store_lock()
{
    rm -f "$T/lock.fifo" "$T/lock.out"
    mkfifo "$T/lock.fifo"
    sqlite3 -batch "$1" <"$T/lock.fifo" >"$T/lock.out" 2>&1 &
    STORE_LOCKER=$!
    exec 7>"$T/lock.fifo"
    printf '.timeout 10000\nBEGIN IMMEDIATE;\nSELECT '"'"'locked'"'"';\n' >&7
    _i=0
    while [ $_i -lt 100 ]; do
        grep -q '^locked$' "$T/lock.out" 2>/dev/null && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}
store_unlock()
{
    printf 'COMMIT;\n.quit\n' >&7
    exec 7>&-
    wait "$STORE_LOCKER" 2>/dev/null
}

finish()
{
    echo "$E2E_PASSED passed, $E2E_FAILED failed"
    [ "$E2E_FAILED" -eq 0 ] && exit 0
    exit 1
}
