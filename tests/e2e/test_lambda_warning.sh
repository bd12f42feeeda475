#!/bin/sh
# tests/e2e/test_lambda_warning.sh — the Python runtime's unhandled-exception
# warning written in one event with the error after it (its runtime
# interface client 2.0.x, Python 3.12+): "LAMBDA_WARNING: Unhandled
# exception. ... runtimes-update.html", a carriage return, then the error
# record — the JSON log format's error object, or the text format's
# "[ERROR] Type: msg" and its traceback. Whatever carries it (a real
# filter-log-events document, a Logs Insights export, a plain file that
# kept the \r or turned it into a line break), the event is the error
# record (level, error type, its request id or the one in flight) with the
# warning kept in its message, and the invocation failed.
. "$(dirname "$0")/lib.sh"
need obsagent
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }
HERE=$(cd "$(dirname "$0")" && pwd)
# real `aws logs filter-log-events` output of a Python 3.12 function (JSON log
# format), as the finding that led to this test had it
REAL=$HERE/../lambda/py312-unhandled
CR=$(printf '\r')
NB=$(printf '\302\240')
RID=ca52c236-a38d-40fc-aa6b-7e3be2b7aa55
WARN="LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed runtimes, runtime updates can be triggered by a function change, or can be applied automatically. To determine if the runtime has been updated, check the runtime version in the INIT_START log entry. If this error correlates with a change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the previous runtime version. For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
ERR="[ERROR] UnicodeDecodeError: 'utf-8' codec can't decode byte 0x80 in position 7: invalid start byte"
TB="Traceback (most recent call last):"
F1="$NB${NB}File \"/var/task/app.py\", line 35, in ensure_str"
F2="$NB$NB$NB${NB}return instr.decode(\"utf-8\")"
JREC="{\"timestamp\": \"2024-06-17T17:23:55Z\", \"log_level\": \"ERROR\", \"errorMessage\": \"'utf-8' codec can't decode byte 0x80 in position 7: invalid start byte\", \"errorType\": \"UnicodeDecodeError\", \"requestId\": \"$RID\", \"stackTrace\": [\"  File \\\"/var/task/app.py\\\", line 35, in ensure_str\\n    return instr.decode(\\\"utf-8\\\")\\n\"]}"

# expect NAME DB RID-OF-EVENT — the warning's event is the error record,
# whole, and its invocation failed with the error's type
expect()
{
    _w="message LIKE 'LAMBDA_WARNING: Unhandled exception.%runtimes-update.html%'"
    check_eq "$1: one event holds the warning" "$(sql "$2" "SELECT count(*) FROM events WHERE $_w")" 1
    check_eq "$1: it is the error record" \
        "$(sql "$2" "SELECT kind || ' ' || level || ' ' || coalesce(error_type, '-') || ' ' || outcome
                     || ' ' || coalesce(request_id, '-') FROM events WHERE $_w")" \
        "1 ERROR UnicodeDecodeError 1 $3"
    check_eq "$1: the message keeps the warning and the error" \
        "$(sql "$2" "SELECT instr(message, 'UnicodeDecodeError') > length('$WARN') FROM events WHERE $_w")" 1
    check_eq "$1: the invocation failed" \
        "$(sql "$2" "SELECT outcome_name || ' ' || coalesce(error_type, '-') FROM invocations_v WHERE request_id = '$RID'")" \
        "error UnicodeDecodeError"
}

# ---- the real filter-log-events output (JSON log format) ----------------
"$OBSAGENT" --once -q --db "$T/real.db" "$REAL" >"$T/out" 2>&1
check_eq "the real document imports" "$?" 0
expect "filter-log-events, JSON log format" "$T/real.db" "$RID"
check_eq "its error object is the event's JSON" \
    "$(sql "$T/real.db" "SELECT json_extract(CAST(substr(CAST(message AS BLOB), json_at + 1) AS TEXT), '\$.errorType')
                         FROM events WHERE message LIKE 'LAMBDA_WARNING:%'")" UnicodeDecodeError
check_eq "the invocation before it stays ok" \
    "$(sql "$T/real.db" "SELECT outcome_name FROM invocations_v WHERE request_id LIKE '40f6c622%'")" ok
check_eq "a record logged with an error in it says no outcome" \
    "$(sql "$T/real.db" "SELECT coalesce(outcome, 'none') FROM events WHERE request_id LIKE 'b16742c9%'")" none

