#!/bin/sh
# tests/e2e/test_emf_forms.sh — the EMF value forms other tools write,
# imported with `obsagent --once` and read back with `obsq metrics` and
# SQL: a statistic set (ADOT's awsemfexporter for histograms and
# summaries), Values/Counts whose counts add to far more than 100 (OTel
# buckets; metrique's one value seen 667 times), and a histogram split over
# two documents with the Sum, Min and Max CloudWatch publishes (Sum on the
# first, 0 on the second). Each is valid, stored as one point per entry (or
# per set) with its count, and adds up to CloudWatch's SampleCount, Sum,
# Min and Max; a statistic set has no percentiles.
. "$(dirname "$0")/lib.sh"
need obsagent obsq
command -v jq >/dev/null || { fail "jq is not installed (make deps-test)"; finish; }

NOW=$(($(date +%s) * 1000))
mkdir -p "$T/logs/adot" "$T/logs/otel"
aws() {  # NAMESPACE DIMENSION-NAMES METRIC [UNIT]
    printf '"_aws":{"Timestamp":%s,"CloudWatchMetrics":[{"Namespace":"%s","Dimensions":[%s],"Metrics":[{"Name":"%s","Unit":"%s"}]}]}' \
        "$NOW" "$1" "$2" "$3" "${4:-None}"
}
{
    printf '{%s,"ClusterName":"c1","latency":{"Max":30,"Min":10,"Count":17,"Sum":17.13},"prom_metric_type":"histogram"}\n' \
        "$(aws ECS '["ClusterName"]' latency Seconds)"
    printf '{%s,"d":{"Values":[2],"Counts":[667]}}\n' "$(aws App '[]' d Milliseconds)"
} >"$T/logs/adot/s1.log"
{
    printf '{%s,"Service":"checkout","Latency":{"Values":[1.02,4.11,16.27,65.42,261],"Counts":[30,50,40,10,2],"Max":251.3,"Min":0.98,"Count":132,"Sum":2051.7}}\n' \
        "$(aws AppSignals '["Service"]' Latency Milliseconds)"
    printf '{%s,"Service":"checkout","Split":{"Values":[1.0219,4.1126],"Counts":[3,5],"Max":4.3,"Min":0.98,"Count":8,"Sum":22.7}}\n' \
        "$(aws AppSignals '["Service"]' Split Milliseconds)"
    printf '{%s,"Service":"checkout","Split":{"Values":[16.27],"Counts":[4],"Max":17.1,"Min":15.2,"Count":4,"Sum":0}}\n' \
        "$(aws AppSignals '["Service"]' Split Milliseconds)"
} >"$T/logs/otel/s.log"

DB=$T/obs.db
check "obsagent --once imports them" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
check_grep "summary: 5 documents, 0 validation errors" "$T/.check.out" \
    "5 EMF documents, [0-9]+ metric points, 0 parsing errors, 0 validation errors"
check_eq "every document valid (emf = 1), no reason" \
    "$(sql "$DB" "SELECT count(*) || ' ' || count(emf_error) FROM events WHERE emf = 1")" "5 0"
check "obsq metrics --expect-valid" "$OBSQ" --db "$DB" metrics --expect-valid
check_eq "one point per entry or set, not per observation: 1 + 1 + 5 + 2 + 1" \
    "$(sql "$DB" "SELECT count(*) || ' ' || sum(count) FROM metric_points")" "10 828"
check_eq "the statistic set's row has no value" \
    "$(sql "$DB" "SELECT count(*) FROM metric_points WHERE value IS NULL AND count = 17 AND sum = 17.13")" 1

"$OBSQ" --db "$DB" metrics -o json >"$T/m.json" 2>"$T/m.err" || fail "obsq metrics -o json" "$T/m.err"
series() {  # NAME -> "count sum min max p50" (p50, within 1%: to 1 decimal; null when none)
    jq -r --arg n "$1" '.[] | select(.name == $n) |
        "\(.count) \(.sum) \(.min) \(.max) \(if .p50 == null then "null" else (.p50 * 10 | round / 10) end)"' "$T/m.json"
}
check_eq "statistic set: SampleCount 17, Sum 17.13, Min 10, Max 30, no percentile" "$(series latency)" \
    "17 17.13 10 30 null"
check_eq "Counts [667]: 667 observations of 2" "$(series d)" "667 1334 2 2 2"
check_eq "5 buckets, 132 observations: the document's Sum/Min/Max, p50 from the buckets" "$(series Latency)" \
    "132 2051.7 0.98 251.3 4.1"
check_eq "a histogram split over two documents: Sum 22.7 + 0, least Min, greatest Max" "$(series Split)" \
    "12 22.7 0.98 17.1 4.1"
check_eq "the rows add up by the documented rule (docs/schema.md, Points)" \
    "$(sql "$DB" "SELECT sum(count) || ' ' || round(sum(coalesce(p.sum, value * count)), 6) || ' ' ||
                         min(coalesce(p.min, value)) || ' ' || max(coalesce(p.max, value))
                  FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.name = 'Split'")" \
    "12 22.7 0.98 17.1"
finish
