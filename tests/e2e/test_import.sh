#!/bin/sh
# tests/e2e/test_import.sh — import a generated mixed corpus (text and JSON
# log format, Node/Python/.NET/Go) with `obsagent --once`, then compare the
# store with lambdagen's ground truth: events, invocations and their outcomes,
# cold starts, throttle signals, rollups, REPORT fields, and the time flags.
# The corpus is fixed; to try others: IMPORT_SEED, IMPORT_FORMAT (text, json,
# mixed), IMPORT_FUNCTIONS, IMPORT_INVOCATIONS.
. "$(dirname "$0")/lib.sh"
need obsagent lambdagen

START_MS=1793491200000          # 2026-11-01T00:00:00Z
END_MS=$((START_MS + 5 * 3600 * 1000))

"$LAMBDAGEN" --out "$T/logs" --functions "${IMPORT_FUNCTIONS:-8}" --invocations "${IMPORT_INVOCATIONS:-300}" \
    --seed "${IMPORT_SEED:-42}" --format "${IMPORT_FORMAT:-mixed}" \
    --start 2026-11-01T00:00:00Z --truth "$TRUTH" || { fail "lambdagen"; finish; }

DB=$T/obs.db
check "obsagent --once imports the corpus" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
cp "$T/.check.out" "$T/summary1"

# ---- summary ------------------------------------------------------------
check_count "summary: files" "$T/summary1" "$(truth files)" "files"
check_grep "summary: 'imported N files'" "$T/summary1" "imported $(truth files) files"
check_count "summary: lines" "$T/summary1" "$(truth lines)" "lines"
check_count "summary: new lines" "$T/summary1" "$(truth lines)" "new lines"
check_count "summary: empty lines" "$T/summary1" 0 "empty lines"
check_count "summary: invocations" "$T/summary1" "$(truth total.invocations)" "invocations"
check_count "summary: cold starts" "$T/summary1" "$(truth total.cold_starts)" "cold starts"
check_count "summary: errors (failed invocations)" "$T/summary1" \
    "$(( $(truth total.errors) + $(truth total.timeouts) + $(truth total.crashes) + $(truth total.oom) ))" "errors"
check_count "summary: handler errors" "$T/summary1" "$(truth total.errors)" "handler errors"
check_count "summary: timeouts" "$T/summary1" "$(truth total.timeouts)" "timeouts"
check_count "summary: crashes" "$T/summary1" "$(truth total.crashes)" "crashes"
check_count "summary: throttle signals" "$T/summary1" "$(truth total.throttle_lines)" "throttle signals"
check_count "summary: truncated" "$T/summary1" 0 "truncated"
check_count "summary: invalid UTF-8" "$T/summary1" 0 "invalid UTF-8"

# ---- totals -------------------------------------------------------------
check_eq "events stored == non-empty lines" \
    "$(sql "$DB" 'SELECT count(*) FROM events')" "$(truth nonempty_lines)"
check_eq "invocations == REPORT lines" \
    "$(sql "$DB" 'SELECT count(*) FROM invocations')" "$(truth total.invocations)"
check_eq "streams == files" \
    "$(sql "$DB" 'SELECT count(*) FROM streams')" "$(truth files)"
check_eq "every source file recorded" \
    "$(sql "$DB" 'SELECT count(*) FROM sources')" "$(truth files)"
check_eq "no event flagged truncated/invalid/NUL/no-newline" \
    "$(sql "$DB" 'SELECT count(*) FROM events WHERE flags & 15')" 0
check_eq "own or inherited times lie in the generated window" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE (flags & 32) = 0 AND (ts < $START_MS OR ts > $END_MS)")" 0
check_eq "every invocation has a stream" \
    "$(sql "$DB" 'SELECT count(*) FROM invocations WHERE stream_id NOT IN (SELECT id FROM streams)')" 0

