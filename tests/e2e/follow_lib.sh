# tests/e2e/follow_lib.sh — helpers for the follow-mode tests (source it
# after lib.sh): start_agent / stop_agent / kill_agent run obsagent in the
# background ($AGENT), counts / wait_count / numbers / expect_exact check
# that numbered lines (numbered_writer.sh, $WRITER) are stored exactly once,
# section times sections with E2E_VERBOSE. Background writers go in $BG:
# they and the agent are killed on exit.

WRITER="sh $(cd "$(dirname "$0")" && pwd)/numbered_writer.sh"
AGENT=          # pid of the running agent
BG=             # pids of background writers

cleanup()
{
    for _p in $AGENT $BG; do
        kill -KILL "$_p" 2>/dev/null
    done
    rm -rf "$T"
}
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# alive PID — running (a zombie, exited but not yet waited for, is not)
alive()
{
    _s=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$_s" ] && [ "$_s" != Z ]
}

# start_agent DIR DB ERRFILE [ARGS...] — run obsagent in follow mode in the background
start_agent()
{
    _dir=$1 _db=$2 _err=$3
    shift 3
    echo "---- start $(date +%T.%N) $*" >>"$_err"
    "$OBSAGENT" --db "$_db" --poll-ms 100 --idle-flush-ms 500 --rotate-wait-ms 1000 "$@" "$_dir" \
        >>"$_err" 2>&1 </dev/null &
    AGENT=$!
}

# started ERRFILE — the agent started last has said it is following (its
# SIGTERM handler is set from then on)
started()
{
    awk '/^---- start /{ r = 0 } /obsagent: (following|storing what|no path and no network)/{ r = 1 }
         END { exit !r }' "$1" 2>/dev/null
}

# stop_agent DESC ERRFILE — SIGTERM; the agent must exit 0 within 2 s. A
# SIGTERM before the agent has set its handler (it was started a few ms
# ago) ends it as any program (143): wait up to 5 s for it to say it runs.
stop_agent()
{
    [ -n "$AGENT" ] || return 0
    _t0=$(now_ms)
    while ! started "$2" && alive "$AGENT" && [ $(($(now_ms) - _t0)) -lt 5000 ]; do
        sleep 0.02
    done
    _t0=$(now_ms)
    kill -TERM "$AGENT" 2>/dev/null
    while alive "$AGENT" && [ $(($(now_ms) - _t0)) -lt 2000 ]; do
        sleep 0.02
    done
    if alive "$AGENT"; then
        fail "$1: still running 2 s after SIGTERM; its stderr:" "$2"
        kill -KILL "$AGENT" 2>/dev/null
        wait "$AGENT" 2>/dev/null
    else
        _el=$(($(now_ms) - _t0))
        wait "$AGENT"
        _rc=$?
        if [ "$_rc" -eq 0 ]; then
            pass "$1: SIGTERM -> exit 0 after $_el ms"
        else
            fail "$1: SIGTERM -> exit status $_rc (expected 0) after $_el ms; its stderr:" "$2"
        fi
    fi
    AGENT=
}

# kill_agent — SIGKILL, as a crash
kill_agent()
{
    [ -n "$AGENT" ] || return 0
    kill -KILL "$AGENT" 2>/dev/null
    wait "$AGENT" 2>/dev/null
    AGENT=
}

# agent_where FILE — where the running agent is (its threads' stacks, when
# gdb is here; else the kernel's wait channel): for a failure's detail
agent_where()
{
    {
        echo "---- where pid $AGENT is: $(cat "/proc/$AGENT/wchan" 2>/dev/null)"
        command -v gdb >/dev/null 2>&1 && timeout 20 gdb -p "$AGENT" -batch -ex "thread apply all bt" 2>&1 |
            grep -E '^(#|Thread)'
    } >>"$1"
}

# counts DB TAG — "total distinct" stored lines line-TAG-*
counts()
{
    sql "$1" "SELECT count(*) || ' ' || count(DISTINCT message) FROM events WHERE message LIKE '%line-$2-%'"
}

