# case: over the EMF TCP endpoint, one connection carrying an EMF document
#       whose value is nested 100,000 levels ("[" x 100000), then a valid one
# expect: no stack overflow; the deep one stored as an EMF parse error
#       (emf = 2, "not one JSON object"), the valid one after it stored valid
node -e 'const n = 100000, now = Date.now();
    const head = (ns) => "{\"_aws\":{\"Timestamp\":" + now + ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + ns +
        "\",\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"m\"}]}]},\"m\":";
    process.stdout.write(head("deep") + "[".repeat(n) + "}\n" + head("after") + "1}\n")' >"$T/deep.tcp"
check_eq "deep EMF over TCP: sent" "$(hclient tcp "$EMF_PORT" "$T/deep.tcp" | cut -d' ' -f1)" sent
check "deep EMF over TCP: stored as a parse error" wait_sql "$NDB" \
    "SELECT count(*) FROM events WHERE emf = 2 AND emf_error LIKE '%not one JSON object%' AND message LIKE '%\"deep\"%'" 1
check "deep EMF over TCP: the next document is stored valid" wait_sql "$NDB" \
    "SELECT count(*) FROM events WHERE emf = 1 AND message LIKE '%\"after\"%'" 1
