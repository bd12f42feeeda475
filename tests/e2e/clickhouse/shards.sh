# tests/e2e/clickhouse/shards.sh — scale-out (sourced by test_clickhouse.sh):
# server A and a second clickhouse-server, B, are the two shards of cluster
# "obs"; two agents forward different functions, one to each shard's local
# tables (database obs); database obs_all holds Distributed tables over
# both, and obsq --engine on obs_all answers over both agents' events: the
# same rows as one store holding both corpora.
ch_start B || return
SH=$T/shards
"$LAMBDAGEN" --out "$SH/one" --functions 2 --invocations 50 --seed 31 --format mixed --start 2026-11-03T00:00:00Z \
    >/dev/null 2>&1
"$LAMBDAGEN" --out "$SH/two" --functions 3 --invocations 50 --seed 32 --format text --start 2026-11-03T00:00:00Z \
    >/dev/null 2>&1
# the second corpus's functions renamed, so that the two agents forward different functions
for d in "$SH/two"/*/; do mv "$d" "${d%/}-east"; done
check "agent 1 forwards its functions to shard A" \
    "$OBSAGENT" --once -q --db "$SH/one.db" --forward "$(ch_url A obs)" "$SH/one"
check "agent 2 forwards other functions to shard B" \
    "$OBSAGENT" --once -q --db "$SH/two.db" --forward "$(ch_url B obs)" "$SH/two"
for t in events invocations metric_points; do
    check "Distributed $t over both shards" test -z "$(ch_q A "CREATE DATABASE IF NOT EXISTS obs_all" ;
        ch_q A "CREATE TABLE IF NOT EXISTS obs_all.$t AS obs.$t ENGINE = Distributed(obs, obs, $t)")"
done
# one store with both corpora: what the cluster must answer
check "one store of both, for comparison" "$OBSAGENT" --once -q --db "$SH/both.db" "$SH/one" "$SH/two"
ALL="clickhouse://127.0.0.1:$CH_PORT_A/obs_all"
for q in 'stats count(*) as n by @log' \
         'filter @type = "REPORT" | stats count(*) as n, avg(@duration) as avg, pct(@duration, 90) as p90, max(@maxMemoryUsed) as mem by bin(1h)' \
         'filter @message like /(?i)error/ | stats count(*) as errors' \
         'fields @timestamp, @logStream, @message | sort @timestamp desc | limit 20'; do
    "$OBSQ" --db "$SH/both.db" -o json "$q" >"$T/a.json" 2>&1
    "$OBSQ" --engine "$ALL" -o json "$q" >"$T/b.json" 2>&1
    check "over both shards: $q" node "$(dirname "$0")/clickhouse/compare.js" "$T/a.json" "$T/b.json"
done
check_eq "each shard holds one agent's events" \
    "$(ch_q A "SELECT uniqExact(agent) FROM obs.events")/$(ch_q B "SELECT uniqExact(agent) FROM obs.events")/$(ch_q A "SELECT uniqExact(agent) FROM obs_all.events")" \
    "1/1/2"