# ---- per function -------------------------------------------------------
TEXT_REPORTS=0
for fn in $(truth functions); do
    q=$(sqlq "$fn")
    fmt=$(truth "fn.$fn.format")
    mb=$(truth "fn.$fn.memory_mb")
    inv=$(truth "fn.$fn.invocations")
    [ "$fmt" = text ] && TEXT_REPORTS=$((TEXT_REPORTS + $(truth "fn.$fn.report_lines")))

    check_eq "$fn ($fmt): events" \
        "$(sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = $q")" \
        "$(truth "fn.$fn.nonempty_lines")"
    check_eq "$fn: streams" \
        "$(sql "$DB" "SELECT count(*) FROM streams WHERE function = $q")" "$(truth "fn.$fn.streams")"
    check_eq "$fn: log group" \
        "$(sql "$DB" "SELECT count(*) FROM streams WHERE function = $q AND log_group = '/aws/lambda/' || function")" \
        "$(truth "fn.$fn.streams")"
    check_eq "$fn: invocations" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q")" "$inv"
    check_eq "$fn: cold starts" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND cold = 1")" \
        "$(truth "fn.$fn.cold_starts")"
    check_eq "$fn: cold starts carry init_duration" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND cold = 1 AND init_duration > 0")" \
        "$(truth "fn.$fn.cold_starts")"
    check_eq "$fn: outcome error" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND outcome = 1")" \
        "$(truth "fn.$fn.errors")"
    check_eq "$fn: outcome timeout" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND outcome = 2")" \
        "$(truth "fn.$fn.timeouts")"
    check_eq "$fn: outcome crash" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND outcome = 3")" \
        "$(truth "fn.$fn.crashes")"
    check_eq "$fn: crashes have error_type Runtime.ExitError" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND outcome = 3 AND error_type = 'Runtime.ExitError'")" \
        "$(truth "fn.$fn.crashes")"
    check_eq "$fn: outcome oom" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND outcome = 4")" \
        "$(truth "fn.$fn.oom")"
    check_eq "$fn: oom has error_type Runtime.OutOfMemory" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND outcome = 4 AND error_type = 'Runtime.OutOfMemory'")" \
        "$(truth "fn.$fn.oom")"
    check_eq "$fn: invocations complete (start, end, duration, memory in bytes)" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND start_ts IS NOT NULL AND end_ts IS NOT NULL AND duration > 0 AND billed_duration >= duration AND memory_size = $mb * 1000000 AND max_memory_used > 0 AND max_memory_used <= memory_size")" \
        "$inv"

    check_eq "$fn: REPORT events" \
        "$(sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = $q AND e.type IN ('REPORT', 'platform.report')")" \
        "$(truth "fn.$fn.report_lines")"
    check_eq "$fn: START events" \
        "$(sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = $q AND e.type IN ('START', 'platform.start')")" \
        "$(truth "fn.$fn.start_lines")"
    check_eq "$fn: REPORT @memorySize in bytes (MB * 1000000)" \
        "$(sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = $q AND e.type IN ('REPORT', 'platform.report') AND e.memory_size = $mb * 1000000 AND e.max_memory_used <= e.memory_size AND e.duration > 0")" \
        "$(truth "fn.$fn.report_lines")"
    check_eq "$fn: throttle-signal events" \
        "$(sql "$DB" "SELECT count(*) FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = $q AND e.throttle IS NOT NULL")" \
        "$(truth "fn.$fn.throttle_lines")"

    ver=$(truth "fn.$fn.version")
    check_eq "$fn: invocation version $ver" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND version = $(sqlq "$ver")")" "$inv"
    if [ "$(truth "fn.$fn.xray")" = 1 ]; then xr=$inv; else xr=0; fi
    check_eq "$fn: X-Ray trace ids" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = $q AND xray_trace_id LIKE '1-%'")" "$xr"
    check_eq "$fn: stream runtime_version" \
        "$(sql "$DB" "SELECT count(*) FROM streams WHERE function = $q AND runtime_version = $(sqlq "$(truth "fn.$fn.runtime_version")")")" \
        "$(truth "fn.$fn.streams")"
    check_eq "$fn: sums of duration, billed duration, init duration" \
        "$(sql "$DB" "SELECT printf('%.2f %.0f %.2f', sum(duration), sum(billed_duration), coalesce(sum(init_duration), 0)) FROM invocations_v WHERE function = $q")" \
        "$(truth "fn.$fn.duration_sum") $(truth "fn.$fn.billed_sum") $(truth "fn.$fn.init_sum")"
    check_eq "$fn: invocation rows agree with their REPORT event" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v i JOIN events r ON r.request_id = i.request_id AND r.type IN ('REPORT', 'platform.report') WHERE i.function = $q AND r.stream_id = i.stream_id AND i.duration = r.duration AND i.billed_duration = r.billed_duration AND i.memory_size = r.memory_size AND i.max_memory_used = r.max_memory_used AND i.init_duration IS r.init_duration AND i.end_ts = r.ts")" \
        "$inv"

    # rollup_minute agrees with the truth too
    check_eq "$fn: rollup invocations" \
        "$(sql "$DB" "SELECT coalesce(sum(invocations), 0) FROM rollup_minute WHERE function = $q")" "$inv"
    check_eq "$fn: rollup throttle_signals" \
        "$(sql "$DB" "SELECT coalesce(sum(throttle_signals), 0) FROM rollup_minute WHERE function = $q")" \
        "$(truth "fn.$fn.throttle_lines")"
    check_eq "$fn: rollup events" \
        "$(sql "$DB" "SELECT coalesce(sum(events), 0) FROM rollup_minute WHERE function = $q")" \
        "$(truth "fn.$fn.nonempty_lines")"
    check_eq "$fn: rollup errors/timeouts/crashes/oom/cold_starts" \
        "$(sql "$DB" "SELECT coalesce(sum(errors), 0) || ' ' || coalesce(sum(timeouts), 0) || ' ' || coalesce(sum(crashes), 0) || ' ' || coalesce(sum(oom), 0) || ' ' || coalesce(sum(cold_starts), 0) FROM rollup_minute WHERE function = $q")" \
        "$(truth "fn.$fn.errors") $(truth "fn.$fn.timeouts") $(truth "fn.$fn.crashes") $(truth "fn.$fn.oom") $(truth "fn.$fn.cold_starts")"
    check_eq "$fn: rollup duration_sum, billed_sum, init_sum" \
        "$(sql "$DB" "SELECT printf('%.2f %.0f %.2f', sum(duration_sum), sum(billed_sum), sum(init_sum)) FROM rollup_minute WHERE function = $q")" \
        "$(truth "fn.$fn.duration_sum") $(truth "fn.$fn.billed_sum") $(truth "fn.$fn.init_sum")"
