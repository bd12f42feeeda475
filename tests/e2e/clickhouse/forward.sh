# tests/e2e/clickhouse/forward.sh — obsagent --forward against the real
# server A (sourced by test_clickhouse.sh). What ClickHouse holds is compared
# with the store, row by row, by id:
#   - --once ships a corpus and exits; a second --once ships nothing more;
#     weighted EMF points and a statistic set keep their count, sum, min
#     and max, also in a table an older agent made without them;
#     the JSON fields are there as key/type/value arrays typed as SQLite's
#     json_extract reads them; a user and a password from the environment
#     work and the password is printed nowhere;
#   - follow mode killed with SIGKILL again and again while it forwards:
#     every event is in ClickHouse once (FINAL), the watermark never passed
#     what ClickHouse holds;
#   - ClickHouse stopped: the agent keeps storing, --status says retrying
#     and the lag in events and seconds; ClickHouse started again: the lag
#     goes to 0 and every event is there once.

# same_events DB CHDB: the store's and ClickHouse's events agree, id by id
same_events()
{
    sql "$1" "SELECT id, ts, kind, coalesce(type,''), coalesce(request_id,''), length(CAST(message AS BLOB)),
                     coalesce(CAST(round(duration * 1000) AS INTEGER),''), coalesce(xray_trace_id,'')
              FROM events ORDER BY id" | tr '|' '\t' >"$T/store.rows"
    ch_q A "SELECT id, ts, kind, ifNull(type,''), ifNull(request_id,''), length(message),
                   ifNull(toString(toInt64(round(duration * 1000))),''), ifNull(xray_trace_id,'')
            FROM $2.events FINAL ORDER BY id FORMAT TabSeparated" >"$T/ch.rows"
    cmp -s "$T/store.rows" "$T/ch.rows"
}

FW=$T/fw
mkdir -p "$FW"
"$LAMBDAGEN" --out "$FW/logs" --functions 3 --invocations 60 --seed 5 --format mixed --truth "$FW/truth" \
    >/dev/null 2>&1
check "--once --forward imports and ships" \
    env OBS_CLICKHOUSE_PASSWORD='s3cret pass' "$OBSAGENT" --once --no-progress --db "$FW/a.db" \
    --forward "clickhouse://obs@127.0.0.1:$CH_PORT_A/fw1" "$FW/logs"
cp "$T/.check.out" "$T/once.out"
n=$(sql "$FW/a.db" "SELECT count(*) FROM events")
check_grep "its summary says what went, to where (no password)" "$T/once.out" \
    "^  forward      $n events, [0-9]+ invocation rows, [0-9]+ metric points to clickhouse://obs@127.0.0.1:$CH_PORT_A/fw1, all acknowledged"
check_eq "ClickHouse has every event once" "$(ch_q A "SELECT count(), uniqExact(id) FROM fw1.events FINAL")" \
    "$n	$n"
check "ClickHouse's events are the store's, id by id" same_events "$FW/a.db" fw1
check_eq "ClickHouse has every invocation" "$(ch_q A "SELECT count() FROM fw1.invocations FINAL")" \
    "$(sql "$FW/a.db" "SELECT count(*) FROM invocations")"
check_eq "ClickHouse has every EMF point" \
    "$(ch_q A "SELECT count(), toInt64(round(sum(value) * 1000)) FROM fw1.metric_points FINAL")" \
    "$(sql "$FW/a.db" "SELECT count(*) || char(9) || CAST(round(sum(value) * 1000) AS INTEGER) FROM metric_points")"
# weighted points and a statistic set (store v14), into a metric_points table
# an older agent created (without count, sum, min, max): the columns are
# added, the old row reads as one observation, the new rows as the store's
ch_q A "CREATE DATABASE IF NOT EXISTS fw_emf" >/dev/null
ch_q A "CREATE TABLE fw_emf.metric_points (agent String, id UInt64, day Date, ts Int64, function String,
        namespace String, name String, unit String, resolution UInt8, dimensions String, value Float64,
        event_id UInt64) ENGINE = ReplacingMergeTree() PARTITION BY day ORDER BY (namespace, name, ts, agent, id)" >/dev/null
ch_q A "INSERT INTO fw_emf.metric_points VALUES ('old', 1, today(), 0, 'f', 'Old', 'o', 'None', 60, '{}', 2.5, 1)" >/dev/null
mkdir -p "$FW/emf/fn"
_now=$(($(date +%s) * 1000))
printf '{"_aws":{"Timestamp":%s,"CloudWatchMetrics":[{"Namespace":"E","Metrics":[{"Name":"set"},{"Name":"h"}]}]},"set":{"Count":17,"Sum":17.13,"Min":10,"Max":30},"h":{"Values":[1,3],"Counts":[3,500],"Sum":22.7,"Min":0.5,"Max":4}}\n' \
    "$_now" >"$FW/emf/fn/s.log"
