#!/bin/sh
# tests/e2e/test_kill_order.sh — an import SIGKILLed at arbitrary moments,
# then restarted, stores every line exactly once and in file order: nothing
# lost, nothing doubled, nothing reordered, no message altered. It guards
# the writer's path from the line read to the row committed (a writer
# thread behind an in-memory queue must keep this).
#
# The lines are generated here, each unique and numbered in its file: 12
# streams (3 functions x 4 streams) of application lines, Lambda START / END /
# REPORT lines (one request id per invocation, its own duration) and EMF
# documents (a metric value per document), so parsing, invocations, metrics
# and rollups all run.
#   1. --once: KILL_ONCE_RUNS (default 5) imports, each SIGKILLed after a
#      random 0.2-1.5 s (a run that ended first has fresh lines appended to
#      every file before the next, so later kills land mid-import too), then
#      one import to its end.
#   2. follow: a writer appends the lines in chunks while the agent follows
#      the directory; KILL_FOLLOW_RUNS (default 4) times it is SIGKILLed at a
#      random moment and restarted; it catches up and is stopped by SIGTERM.
# After each: for every stream the stored messages in id order are the
# file's lines, byte for byte (the first difference is printed with what is
# missing, doubled or reordered); every request id is one invocation of its
# stream with its REPORT's duration; every EMF document gave one metric
# point; the rollups count each line and invocation once.
# KILL_SEED fixes the random moments (the seed is printed on failure);
# E2E_VERBOSE=1 says where each kill landed.
. "$(dirname "$0")/lib.sh"
need obsagent
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }
. "$(dirname "$0")/follow_lib.sh"

ONCE_RUNS=${KILL_ONCE_RUNS:-5}
FOLLOW_RUNS=${KILL_FOLLOW_RUNS:-4}
SEED=${KILL_SEED:-$(($(date +%s%N) % 1000000007))}
FUNCS="fa fb fc"
STREAMS="s1 s2 s3 s4"
NSTREAMS=12

# delays N MIN MAX — N random delays (seconds, 2 decimals) in [MIN, MAX],
# one a line, from $SEED and a salt (so each section has its own)
delays()
{
    awk -v n="$1" -v lo="$2" -v hi="$3" -v s="$SEED" -v salt="$4" 'BEGIN {
        srand(s + salt)
        for (i = 0; i < n; i++) printf "%.2f\n", lo + rand() * (hi - lo)
    }'
}

# Timestamps an hour or two ago (not absurd, EMF Timestamps within
# CloudWatch's window), 2 ms apart
BASE=$(($(date +%s) / 3600 * 3600 - 3600))
HOUR=$(date -u -d "@$BASE" +%Y-%m-%dT%H)

# gen FILE FUNC STREAM FIDX K0 K1 SIDE — appends invocations K0..K1 (10
# lines each: START, 6 application lines, an EMF document, END, REPORT;
# invocation K is lines 10K-9..10K of the file) to FILE, "function/stream
# request-id duration" of each to SIDE.inv, each EMF value to SIDE.emf
gen()
{
    awk -v fn="$2" -v st="$3" -v fi="$4" -v k0="$5" -v k1="$6" -v base="$BASE" -v hour="$HOUR" \
        -v inv="$7.inv" -v emf="$7.emf" 'BEGIN {
        pad = "the quick brown fox jumps over the lazy dog 0123456789"
        n = (k0 - 1) * 10
        for (k = k0; k <= k1; k++) {
            id = sprintf("6b1e%04x-%04x-4c2d-8e3f-%012x", fi, k % 65536, k)
            d = sprintf("%d.%02d", k % 997 + 1, k % 100)
            print "START RequestId: " id " Version: $LATEST"; n++
            for (j = 0; j < 7; j++) {
                n++
                ms = n * 2
                t = sprintf("%s:%02d:%02d.%03dZ", hour, int(ms / 60000), int(ms / 1000) % 60, ms % 1000)
                if (j == 4) {
                    printf "{\"_aws\":{\"Timestamp\":%.0f,\"CloudWatchMetrics\":[{\"Namespace\":\"T\",\"Dimensions\":[[\"f\"]],\"Metrics\":[{\"Name\":\"m\",\"Unit\":\"Count\"}]}]},\"f\":\"%s\",\"m\":%d,\"line\":\"%s/%s n=%d\"}\n", \
                        base * 1000 + ms, fn, n, fn, st, n
                    print n >>emf
                    continue
                }
                printf "%s\t%s\t%s\tline f=%s/%s n=%d %s\n", t, id, (j == 2 ? "WARN" : "INFO"), fn, st, n, pad
            }
            print "END RequestId: " id; n++
            printf "REPORT RequestId: %s\tDuration: %s ms\tBilled Duration: %d ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n", \
                id, d, k % 997 + 2; n++
            print fn "/" st " " id " " d >>inv
        }
    }' >>"$1"
}

