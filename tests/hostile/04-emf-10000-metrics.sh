# case: an EMF document declaring 10,000 metrics (CloudWatch takes at most
#       100 per directive), in a log line and over the EMF TCP endpoint
# expect: stored, flagged invalid (emf = 3) with the reason naming the limit;
#       the agent keeps serving
node -e 'const now = Date.now(), d = { _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: "hostile",
        Dimensions: [["Service"]], Metrics: [] }] }, Service: "s" };
    for (let i = 0; i < 10000; i++) { d._aws.CloudWatchMetrics[0].Metrics.push({ Name: "m" + i }); d["m" + i] = i; }
    console.log(JSON.stringify(d))' >"$T/emf10k.json"
check "10000 metrics: exit 0" ingest "$T/emf10k.json" "$T/emf10k.db" --max-line 4M
check_eq "10000 metrics in a line: stored invalid" "$(sql "$T/emf10k.db" "SELECT count(*), emf FROM events")" "1|3"
check_grep "10000 metrics: the reason says 100" "$(sql "$T/emf10k.db" "SELECT emf_error FROM events" >"$T/emf10k.why"; echo "$T/emf10k.why")" "100"
check_eq "10000 metrics over TCP: sent" "$(hclient tcp "$EMF_PORT" "$T/emf10k.json" | cut -d' ' -f1)" sent
check "10000 metrics over TCP: stored invalid" wait_sql "$NDB" "SELECT count(*) FROM events WHERE emf = 3 AND message LIKE '%\"m9999\"%'" 1
