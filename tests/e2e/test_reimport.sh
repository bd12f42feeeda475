#!/bin/sh
# tests/e2e/test_reimport.sh — `obsagent --once` imports only what is new:
# a second run adds nothing, lines appended to a file are imported exactly
# once, a file rewritten in place with other content (longer, so the size
# alone does not reveal it; or shorter) is imported as new content, and
# `-` imports standard input into --function/--stream; Lambda's retries of a
# request id are each an invocation, read again or grown.
. "$(dirname "$0")/lib.sh"
need obsagent lambdagen

"$LAMBDAGEN" --out "$T/logs" --functions 4 --invocations 80 --seed 7 --format mixed \
    --truth "$TRUTH" || { fail "lambdagen"; finish; }
DB=$T/obs.db

count_events() { sql "$DB" 'SELECT count(*) FROM events'; }
count_inv() { sql "$DB" 'SELECT count(*) FROM invocations'; }
rollup() { sql "$DB" "SELECT coalesce(sum(invocations), 0) || ' ' || coalesce(sum(events), 0) || ' ' || coalesce(sum(cold_starts), 0) FROM rollup_minute"; }

# ---- 1. first import ------------------------------------------------------
check "first import" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
E1=$(count_events)
I1=$(count_inv)
R1=$(rollup)
check_eq "first import: events == non-empty lines" "$E1" "$(truth nonempty_lines)"
check_eq "first import: invocations" "$I1" "$(truth total.invocations)"

# ---- 2. same files again: nothing new -------------------------------------
check "second import" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
cp "$T/.check.out" "$T/summary2"
check_count "second import: summary says 0 new lines" "$T/summary2" 0 "new lines"
check_count "second import: summary says 0 invocations" "$T/summary2" 0 "invocations"
check_eq "second import: events unchanged" "$(count_events)" "$E1"
check_eq "second import: invocations unchanged" "$(count_inv)" "$I1"
check_eq "second import: rollups unchanged (invocations events cold_starts)" "$(rollup)" "$R1"

# ---- 3. append 7 lines (one invocation) to a text stream ------------------
F=$(ls "$T/logs/orders-api/"*.log | head -n 1)
ID=aaaaaaaa-bbbb-4ccc-8ddd-000000000001
{
    printf 'START RequestId: %s Version: $LATEST\n' "$ID"
    for i in 1 2 3 4; do
        printf '2026-11-01T09:00:00.%03dZ\t%s\tINFO\tappended line %d\n' "$((i * 10))" "$ID" "$i"
    done
    printf 'END RequestId: %s\n' "$ID"
    printf 'REPORT RequestId: %s\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n' "$ID"
} >>"$F"
check "import after append" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
cp "$T/.check.out" "$T/summary3"
check_count "append: summary says 7 new lines" "$T/summary3" 7 "new lines"
check_count "append: summary says 1 invocations" "$T/summary3" 1 "invocations"
check_eq "append: exactly 7 more events" "$(count_events)" "$((E1 + 7))"
check_eq "append: exactly 1 more invocation" "$(count_inv)" "$((I1 + 1))"
check_eq "append: the new invocation (ok, warm, 12.34 ms, 128 MB, in orders-api)" \
    "$(sql "$DB" "SELECT outcome, cold, duration, memory_size, function FROM invocations_v WHERE request_id = '$ID'")" \
    "0|0|12.34|128000000|orders-api"
check_eq "append: appended app lines keep their own time" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE request_id = '$ID' AND message LIKE '%appended line%' AND ts >= 1793523600010 AND ts <= 1793523600040 AND (flags & 176) = 0")" 4
check_eq "append: REPORT inherits the last appended line's time" \
    "$(sql "$DB" "SELECT ts FROM events WHERE request_id = '$ID' AND type = 'REPORT'")" 1793523600040
E2=$(count_events)
I2=$(count_inv)

# ---- 4. rewrite a file in place with longer, different content -------------
F2=$(ls "$T/logs/thumbnailer/"*.log | head -n 1)
OLD_SIZE=$(wc -c <"$F2")
NEWC=$T/newcontent
printf 'INIT_START Runtime Version: python:3.12.v19\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:%s\n' \
    bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb >"$NEWC"
