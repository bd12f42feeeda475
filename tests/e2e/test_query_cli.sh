#!/bin/sh
# tests/e2e/test_query_cli.sh — obsq's event views and live mode on a small
# hand-written store: --request prints every event of one invocation (print
# lines between START and REPORT included, other invocations not; every
# attempt of a request Lambda ran again), --context
# N prints N neighbours in the same stream around each match, --follow
# prints matches that arrive after it started exactly once, --explain shows
# the SQL and SQLite's plan (and the parts of a split run, --threads).
. "$(dirname "$0")/lib.sh"
need obsagent obsq

mkdir -p "$T/logs/fn"
LOG="$T/logs/fn/s1.log"
{
    printf 'START RequestId: aaaa1111-0000-0000-0000-000000000001 Version: $LATEST\n'
    printf '2026-11-01T00:00:00.000Z\taaaa1111-0000-0000-0000-000000000001\tINFO\tone\n'
    printf 'plain print line\n'
    printf '2026-11-01T00:00:00.200Z\taaaa1111-0000-0000-0000-000000000001\tERROR\tfirst boom\n'
    printf 'END RequestId: aaaa1111-0000-0000-0000-000000000001\n'
    printf 'REPORT RequestId: aaaa1111-0000-0000-0000-000000000001\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\n'
    printf 'START RequestId: bbbb2222-0000-0000-0000-000000000002 Version: $LATEST\n'
    printf '2026-11-01T00:00:01.000Z\tbbbb2222-0000-0000-0000-000000000002\tINFO\ttwo\n'
    printf 'END RequestId: bbbb2222-0000-0000-0000-000000000002\n'
    printf 'REPORT RequestId: bbbb2222-0000-0000-0000-000000000002\tDuration: 6.00 ms\tBilled Duration: 6 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\n'
} > "$LOG"
DB=$T/obs.db
check "import" "$OBSAGENT" --once -q --no-progress --db "$DB" "$T/logs"

# --request
"$OBSQ" --db "$DB" -o csv --request aaaa1111-0000-0000-0000-000000000001 > "$T/req.csv" 2>&1
check_eq "--request: header + the 6 events of the invocation" "$(wc -l < "$T/req.csv" | tr -d ' ')" 7
check_eq "--request: the print line between START and REPORT is included" \
    "$(grep -c 'plain print line' "$T/req.csv")" 1
check_eq "--request: nothing of the other invocation" "$(grep -c bbbb2222 "$T/req.csv")" 0
check_eq "--request: starts with START, ends with REPORT" \
    "$(sed -n 2p "$T/req.csv" | cut -d, -f2)$(tail -n 1 "$T/req.csv" | cut -d, -f2)" '"START""REPORT"'
"$OBSQ" --db "$DB" --request nosuch > "$T/none.out" 2>&1
check_eq "--request of an unknown id exits 1" "$?" 1
check_grep "--request of an unknown id says so" "$T/none.out" "no event names request id 'nosuch'"

# --request of a request Lambda ran twice (an async retry, same request id):
# both attempts, from the first START to the last REPORT
C=cccc3333-0000-0000-0000-000000000003
mkdir -p "$T/retry/fn"
{
    printf '2026-11-01T00:00:01.000Z\tdddd4444-0000-0000-0000-000000000004\tINFO\tbefore\n'
    printf 'START RequestId: %s Version: $LATEST\n' "$C"
    printf '2026-11-01T00:00:02.000Z\t%s\tINFO\tattempt one\n' "$C"
    printf 'END RequestId: %s\n' "$C"
    printf 'REPORT RequestId: %s\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout\n' "$C"
    printf 'START RequestId: %s Version: $LATEST\n' "$C"
    printf '2026-11-01T00:05:00.000Z\t%s\tINFO\tattempt two\n' "$C"
    printf 'END RequestId: %s\n' "$C"
    printf 'REPORT RequestId: %s\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout\n' "$C"
} >"$T/retry/fn/s.log"
check "import the retried request" "$OBSAGENT" --once -q --no-progress --db "$T/retry.db" "$T/retry"
"$OBSQ" --db "$T/retry.db" -o csv --request "$C" > "$T/retry.csv" 2>&1
check_eq "--request of a retried request: header + both attempts' 8 events" "$(wc -l < "$T/retry.csv" | tr -d ' ')" 9
check_eq "--request of a retried request: ends with the second attempt's REPORT" \
    "$(grep -c 'attempt two' "$T/retry.csv")$(tail -n 1 "$T/retry.csv" | cut -d, -f2)" '1"REPORT"'