check "--once --forward ships weighted points and a statistic set" \
    "$OBSAGENT" --once -q --db "$FW/emf.db" --forward "clickhouse://127.0.0.1:$CH_PORT_A/fw_emf" "$FW/emf"
check_eq "ClickHouse: the old row is one observation; the new rows' count, sum, min, max (NULL: derived), value NaN for the set" \
    "$(ch_q A "SELECT name, count, ifNull(toString(sum), '-'), ifNull(toString(min), '-'), ifNull(toString(max), '-'),
                      isNaN(value) FROM fw_emf.metric_points FINAL ORDER BY agent = 'old' DESC, id" | tr '\t\n' ' ')" \
    "o 1 - - - 0 set 17 17.13 10 30 1 h 3 22.7 0.5 4 0 h 500 0 0.5 4 0 "
check_eq "ClickHouse adds them up as the store does: count, sum, min, max" \
    "$(ch_q A "SELECT sum(count), sum(ifNull(sum, value * count)), min(ifNull(min, value)), max(ifNull(max, value))
               FROM fw_emf.metric_points FINAL WHERE agent != 'old'" | tr '\t' ' ')" \
    "$(sql "$FW/emf.db" "SELECT printf('%d %g %g %g', sum(count), sum(coalesce(sum, value * count)),
                         min(coalesce(min, value)), max(coalesce(max, value))) FROM metric_points")"
check_eq "invocations' outcomes as in the store" \
    "$(ch_q A "SELECT outcome, count() FROM fw1.invocations FINAL GROUP BY outcome ORDER BY outcome" | tr '\t\n' ' ')" \
    "$(sql "$FW/a.db" "SELECT outcome || ' ' || count(*) FROM invocations GROUP BY outcome ORDER BY outcome" | tr '\n' ' ')"
# a JSON field: the same values and types as json_extract
sql "$FW/a.db" "SELECT id, json_extract(substr(CAST(message AS BLOB), json_at + 1), '\$.level'),
                typeof(json_extract(substr(CAST(message AS BLOB), json_at + 1), '\$.level'))
                FROM events WHERE json_at IS NOT NULL AND json_extract(substr(CAST(message AS BLOB), json_at + 1), '\$.level') IS NOT NULL
                ORDER BY id" | tr '|' '\t' >"$T/store.json"
ch_q A "SELECT id, json_values[indexOf(json_keys, 'level')], ['','integer','real','text','text'][json_types[indexOf(json_keys, 'level')] + 1]
        FROM fw1.events FINAL WHERE indexOf(json_keys, 'level') > 0 ORDER BY id FORMAT TabSeparated" >"$T/ch.json"
check "JSON fields as key/value arrays, as json_extract reads them" cmp "$T/store.json" "$T/ch.json"
[ -s "$T/store.json" ] || fail "the corpus has no JSON field 'level'"
check_eq "json_at as in the store: where the line's JSON object starts" \
    "$(ch_q A "SELECT count(), sum(id * json_at), sum(length(substring(message, json_at + 1))) FROM fw1.events FINAL
               WHERE json_at IS NOT NULL")" \
    "$(sql "$FW/a.db" "SELECT count(*) || char(9) || sum(id * json_at) || char(9) || sum(length(CAST(message AS BLOB)) - json_at)
                       FROM events WHERE json_at IS NOT NULL")"
check "a second --once ships nothing again" \
    env OBS_CLICKHOUSE_PASSWORD='s3cret pass' "$OBSAGENT" --once -q --db "$FW/a.db" \
    --forward "clickhouse://obs@127.0.0.1:$CH_PORT_A/fw1"