K=0
while [ "$(wc -c <"$NEWC")" -le $((OLD_SIZE + 100)) ]; do
    K=$((K + 1))
    id=$(printf 'cccccccc-dddd-4eee-8fff-%012d' "$K")
    printf 'START RequestId: %s Version: $LATEST\n' "$id"
    printf '[INFO]\t2026-11-01T10:%02d:%02d.500Z\t%s\trewritten content %d\n' $((K / 60 % 60)) $((K % 60)) "$id" "$K"
    printf 'END RequestId: %s\n' "$id"
    if [ "$K" -eq 1 ]; then
        printf 'REPORT RequestId: %s\tDuration: 5.00 ms\tBilled Duration: 205 ms\tMemory Size: 512 MB\tMax Memory Used: 100 MB\tInit Duration: 199.01 ms\n' "$id"
    else
        printf 'REPORT RequestId: %s\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 512 MB\tMax Memory Used: 100 MB\n' "$id"
    fi
done >>"$NEWC"
NEW_LINES=$(wc -l <"$NEWC")
cat "$NEWC" >"$F2"      # same inode, bigger than before, other first line
check "import after rewrite (longer)" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
cp "$T/.check.out" "$T/summary4"
check_count "rewrite (longer): summary says all its lines are new" "$T/summary4" "$NEW_LINES" "new lines"
check_eq "rewrite (longer): events grew by the new content's lines" "$(count_events)" "$((E2 + NEW_LINES))"
check_eq "rewrite (longer): invocations grew by its REPORTs" "$(count_inv)" "$((I2 + K))"
check_eq "rewrite (longer): the new content is in thumbnailer, with one cold start" \
    "$(sql "$DB" "SELECT count(*) || ' ' || sum(cold) FROM invocations_v WHERE function = 'thumbnailer' AND request_id LIKE 'cccccccc-%'")" \
    "$K 1"
E3=$(count_events)
I3=$(count_inv)

# ---- 5. rewrite a file in place with shorter, different content ------------
F3=$(ls "$T/logs/thumbnailer/"*.log | sed -n 2p)
ID3=eeeeeeee-ffff-4000-8000-000000000003
{
    printf 'INIT_START Runtime Version: python:3.12.v20\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:%s\n' \
        dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd
    printf 'START RequestId: %s Version: $LATEST\n' "$ID3"
    printf '[INFO]\t2026-11-01T11:00:00.000Z\t%s\tshort rewrite\n' "$ID3"
    printf 'END RequestId: %s\n' "$ID3"
    printf 'REPORT RequestId: %s\tDuration: 3.00 ms\tBilled Duration: 103 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tInit Duration: 99.50 ms\n' "$ID3"
} >"$T/short"
cat "$T/short" >"$F3"
check "import after rewrite (shorter)" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
cp "$T/.check.out" "$T/summary5"
check_count "rewrite (shorter): summary says 5 new lines" "$T/summary5" 5 "new lines"
check_eq "rewrite (shorter): 5 more events" "$(count_events)" "$((E3 + 5))"
check_eq "rewrite (shorter): 1 more invocation, cold" "$(count_inv) $(sql "$DB" "SELECT cold FROM invocations WHERE request_id = '$ID3'")" "$((I3 + 1)) 1"

# and a last run over everything adds nothing
check "import once more" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
cp "$T/.check.out" "$T/summary6"
check_count "final re-run: 0 new lines" "$T/summary6" 0 "new lines"
check_eq "final re-run: events unchanged" "$(count_events)" "$((E3 + 5))"

# ---- 6. standard input ------------------------------------------------------
S=$(ls "$T/logs/checkout/"*.log | head -n 1)
SDB=$T/stdin.db
check "stdin import: cat FILE | obsagent --once --function f --stream s -" \
    sh -c 'cat "$1" | "$2" --once --no-progress --db "$3" --function f --stream s -' sh "$S" "$OBSAGENT" "$SDB"
check_eq "stdin: events == lines of the file" \
    "$(sql "$SDB" 'SELECT count(*) FROM events')" "$(wc -l <"$S" | tr -d ' ')"