# a CloudWatch document of the text log format: one event, \r between the
# warning and the error and between the error's lines (or \n: the
# runtime's telemetry sink joins the error's lines with it)
START="START RequestId: $RID Version: \$LATEST"
json_str() { node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$1"; }
if command -v node >/dev/null 2>&1; then
    for sep in cr lf; do
        s=$CR
        [ $sep = lf ] && s='
'
        mkdir -p "$T/text-$sep/fn"
        {
            printf '%s\n' "{\"events\": ["
            printf '%s\n' "{\"logStreamName\": \"s\", \"timestamp\": 1718645035902, \"message\": $(json_str "$START
")},"
            printf '%s\n' "{\"logStreamName\": \"s\", \"timestamp\": 1718645035919, \"message\": $(json_str "$WARN$CR$ERR$s$TB$s$F1$s$F2
")}"
            printf '%s\n' "]}"
        } >"$T/text-$sep/fn/events.json"
        "$OBSAGENT" --once -q --db "$T/text-$sep.db" "$T/text-$sep" >"$T/out" 2>&1
        expect "filter-log-events, text log format ($sep)" "$T/text-$sep.db" -
    done
    # a Logs Insights export (JSON) of the JSON log format
    mkdir -p "$T/insights/fn"
    {
        printf '%s\n' "[{\"@timestamp\": \"2024-06-17 17:23:55.902\", \"@message\": $(json_str "{\"time\":\"2024-06-17T17:23:55.902Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"$RID\",\"version\":\"\$LATEST\"}}"), \"@logStream\": \"s\", \"@log\": \"111122223333:/aws/lambda/fn\"},"
        printf '%s\n' "{\"@timestamp\": \"2024-06-17 17:23:55.919\", \"@message\": $(json_str "$WARN$CR$JREC"), \"@logStream\": \"s\", \"@log\": \"111122223333:/aws/lambda/fn\"}]"
    } >"$T/insights/fn/export.json"
    "$OBSAGENT" --once -q --db "$T/insights.db" "$T/insights" >"$T/out" 2>&1
    expect "Logs Insights export, JSON log format" "$T/insights.db" "$RID"
else
    fail "node is needed to write the documents"
fi

# ---- plain files: the \r kept, or turned into a line break ----------------
plain()
{
    mkdir -p "$T/p-$1/fn"
    { echo "$START"; cat; echo "END RequestId: $RID"; } >"$T/p-$1/fn/s.log"
    "$OBSAGENT" --once -q --db "$T/p-$1.db" "$T/p-$1" >"$T/out" 2>&1
    expect "$2" "$T/p-$1.db" "$3"
}
printf '%s\n' "$WARN$CR$ERR$CR$TB$CR$F1$CR$F2" | plain text-cr "plain file, text format, \\r kept" -
printf '%s\n' "$WARN$CR$ERR" "$TB" "$F1" "$F2" | plain text-cr-lf "plain file, text format, \\r then lines" -
check_eq "plain file, text format, \\r then lines: the traceback joins the error" \
    "$(sql "$T/p-text-cr-lf.db" "SELECT count(*) FROM events WHERE message LIKE 'LAMBDA_WARNING:%$F2'")" 1
printf '%s\n' "$WARN" "$ERR" "$TB" "$F1" "$F2" | {
    mkdir -p "$T/p-text-lf/fn"
    { echo "$START"; cat; echo "END RequestId: $RID"; } >"$T/p-text-lf/fn/s.log"
}
"$OBSAGENT" --once -q --db "$T/p-text-lf.db" "$T/p-text-lf" >"$T/out" 2>&1
check_eq "plain file, text format, \\r as line breaks: the warning is a line of its own" \
    "$(sql "$T/p-text-lf.db" "SELECT count(*) FROM events WHERE message = '$WARN' AND outcome IS NULL")" 1
check_eq "plain file, text format, \\r as line breaks: the error line is the error" \
    "$(sql "$T/p-text-lf.db" "SELECT level || ' ' || error_type FROM events WHERE message LIKE '[ERROR]%'")" \
    "ERROR UnicodeDecodeError"
check_eq "plain file, text format, \\r as line breaks: the invocation failed" \
    "$(sql "$T/p-text-lf.db" "SELECT outcome_name || ' ' || error_type FROM invocations_v WHERE request_id = '$RID'")" \
    "error UnicodeDecodeError"
printf '%s\n' "$WARN$CR$JREC" | plain json-cr "plain file, JSON format, \\r kept" "$RID"
printf '%s\n' "$WARN$CR$JREC" "  an indented line after it" | plain json-cr-next "plain file, JSON format, a line after" "$RID"
check_eq "plain file, JSON format: a record of the JSON format takes no continuation line" \
    "$(sql "$T/p-json-cr-next.db" "SELECT count(*) FROM events WHERE message = '  an indented line after it'")" 1
finish