# gen_all DIR K0 K1 SIDE — invocations K0..K1 appended to the 12 streams
# DIR/<function>/<stream>.log
gen_all()
{
    _fi=0
    for _f in $FUNCS; do
        mkdir -p "$1/$_f"
        for _s in $STREAMS; do
            _fi=$((_fi + 1))
            gen "$1/$_f/$_s.log" "$_f" "$_s" "$_fi" "$2" "$3" "$4"
        done
    done
}

total_events() { sql "$1" 'SELECT count(*) FROM events' 2>/dev/null | grep -E '^[0-9]+$' || echo 0; }

# same_lines DESC EXPECTED GOT — GOT has EXPECTED's lines in its order; else
# the first differing line and what is missing, doubled or out of order
same_lines()
{
    if cmp -s "$2" "$3"; then
        pass "$1"
        return 0
    fi
    LC_ALL=C sort "$2" >"$T/.exp.sorted"
    LC_ALL=C sort "$3" >"$T/.got.sorted"
    {
        printf 'expected %s lines, got %s\n' "$(wc -l <"$2")" "$(wc -l <"$3")"
        awk 'NR == FNR { e[NR] = $0; ne = NR; next }
             { ng++; if (ng > ne || e[ng] != $0) { d = ng; g = $0; exit } }
             END { if (!d) { d = ng + 1; g = "(nothing: got ends here)" }
                   printf "first difference at line %d\n  expected: %s\n  got:      %s\n", d, (d <= ne ? e[d] : "(nothing: expected ends here)"), g }' \
            "$2" "$3"
        _miss=$(LC_ALL=C comm -23 "$T/.exp.sorted" "$T/.got.sorted" | grep -c '')
        _extra=$(uniq "$T/.got.sorted" | LC_ALL=C comm -13 "$T/.exp.sorted" - | grep -c '')
        _dup=$(uniq -d "$T/.got.sorted" | grep -c '')
        printf 'missing: %s line(s); not in the file: %s; doubled: %s line(s)\n' \
            "$_miss" "$_extra" "$_dup"
        LC_ALL=C comm -23 "$T/.exp.sorted" "$T/.got.sorted" | head -n 3 | sed 's/^/  missing: /'
        uniq -d "$T/.got.sorted" | head -n 3 | sed 's/^/  doubled: /'
        if [ "$_miss$_extra" = 00 ] && [ "$_dup" = 0 ]; then
            echo "the same lines, each once, in another order"
        fi
    } >"$T/.detail"
    fail "$1 (KILL_SEED=$SEED)" "$T/.detail"
    return 1
}