check_eq "stdin: one stream, function f, stream s, log group /aws/lambda/f" \
    "$(sql "$SDB" 'SELECT count(*), function, stream, log_group FROM streams')" "1|f|s|/aws/lambda/f"
check_eq "stdin: invocations of f == platform.report lines" \
    "$(sql "$SDB" "SELECT count(*) FROM invocations_v WHERE function = 'f'")" "$(grep -c '"type":"platform.report"' "$S")"
check_eq "stdin: rollups are under f" \
    "$(sql "$SDB" "SELECT count(DISTINCT function) || ' ' || min(function) FROM rollup_minute")" "1 f"
# a pipe is read as it comes, many reads long (nothing of a file's checks applies)
awk 'BEGIN { for (i = 1; i <= 20000; i++) printf "2026-11-01T00:00:00.000Z\tx\tINFO\tpiped line %d\n", i }' |
    "$OBSAGENT" --once --no-progress --db "$T/pipe.db" --function p - >/dev/null 2>&1
check_eq "stdin: 20,000 lines through a pipe (many reads): each stored once" \
    "$(sql "$T/pipe.db" "SELECT count(*) || ' ' || count(DISTINCT message) FROM events")" "20000 20000"

# ---- 7. Lambda's retries of one request id, the file read again and grown ----
# An async invocation that times out is run again under the same request id:
# each attempt (START .. REPORT) is an invocation. Read again, nothing is a
# new attempt; the third attempt's END and REPORT appended end attempt 3.
RID=98d5d505-8020-4c72-9d15-0a7ea46f1e39
mkdir -p "$T/retry/fn"
RF=$T/retry/fn/s.log
attempt() {
    printf 'START RequestId: %s Version: $LATEST\n[fn] starting %s\n' "$RID" "$1"
    printf 'END RequestId: %s\n' "$RID"
    printf 'REPORT RequestId: %s\tDuration: 120000.00 ms\tBilled Duration: %s ms\tMemory Size: 256 MB\tMax Memory Used: 200 MB\t%sStatus: timeout\n' \
        "$RID" "$2" "$3"
}
{
    attempt 1 120552 "$(printf 'Init Duration: 551.53 ms\t')"
    attempt 2 120000 ''
    printf 'START RequestId: %s Version: $LATEST\n[fn] starting 3\n' "$RID"
} >"$RF"
RDB=$T/retry.db
retry_state() {
    sql "$RDB" "SELECT group_concat(attempt || ':' || coalesce(billed_duration, '-') || ':' || outcome, ' ')
                FROM (SELECT * FROM invocations ORDER BY attempt)"
    sql "$RDB" "SELECT sum(invocations) || ' ' || sum(timeouts) || ' ' || sum(billed_sum) || ' ' || sum(cold_starts)
                FROM rollup_minute"
}
check "retries: import" "$OBSAGENT" --once --no-progress --db "$RDB" "$T/retry"
check_eq "retries: each attempt an invocation; the rollups count the two ended" "$(retry_state | tr '\n' '|')" \
    "1:120552.0:2 2:120000.0:2 3:-:0|2 2 240552.0 1|"
check_eq "retries: the REPORT events as they are" "$(sql "$RDB" "SELECT count(*) FROM events WHERE type = 'REPORT'")" 2
check "retries: import again" "$OBSAGENT" --once --no-progress --db "$RDB" "$T/retry"
check_eq "retries: read again, no new attempt" "$(retry_state | tr '\n' '|')" \
    "1:120552.0:2 2:120000.0:2 3:-:0|2 2 240552.0 1|"
printf 'END RequestId: %s\nREPORT RequestId: %s\tDuration: 120000.00 ms\tBilled Duration: 120000 ms\tMemory Size: 256 MB\tMax Memory Used: 200 MB\tStatus: timeout\n' \
    "$RID" "$RID" >>"$RF"
check "retries: import the appended lines" "$OBSAGENT" --once --no-progress --db "$RDB" "$T/retry"
check_eq "retries: the appended END and REPORT end attempt 3" "$(retry_state | tr '\n' '|')" \
    "1:120552.0:2 2:120000.0:2 3:120000.0:2|3 3 360552.0 1|"

finish