# wait_count DB TAG N [SECONDS] — poll (0.1 s steps, default up to 5 s) until
# at least N lines line-TAG-* are stored; prints "total distinct" and sets
# WAITED (ms)
wait_count()
{
    _lim=$((${4:-5} * 1000))
    _t0=$(now_ms)
    while :; do
        _c=$(counts "$1" "$2")
        _tot=${_c%% *}
        case $_tot in
        '' | *[!0-9]*) _tot=0 ;;
        esac
        [ "$_tot" -ge "$3" ] && break
        [ $(($(now_ms) - _t0)) -lt "$_lim" ] || break
        sleep 0.1
    done
    WAITED=$(($(now_ms) - _t0))
    echo "$_c"
}

# numbers DB TAG — the N of every stored line-TAG-N, one a line, sorted
numbers()
{
    sql "$1" "SELECT message FROM events WHERE message LIKE '%line-$2-%'" |
        sed -n "s/.*line-$2-\([0-9]*\)\$/\1/p" | sort -n
}

# ranges — numbers (one a line, ascending) as "a-b, c, d-e" (at most 20 ranges)
ranges()
{
    awk 'NF { if (n && $1 == e + 1) { e = $1; next }
              if (n) out = out (n > 1 ? ", " : "") (s == e ? s : s "-" e)
              s = e = $1; n++ }
         END { if (n) out = out (n > 1 ? ", " : "") (s == e ? s : s "-" e); print out }' |
        awk -F', ' '{ if (NF > 20) { NF = 20; $0 = $0 ", ..." } print }' OFS=', '
}

# not_in A B — the lines of B that are not in A
not_in() { awk 'NR == FNR { a[$0] = 1; next } !($0 in a)' "$1" "$2"; }

# expect_exact DESC DB TAG N ERRFILE [LOGDIR] — lines 1..N of TAG stored exactly
# once each; on failure, say which numbers are missing or doubled (and in
# which file they are)
expect_exact()
{
    _got=$(counts "$2" "$3")
    if [ "$_got" = "$4 $4" ]; then
        pass "$1"
        return 0
    fi
    numbers "$2" "$3" >"$T/.nums"
    seq 1 "$4" >"$T/.want"
    {
        echo "stored (total distinct): $_got, expected: $4 $4"
        _miss=$(not_in "$T/.nums" "$T/.want")
        _dup=$(uniq -d "$T/.nums")
        _extra=$(sort -n "$T/.nums" | uniq | awk -v n="$4" '$1 < 1 || $1 > n')
        printf 'missing: %s line(s): %s\n' "$(echo "$_miss" | grep -c .)" "$(echo "$_miss" | ranges)"
        printf 'doubled: %s line(s): %s\n' "$(echo "$_dup" | grep -c .)" "$(echo "$_dup" | ranges)"
        [ -z "$_extra" ] || printf 'unexpected numbers: %s\n' "$(echo "$_extra" | head -n 10 | tr '\n' ' ')"
        if [ $# -ge 6 ]; then
            for _n in $(echo "$_miss" | ranges | tr ' ,-' '\n\n\n' | head -n 12) \
                $(echo "$_dup" | ranges | tr ' ,-' '\n\n\n' | head -n 6); do
                printf 'line-%s-%s is in: %s\n' "$3" "$_n" \
                    "$(grep -rl "line-$3-$_n\$" "$6" 2>/dev/null | sed "s|^$T/||" | tr '\n' ' ')"
            done
        fi
        echo "agent stderr (tail):"
        tail -n 25 "$5"
    } >"$T/.detail"
    fail "$1: expected each of $4 lines once" "$T/.detail"
    return 1
}

# section NAME — with E2E_VERBOSE, how long the previous section took
SECTION_T0=$(now_ms)
SECTION=start
section()
{
    [ -z "${E2E_VERBOSE:-}" ] || echo "     [$SECTION: $(($(now_ms) - SECTION_T0)) ms]"
    SECTION=$1
    SECTION_T0=$(now_ms)
}

