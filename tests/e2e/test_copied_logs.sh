#!/bin/sh
# tests/e2e/test_copied_logs.sh — obsagent reads the shapes Lambda's lines
# take once a person or a tool copied them: the console's log events table
# copied as text, a runtime's TABs turned into runs of spaces (`sam logs`,
# `sam local`), a REPORT whose fields a copy broke onto lines of their own,
# `serverless logs`' zoned times, Telemetry API elements an extension logged
# one a line or saved as the batches it received, the console's CSV download
# of a stream. Every input is made up in
# those shapes (ids and values are ours); each is imported with --once and
# what the store holds is compared with what the lines say.
. "$(dirname "$0")/lib.sh"
need obsagent
TAB=$(printf '\t')
R1=0a1b2c3d-1111-4a4a-8b8b-0123456789ab
R2=0a1b2c3d-2222-4a4a-8b8b-0123456789ab
R3=0a1b2c3d-3333-4a4a-8b8b-0123456789ab

import() { "$OBSAGENT" --once -q --db "$T/$1.db" "$T/logs/$1/s.log" >"$T/$1.out" 2>&1 || fail "$1: import" "$T/$1.out"; }
inv() { sql "$T/$1.db" "SELECT $2 FROM invocations WHERE request_id = '$3'"; }

# 1. the console's table, copied as text: the first row, rows led by the
# expand column, the table's separator row, an expanded row
mkdir -p "$T/logs/table"
cat >"$T/logs/table/s.log" <<EOF
2025-05-05T10:00:00.100+02:00 | START RequestId: $R1 Version: \$LATEST
-- | --
  | 2025-05-05T10:00:00.200+02:00 | INIT_START Runtime Version: nodejs:20.v33
  | 2025-05-05T10:00:03.110+02:00 | END RequestId: $R1
  | 2025-05-05T10:00:03.110+02:00 | REPORT RequestId: $R1 Duration: 3003.42 ms Billed Duration: 3000 ms Memory Size: 128 MB Max Memory Used: 77 MB Init Duration: 210.50 ms
  | 2025-05-05T10:00:03.111+02:00Copy2025-05-05T08:00:03.109Z $R1 Task timed out after 3.00 seconds | 2025-05-05T08:00:03.109Z $R1 Task timed out after 3.00 seconds
EOF
import table
check_eq "1. console table: the invocation and its REPORT" \
    "$(inv table "duration || ' ' || billed_duration || ' ' || memory_size || ' ' || max_memory_used || ' ' || init_duration || ' ' || cold" "$R1")" \
    "3003.42 3000.0 128000000 77000000 210.5 1"
check_eq "1. console table: the expanded row's timeout is the invocation's" "$(inv table outcome "$R1")" 2
check_eq "1. console table: the REPORT at its row's time (+02:00 applied)" \
    "$(sql "$T/table.db" "SELECT ts FROM events WHERE type = 'REPORT'")" 1746432003110

# 2. runtime prefixes with runs of spaces for TABs: .NET with an EMF
# document (as `sam logs` prints it once the stream is cut), Python
mkdir -p "$T/logs/spaced"
cat >"$T/logs/spaced/s.log" <<EOF
START RequestId: $R2 Version: \$LATEST
2025-05-05T08:10:00.010Z        $R2  info    {"_aws":{"Timestamp":1746432600010,"CloudWatchMetrics":[{"Namespace":"Shop","Dimensions":[["Service"]],"Metrics":[{"Name":"Orders","Unit":"Count"}]}]},"Service":"cart","Orders":3}
[WARNING]       2025-05-05T08:10:00.020Z        $R2    slow downstream
END RequestId: $R2
REPORT RequestId: $R2${TAB}Duration: 20.00 ms${TAB}Billed Duration: 21 ms${TAB}Memory Size: 256 MB${TAB}Max Memory Used: 90 MB
EOF
import spaced
check_eq "2. spaced .NET line: its EMF series" \
    "$(sql "$T/spaced.db" "SELECT s.namespace || '/' || s.name || ' ' || sum(r.count) || ' ' || sum(r.sum) FROM metric_series s JOIN metric_rollup_minute r ON r.series_id = s.id GROUP BY s.id")" \
    "Shop/Orders 1 3.0"