done

# ---- time flags ---------------------------------------------------------
# Text START/END/REPORT lines carry no time: they inherit the time of the
# previous timed line of their stream (flags & 16). The generator always
# writes a timed application line before a REPORT. "Own time" means none
# of the time flags 16 (inherited), 32 (arrival), 128 (from the next timed
# line, store.h EVF_TIME_FROM_NEXT): flags & 176 = 0.
check_eq "text REPORT events are flagged 'time inherited' (16)" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE type = 'REPORT' AND (flags & 16) <> 0")" "$TEXT_REPORTS"
check_eq "text REPORT events: ts == ts of the previous timed line of the stream" \
    "$(sql "$DB" "SELECT count(*) FROM events r WHERE r.type = 'REPORT' AND r.ts IS NOT (SELECT p.ts FROM events p WHERE p.stream_id = r.stream_id AND p.id < r.id AND (p.flags & 176) = 0 ORDER BY p.id DESC LIMIT 1)")" 0
check_eq "JSON platform.report events carry their own time" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE type = 'platform.report' AND (flags & 176) <> 0")" 0
check_eq "START events carry their request id" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE type = 'START' AND request_id IS NULL")" 0

# ---- times parsed from the lines ------------------------------------------
# ms since the epoch of an ISO 8601 text, computed by SQLite
ms() { echo "CAST(round((julianday($1) - 2440587.5) * 86400000) AS INTEGER)"; }
NODE="message GLOB '2026-[0-9][0-9]-[0-9][0-9]T*' AND (flags & 176) = 0"
PY="message GLOB '[[][A-Z]*[]]	2026-*' AND (flags & 176) = 0"
GO="message GLOB '2026/[0-9][0-9]/[0-9][0-9] [0-9][0-9]:*' AND (flags & 176) = 0"
JS="message LIKE '{\"timestamp\":\"2026-%' AND (flags & 176) = 0"
JP="message LIKE '{\"time\":\"2026-%' AND (flags & 176) = 0"
for k in NODE PY GO JS JP; do
    eval "cond=\$$k"
    case $k in
    NODE) expr=$(ms "substr(message, 1, 24)") ;;
    PY) expr=$(ms "substr(message, instr(message, char(9)) + 1, 24)") ;;
    GO) expr=$(ms "replace(substr(message, 1, 19), '/', '-')") ;;
    JS) expr=$(ms "json_extract(message, '\$.timestamp')") ;;
    JP) expr=$(ms "json_extract(message, '\$.time')") ;;
    esac
    got=$(sql "$DB" "SELECT count(*) > 0, coalesce(sum(ts <> $expr), 0) FROM events WHERE $cond")
    # a mixed corpus has every style; text or json ones lack some
    [ "${IMPORT_FORMAT:-mixed}" = mixed ] || got="1|${got#*|}"
    check_eq "time of $k-style lines: parsed from the line (ms)" "$got" "1|0"
