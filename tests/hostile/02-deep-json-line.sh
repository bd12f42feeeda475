# case: log lines nested 100,000 levels deep: "[" x 100000, {"a": x 100000,
#       a runtime-format line ending in "[" x 100000, an EMF-looking line
#       whose metric value is nested 100,000 deep
# expect: no stack overflow; cJSON stops at its nesting limit (1000) so each
#       is stored as a plain text event (4 events, exit 0)
node -e 'const n = 100000;
    process.stdout.write("[".repeat(n) + "\n" + "{\"a\":".repeat(n) + "1" + "}".repeat(n) + "\n" +
        "2026-11-22T00:00:00.000Z\tabc\tINFO\t" + "[".repeat(n) + "\n" +
        "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"n\",\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"m\"}]}]},\"m\":" +
        "[".repeat(n) + "}\n")' >"$T/deep.log"
check "deep JSON lines: exit 0" ingest "$T/deep.log" "$T/deep.db" --max-line 1M
check_eq "deep JSON lines: 4 events, none parsed as JSON" \
    "$(sql "$T/deep.db" "SELECT count(*) || ' ' || count(json_at) FROM events")" "4 0"