# verify LABEL DB LOGDIR SIDE — the store holds LOGDIR's lines exactly
verify()
{
    _lab=$1 _db=$2 _dir=$3 _side=$4
    _want=$(cat "$_dir"/*/*.log | wc -l)
    check_eq "$_lab: $_want lines stored as $_want events" "$(total_events "$_db")" "$_want"
    check_eq "$_lab: $NSTREAMS streams" "$(sql "$_db" 'SELECT count(*) FROM streams')" "$NSTREAMS"
    for _f in $FUNCS; do
        for _s in $STREAMS; do
            sql "$_db" "SELECT e.message FROM events e JOIN streams s ON s.id = e.stream_id
                        WHERE s.function = '$_f' AND s.stream = '$_s' ORDER BY e.id" >"$T/got.log"
            same_lines "$_lab: $_f/$_s: every line once, in file order, byte for byte" \
                "$_dir/$_f/$_s.log" "$T/got.log"
        done
    done
    # invocations: each request id once, in its stream, with its REPORT's duration
    LC_ALL=C sort "$_side.inv" >"$T/inv.want"
    sql "$_db" "SELECT s.function || '/' || s.stream || ' ' || i.request_id || ' ' || printf('%.2f', i.duration)
                FROM invocations i JOIN streams s ON s.id = i.stream_id" | LC_ALL=C sort >"$T/inv.got"
    same_lines "$_lab: each request id one invocation, in its stream, with its REPORT duration" \
        "$T/inv.want" "$T/inv.got"
    # EMF: one point per document, carried by its event, the values summed once
    _ne=$(wc -l <"$_side.emf")
    _sum=$(awk '{ s += $1 } END { printf "%.0f", s }' "$_side.emf")
    check_eq "$_lab: EMF: documents, points, points of distinct EMF events, sum of values" \
        "$(sql "$_db" "SELECT (SELECT count(*) FROM events WHERE emf = 1) || ' ' || count(*) || ' ' ||
                       count(DISTINCT e.id) || ' ' || printf('%d', sum(p.value))
                       FROM metric_points p JOIN events e ON e.id = p.event_id AND e.emf = 1")" \
        "$_ne $_ne $_ne $_sum"
    check_eq "$_lab: rollups count each line, invocation and EMF value once" \
        "$(sql "$_db" "SELECT (SELECT sum(events) || ' ' || sum(invocations) FROM rollup_minute) || ' ' ||
                       (SELECT sum(events) || ' ' || sum(invocations) FROM rollup_hour) || ' ' ||
                       (SELECT sum(count) || ' ' || printf('%d', sum(sum)) FROM metric_rollup_minute)")" \
        "$_want $(wc -l <"$_side.inv") $_want $(wc -l <"$_side.inv") $_ne $_sum"
}

# ---- 1. --once, SIGKILLed and restarted ------------------------------------------
section "1. --once"
L=$T/once/logs
DB=$T/once.db
ERR=$T/once.err
# 4,000 invocations a stream, 480,000 lines: an import of about 3 s here.
# When a run ends before its kill, the next would find nothing to do: TOPUP
# more invocations a stream (300,000 lines, an import longer than the
# longest wait) are appended to every file first, so that its kill lands
# mid-import too (the files grow between runs, as logs do).
NINV=${KILL_ONCE_INVOCATIONS:-4000}
TOPUP=${KILL_ONCE_TOPUP:-2500}
gen_all "$L" 1 "$NINV" "$T/once"
WANT=$(cat "$L"/*/*.log | wc -l)
MID=0
ENDED=0
i=0
for d in $(delays "$ONCE_RUNS" 0.2 1.5 1); do
    i=$((i + 1))
    if [ "$ENDED" -eq 1 ]; then
        gen_all "$L" $((NINV + 1)) $((NINV + TOPUP)) "$T/once"
        NINV=$((NINV + TOPUP))
        WANT=$(cat "$L"/*/*.log | wc -l)
        echo "---- files grown to $WANT lines" >>"$ERR"
    fi
    ENDED=0
    echo "---- run $i, kill after $d s" >>"$ERR"
    "$OBSAGENT" --once --no-progress --db "$DB" "$L" >>"$ERR" 2>&1 </dev/null &
    P=$!
    AGENT=$P        # killed on exit (follow_lib.sh's cleanup)
    sleep "$d"
    if alive "$P"; then
        kill -KILL "$P"
        wait "$P" 2>/dev/null
        _got=$(total_events "$DB")
        [ "$_got" -ge "$WANT" ] || MID=$((MID + 1))
        _how="killed at $_got of $WANT lines"
    else
        wait "$P"
        _how="had ended (exit $?) at $(total_events "$DB") of $WANT lines"
        ENDED=1
    fi
    AGENT=
    [ -z "${E2E_VERBOSE:-}" ] || echo "     1. run $i: after $d s: $_how"
done
check "1. a last --once import runs to its end" "$OBSAGENT" --once --no-progress --db "$DB" "$L"
[ -z "${E2E_VERBOSE:-}" ] || echo "     1. $MID of $ONCE_RUNS kills landed mid-import"
check "1. at least one of the $ONCE_RUNS kills landed mid-import (KILL_SEED=$SEED)" test "$MID" -ge 1
verify "1. --once, $MID SIGKILLs mid-import" "$DB" "$L" "$T/once"

# ---- 2. follow mode, SIGKILLed and restarted while a writer appends ----------------
section "2. follow"
SRC=$T/fsrc
L=$T/follow/logs
DB=$T/follow.db
ERR=$T/follow.err
gen_all "$SRC" 1 "${KILL_FOLLOW_INVOCATIONS:-2000}" "$T/follow"
WANT=$(cat "$SRC"/*/*.log | wc -l)
# chunks of 250 lines (about 30 KiB, one write each), appended a round at a
# time to every stream
for f in $FUNCS; do
    mkdir -p "$L/$f"
    for s in $STREAMS; do
        split -l 250 -d -a 4 "$SRC/$f/$s.log" "$SRC/$f/$s.chunk."
    done
done
NCHUNKS=$(find "$SRC/fa" -name 's1.chunk.*' | wc -l)
writer()
{
    _k=0
    while [ "$_k" -lt "$NCHUNKS" ]; do
        _c=$(printf '%04d' "$_k")
        for _f in $FUNCS; do
            for _s in $STREAMS; do
                cat "$SRC/$_f/$_s.chunk.$_c" >>"$L/$_f/$_s.log" || exit 1
            done
        done
        _k=$((_k + 1))
        sleep "${KILL_FOLLOW_PAUSE:-0.03}"
    done
}
# --batch-ms 250 (default 1000): several commits between two kills, so that
# each kill lands after checkpoints were committed, not only before the first
start_agent "$L" "$DB" "$ERR" --batch-ms 250
writer &
W=$!
BG=$W
MID=0
i=0
for d in $(delays "$FOLLOW_RUNS" 0.3 1.5 2); do
    i=$((i + 1))
    sleep "$d"
    echo "---- kill $i after $d s" >>"$ERR"
    kill_agent
    _got=$(total_events "$DB")
    _on=$(cat "$L"/*/*.log | wc -l)
    [ "$_got" -ge "$_on" ] || MID=$((MID + 1))
    [ -z "${E2E_VERBOSE:-}" ] || echo "     2. kill $i after $d s: $_got lines stored of $_on written$(alive "$W" && echo ', writer running')"
    start_agent "$L" "$DB" "$ERR" --batch-ms 250
done
wait "$W"
BG=
check_eq "2. the writer appended all $WANT lines" "$(cat "$L"/*/*.log | wc -l)" "$WANT"
_t0=$(now_ms)
while [ "$(total_events "$DB")" -lt "$WANT" ] && [ $(($(now_ms) - _t0)) -lt 120000 ]; do
    sleep 0.2
done
check_eq "2. the restarted agent caught up within 120 s" "$(total_events "$DB")" "$WANT"
sleep 0.3
stop_agent "2. follow agent after $FOLLOW_RUNS SIGKILLs" "$ERR"
[ -z "${E2E_VERBOSE:-}" ] || echo "     2. $MID of $FOLLOW_RUNS kills landed with lines written and not yet stored"
check "2. at least one of the $FOLLOW_RUNS kills landed with lines not yet stored (KILL_SEED=$SEED)" test "$MID" -ge 1
verify "2. follow, $FOLLOW_RUNS SIGKILLs" "$DB" "$L" "$T/follow"

section end
finish