check_eq "2. spaced lines: own time, request id and level" \
    "$(sql "$T/spaced.db" "SELECT group_concat(ts || ' ' || request_id || ' ' || level, ',') FROM events WHERE kind = 1")" \
    "1746432600010 $R2 INFO,1746432600020 $R2 WARN"

# 3. a REPORT whose fields a copy broke onto lines of their own
mkdir -p "$T/logs/split"
cat >"$T/logs/split/s.log" <<EOF
START RequestId: $R3 Version: 4
END RequestId: $R3
REPORT RequestId: $R3
Duration: 880.10 ms
Billed Duration: 881 ms
  Memory Size: 512 MB  Max Memory Used: 512 MB
  Status: error  Error Type: Runtime.OutOfMemory
START RequestId: $R1 Version: 4
EOF
import split
check_eq "3. split REPORT: its fields and the out-of-memory outcome" \
    "$(inv split "duration || ' ' || billed_duration || ' ' || memory_size || ' ' || max_memory_used || ' ' || outcome || ' ' || error_type" "$R3")" \
    "880.1 881.0 512000000 512000000 4 Runtime.OutOfMemory"
check_eq "3. split REPORT: one event, then the next START on its own" \
    "$(sql "$T/split.db" "SELECT count(*) || ' ' || sum(kind = 4) || ' ' || sum(kind = 2) FROM events")" "4 1 2"

# 4. `serverless logs`: Node's lines at local time with the zone in brackets
mkdir -p "$T/logs/sls"
cat >"$T/logs/sls/s.log" <<EOF
START RequestId: $R1 Version: \$LATEST
2025-05-05 11:20:00.500 (+03:00)${TAB}$R1${TAB}INFO${TAB}hello
END RequestId: $R1
EOF
import sls
check_eq "4. serverless logs: the line's time in UTC, its request id and level" \
    "$(sql "$T/sls.db" "SELECT ts || ' ' || request_id || ' ' || level FROM events WHERE kind = 1")" \
    "1746433200500 $R1 INFO"

# 5. Telemetry API elements, one a line
mkdir -p "$T/logs/telemetry"
cat >"$T/logs/telemetry/s.log" <<EOF
{"time":"2025-05-05T08:30:00.000Z","type":"platform.start","record":{"requestId":"$R2","version":"\$LATEST"}}
{"time":"2025-05-05T08:30:00.005Z","type":"function","record":"2025-05-05T08:30:00.004Z\\t$R2\\tERROR\\tInvoke Error \\t{\\"errorType\\":\\"Error\\",\\"errorMessage\\":\\"no stock\\"}\\n"}
{"time":"2025-05-05T08:30:00.009Z","type":"platform.report","record":{"requestId":"$R2","metrics":{"durationMs":9.5,"billedDurationMs":10,"memorySizeMB":128,"maxMemoryUsedMB":60}}}
EOF
import telemetry
check_eq "5. a function record: its request id, level, and the failed invocation" \
    "$(sql "$T/telemetry.db" "SELECT e.request_id || ' ' || e.level || ' ' || i.outcome FROM events e JOIN invocations i USING (request_id) WHERE e.kind = 1")" \
    "$R2 ERROR 1"

# 6. the Ruby runtime's error: its head line, the error object as
# pretty-printed JSON on the lines after it
mkdir -p "$T/logs/ruby"
cat >"$T/logs/ruby/s.log" <<EOF
START RequestId: $R3 Version: \$LATEST
Error raised from handler method
{
  "errorMessage": "key not found: :id",
  "errorType": "Function<KeyError>",
  "stackTrace": [
    "/var/task/app.rb:4:in \`fetch'"
  ]
}
END RequestId: $R3
REPORT RequestId: $R3${TAB}Duration: 3.10 ms${TAB}Billed Duration: 4 ms${TAB}Memory Size: 128 MB${TAB}Max Memory Used: 40 MB
EOF
import ruby
check_eq "6. Ruby error: the invocation failed, with the object's type" \
    "$(inv ruby "outcome || ' ' || error_type" "$R3")" "1 Function<KeyError>"
check_eq "6. Ruby error: its head and object are one event" \
    "$(sql "$T/ruby.db" "SELECT count(*) FROM events")" 4