check_eq "... still once" "$(ch_q A "SELECT count() FROM fw1.events")" "$n"
OBS_CLICKHOUSE_PASSWORD='s3cret pass' "$OBSAGENT" --status --db "$FW/a.db" >"$T/status" 2>&1
check_grep "--status names the target without the password" "$T/status" "^forward clickhouse://obs@127.0.0.1:$CH_PORT_A/fw1$"
check_grep "--status: nothing left" "$T/status" "^forward_lag_events 0$"
if grep -rq "s3cret" "$T/status" "$T/once.out" "$FW"/*.db 2>/dev/null; then fail "the password was written somewhere"; else pass "no password"; fi
check_fail "a wrong password is refused at start" \
    env OBS_CLICKHOUSE_PASSWORD=wrong "$OBSAGENT" --once -q --db "$FW/a.db" \
    --forward "clickhouse://obs@127.0.0.1:$CH_PORT_A/fw1"
check_fail "a bad URL is refused" "$OBSAGENT" --once -q --db "$FW/a.db" --forward "clickhouse://127.0.0.1/fw1"

# ---- follow mode, killed with SIGKILL while it forwards ----------------------
mkdir -p "$FW/live/fn"
"$LAMBDAGEN" --out "$FW/big" --functions 4 --invocations 6000 --seed 9 --format text >/dev/null 2>&1
start_follow()
{
    "$OBSAGENT" --db "$FW/live.db" --forward "$(ch_url A fw2)" "$FW/live" >>"$T/follow.log" 2>&1 &
    FPID=$!
}
cp -r "$FW/big/"* "$FW/live/"
"$OBSAGENT" --once -q --db "$FW/live.db" "$FW/live"   # stored first: the kills land while it forwards
for k in 1 2 3 4; do
    start_follow
    sleep "0.$((1 + k))"
    kill -KILL "$FPID"
    wait "$FPID" 2>/dev/null
done
start_follow
n=$(sql "$FW/live.db" "SELECT count(*) FROM events")
_i=0
while [ $_i -lt 300 ]; do
    n=$(sql "$FW/live.db" "SELECT count(*) FROM events")
    [ "$(ch_q A "SELECT count() FROM fw2.events FINAL")" = "$n" ] &&
        [ "$(sql "$FW/live.db" "SELECT event_id FROM forward_state")" = "$(sql "$FW/live.db" "SELECT max(id) FROM events")" ] &&
        break
    sleep 0.2
    _i=$((_i + 1))
done
kill -TERM "$FPID"
wait "$FPID"
check "after 4 kills: the store read every line" test "$(sql "$FW/live.db" "SELECT count(*) FROM events")" -gt 40000
check "after 4 kills: ClickHouse has each event once (FINAL)" same_events "$FW/live.db" fw2
sent=$(ch_q A "SELECT count() FROM fw2.events")
echo "clickhouse: $sent rows sent for $n events over 4 kills (the extra are batches sent again, replaced)"
check "every event sent at least once" test "$sent" -ge "$n"
check "the batches sent again are all replaced" test "$(ch_q A "SELECT count() FROM (SELECT agent, id FROM fw2.events GROUP BY agent, id)")" = "$n"

# a kill between ClickHouse's answer and the watermark's commit: the last
# 5,000 events were acknowledged but the store does not know it (the
# watermark put back); they are sent again and replace themselves
sqlite3 "$FW/live.db" "UPDATE forward_state SET event_id = event_id - 5000"
check "--once sends the unrecorded batch again" "$OBSAGENT" --once -q --db "$FW/live.db" --forward "$(ch_url A fw2)"
check_eq "... ClickHouse received it twice" "$(ch_q A "SELECT count() FROM fw2.events")" "$((sent + 5000))"
check "... and FINAL counts each event once" same_events "$FW/live.db" fw2

# ---- ClickHouse stopped and started again ---------------------------------------
"$OBSAGENT" --db "$FW/live.db" --forward "$(ch_url A fw2)" "$FW/live" >"$T/outage.log" 2>&1 &
FPID=$!
sleep 1
ch_stop A
"$LAMBDAGEN" --out "$FW/more" --functions 2 --invocations 300 --seed 21 --format text --start 2026-11-02T00:00:00Z \
    >/dev/null 2>&1
cp -r "$FW/more/"* "$FW/live/"
before=$(sql "$FW/live.db" "SELECT count(*) FROM events")
_i=0
while [ $_i -lt 100 ] && [ "$(sql "$FW/live.db" "SELECT count(*) FROM events")" = "$before" ]; do sleep 0.1; _i=$((_i + 1)); done
sleep 2
"$OBSAGENT" --status --db "$FW/live.db" >"$T/status" 2>&1
check_grep "ClickHouse down: --status says retrying, and why" "$T/status" "^forward_state retrying$"
check_grep "... with the error" "$T/status" "^forward_error .*(connect|Connection|refused)"
check_grep "... the lag in events" "$T/status" "^forward_lag_events [1-9][0-9]*$"
check_grep "... and in seconds" "$T/status" "^forward_lag_seconds [0-9]+\.[0-9]$"
check_grep "the agent said it paused" "$T/outage.log" "forward to .* paused"
check "the agent kept storing" test "$(sql "$FW/live.db" "SELECT count(*) FROM events")" -gt "$before"
ch_start A
_i=0
while [ $_i -lt 400 ]; do
    n=$(sql "$FW/live.db" "SELECT count(*) FROM events")
    [ "$(ch_q A "SELECT count() FROM fw2.events FINAL")" = "$n" ] && break
    sleep 0.1
    _i=$((_i + 1))
done
sleep 0.5
"$OBSAGENT" --status --db "$FW/live.db" >"$T/status" 2>&1
check_grep "ClickHouse back: lag 0" "$T/status" "^forward_lag_events 0$"
check_grep "... state ok" "$T/status" "^forward_state ok$"
check_grep "the agent said it resumed" "$T/outage.log" "forward to .* resumed"
kill -TERM "$FPID"
wait "$FPID"
check "after the outage: each event once" same_events "$FW/live.db" fw2