done

# ---- the function a log group names ---------------------------------------
# a subscription payload of a Lambda@Edge replica: its group is
# /aws/lambda/us-east-1.NAME in the Region that ran it; the function is NAME
EDGE=$T/edge
mkdir -p "$EDGE"
printf '%s\n' '{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"/aws/lambda/us-east-1.img-resize","logStream":"2024/05/09/[3]0f2b9b3e6b1a4c55","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1715212800000,"message":"START RequestId: 5d1a4f0e-1c2b-4d3e-9f8a-0b1c2d3e4f5a Version: 3\n"},{"id":"2","timestamp":1715212800100,"message":"REPORT RequestId: 5d1a4f0e-1c2b-4d3e-9f8a-0b1c2d3e4f5a\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n"}]}' \
    '{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"/aws/lambda/orders","logStream":"2024/05/09/[$LATEST]aa","subscriptionFilters":["f"],"logEvents":[{"id":"3","timestamp":1715212800000,"message":"hello\n"}]}' \
    '{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"/aws/apigateway/welcome","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"4","timestamp":1715212800000,"message":"gw\n"}]}' \
    > "$EDGE/payloads.json"
"$OBSAGENT" --once -q --db "$EDGE/e.db" "$EDGE/payloads.json" >"$T/out" 2>&1 || fail "edge payloads: import" "$T/out"
check_eq "a group names its function (Lambda@Edge's replica group too); another keeps the file's" \
    "$(sql "$EDGE/e.db" "SELECT DISTINCT s.function || ' ' || s.log_group FROM events e
                         JOIN streams s ON s.id = e.stream_id ORDER BY s.log_group")" \
    "edge /aws/apigateway/welcome
orders /aws/lambda/orders
img-resize /aws/lambda/us-east-1.img-resize"
check_eq "the replica's invocation is the function's" \
    "$(sql "$EDGE/e.db" "SELECT s.function, i.duration FROM invocations i JOIN streams s ON s.id = i.stream_id")" \
    "img-resize|12.0"

# a line that says how an invocation went without naming it, none in flight:
# stored, counted, and the summary says why it went to none
mkdir -p "$T/unattr/fn"
printf '%s\n' 'INIT_REPORT Init Duration: 3000.00 ms	Phase: init	Status: timeout' 'Runtime.Unknown' > "$T/unattr/fn/s.log"
"$OBSAGENT" --once --db "$T/unattr.db" "$T/unattr" >"$T/unattr.out" 2>&1 || fail "unattributed: import" "$T/unattr.out"
check_grep "unattributed: said, with none in flight" "$T/unattr.out" \
    "unattributed 1 lines said how an invocation went without naming it, and no one invocation was in flight"
check_eq "unattributed: stored" "$(sql "$T/unattr.db" "SELECT count(*) FROM events")" 2

# one sample, for the eye
[ -z "${E2E_VERBOSE:-}" ] || sql "$DB" "SELECT s.function, e.ts, e.flags, e.type, e.duration, e.memory_size, substr(e.message, 1, 60) FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.type = 'REPORT' LIMIT 1" | sed 's/^/     sample: /'

finish