# 7. a Telemetry API batch saved as it arrived: one JSON array of events
mkdir -p "$T/logs/batch"
cat >"$T/logs/batch/s.log" <<EOF
[{"time":"2025-05-05T08:40:00.000Z","type":"platform.start","record":{"requestId":"$R1","version":"7"}},{"time":"2025-05-05T08:40:00.004Z","type":"function","record":"[WARNING]\\t2025-05-05T08:40:00.003Z\\t$R1\\tcache cold\\n"},{"time":"2025-05-05T08:40:00.050Z","type":"platform.report","record":{"requestId":"$R1","status":"timeout","metrics":{"durationMs":50.0,"billedDurationMs":50,"memorySizeMB":256,"maxMemoryUsedMB":70}}}]
EOF
import batch
check_eq "7. Telemetry batch: the invocation, its REPORT and outcome" \
    "$(inv batch "version || ' ' || duration || ' ' || memory_size || ' ' || outcome" "$R1")" "7 50.0 256000000 2"
check_eq "7. Telemetry batch: the function record's level and time" \
    "$(sql "$T/batch.db" "SELECT level || ' ' || ts FROM events WHERE kind = 1")" "WARN 1746434400004"

# 8. the console's CSV download of a stream's events (epoch milliseconds)
mkdir -p "$T/logs/download"
{
    echo 'timestamp,message'
    # shellcheck disable=SC2016  # $LATEST is the version's name, not a variable
    printf '1746434700000,"START RequestId: %s Version: $LATEST\n"\n' "$R2"
    printf '1746434700900,"END RequestId: %s\n"\n' "$R2"
    printf '1746434700900,"REPORT RequestId: %s\tDuration: 900.00 ms\tBilled Duration: 900 ms\tMemory Size: 512 MB\tMax Memory Used: 99 MB\tStatus: timeout\n"\n' "$R2"
} >"$T/logs/download/s.log"
import download
check_eq "8. console CSV download: the invocation, its times and outcome" \
    "$(inv download "start_ts || ' ' || end_ts || ' ' || duration || ' ' || outcome" "$R2")" "1746434700000 1746434700900 900.0 2"

# 9. the console's "Function Logs" pasted as text: an application's own lines
# start with an ISO time and a space (as `aws logs tail` prints its prefix),
# Lambda's lines are bare. A wrapper prefixes every line, so this is none: the
# application's lines are stored whole (the shape of raygun4node's README)
mkdir -p "$T/logs/function-logs"
cat >"$T/logs/function-logs/s.log" <<EOF
2025-05-05T08:20:00.081Z mylib [init.ts] initialized successfully
2025-05-05T08:20:00.130Z mylib [client.ts] Client initialized
START RequestId: $R3 Version: \$LATEST
2025-05-05T08:20:00.135Z mylib [client.ts] enter with new store
2025-05-05T08:20:00.210Z mylib [client.ts] Added breadcrumbs: 3
2025-05-05T08:20:01.024Z${TAB}$R3${TAB}ERROR${TAB}Invoke Error ${TAB}{"errorType":"Error","errorMessage":"boom"}
2025-05-05T08:20:01.024Z mylib [client.ts] Successfully sent message (duration=813ms)
END RequestId: $R3
REPORT RequestId: $R3${TAB}Duration: 917.62 ms${TAB}Billed Duration: 918 ms${TAB}Memory Size: 128 MB${TAB}Max Memory Used: 78 MB${TAB}Init Duration: 189.88 ms
EOF
import function-logs
check_eq "9. function logs: the application's lines whole, with their time" \
    "$(sql "$T/function-logs.db" "SELECT count(*) FROM events WHERE message LIKE '2025-05-05T08:20:0_.___Z mylib [%'")" 5
check_eq "9. function logs: every line stored as it is" \
    "$(sql "$T/function-logs.db" "SELECT count(*) FROM events")" 9
check_eq "9. function logs: the invocation and its REPORT" \
    "$(inv function-logs "duration || ' ' || billed_duration || ' ' || init_duration || ' ' || cold || ' ' || outcome" "$R3")" \
    "917.62 918.0 189.88 1 1"

finish