# --context
"$OBSQ" --db "$DB" -o csv --context 1 'filter @message like "boom"' > "$T/ctx.csv" 2>&1
check_eq "--context 1: header + before, match, after" "$(wc -l < "$T/ctx.csv" | tr -d ' ')" 4
check_eq "--context 1: the match is marked" "$(grep '^">"' "$T/ctx.csv" | grep -c 'first boom')" 1
check_eq "--context 1: the neighbours are the print line and END" \
    "$(grep -c 'plain print line\|END RequestId' "$T/ctx.csv")" 2
"$OBSQ" --db "$DB" --context 1 'stats count(*)' > "$T/ctxs.out" 2>&1
check_eq "--context on a stats query exits 1" "$?" 1
check_grep "--context on a stats query says why" "$T/ctxs.out" "needs a query that returns events"

# --explain
"$OBSQ" --db "$DB" --explain 'filter @message like "boom" | stats count(*)' > "$T/explain.out" 2>&1
check_grep "--explain prints the SQL" "$T/explain.out" "events_fts MATCH"
check_grep "--explain prints SQLite's plan" "$T/explain.out" "SQLite plan"

# --threads: a number from 1 to 64; 1 never splits, N splits even this store
"$OBSQ" --db "$DB" --threads 0 'stats count(*)' > "$T/thr.out" 2>&1
check_eq "--threads 0: exit 2" "$?" 2
check_grep "--threads 0: says what it takes" "$T/thr.out" "^obsq: --threads takes a number from 1 to 64, not '0'"
"$OBSQ" --db "$DB" --explain --threads 1 'stats count(*), max(@duration)' > "$T/thr1.out" 2>&1
check_eq "--threads 1: not split" "$(grep -c '^-- run as' "$T/thr1.out")" 0
"$OBSQ" --db "$DB" --explain --threads 2 'stats count(*), max(@duration)' > "$T/thr2.out" 2>&1
check_grep "--threads 2: split in parts of the event ids" "$T/thr2.out" "^-- run as 8 parts \(ranges of the event ids 1\.\.[0-9]+\) on 2 threads"
check_eq "--threads 2: the same answer" "$("$OBSQ" --db "$DB" -o csv --threads 2 'stats count(*), max(@duration)')" \
    "$("$OBSQ" --db "$DB" -o csv --threads 1 'stats count(*), max(@duration)')"

# an expression nested deeper than SQLite's parser takes: said so, exit 1
deep="fields $(printf 'abs(%.0s' $(seq 1 40))1$(printf ')%.0s' $(seq 1 40)) as x"
"$OBSQ" --db "$DB" "$deep" > "$T/deep.out" 2>&1
check_eq "deep nesting: exit 1" "$?" 1
check_grep "deep nesting: said so, with what to do" "$T/deep.out" \
    "^obsq: the query nests expressions deeper than SQLite can compile .*: use fewer nested"

# --follow: the existing match, then one appended while it runs, once each
timeout 5 "$OBSQ" --db "$DB" -o csv --follow --interval 0.2 \
    'filter @message like "boom" | fields @message' > "$T/follow.csv" 2>&1 &
pid=$!
sleep 1
printf '2026-11-01T00:00:02.000Z\tbbbb2222-0000-0000-0000-000000000002\tERROR\tsecond boom\n' >> "$LOG"
"$OBSAGENT" --once -q --no-progress --db "$DB" "$T/logs"
sleep 1.5
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check_eq "--follow: first boom printed once" "$(grep -c 'first boom' "$T/follow.csv")" 1
check_eq "--follow: the new match printed once" "$(grep -c 'second boom' "$T/follow.csv")" 1
check_eq "--follow: one header line" "$(grep -c '^"@message"$' "$T/follow.csv")" 1

finish
