# tests/e2e/clickhouse/suite_queries.sh — the queries of the query suites
# (test_query.sh, test_query_commands.sh, test_query_cli.sh,
# test_query_forms.sh) on server A
# (sourced by test_clickhouse.sh): each suite runs as it does alone, with
# obsq wrapped by obsq_record.sh, which records every query call and a
# snapshot of the store it read; each snapshot is forwarded (obsagent
# --once --forward) and every recorded call runs again on the snapshot and
# on ClickHouse (suite_replay.js): the same rows (reals to 1e-9, a sort's
# ties in any order), refused by the ClickHouse engine with a clear
# message, or failed on both (a syntax error) — never other rows.

SQ=$T/suiteq
mkdir -p "$SQ/calls" "$SQ/dbs"
for s in test_query test_query_commands test_query_cli test_query_forms; do
    OBS_E2E_OBSQ=$(cd "$D" && pwd)/obsq_record.sh OBSQ_REAL=$OBSQ OBSQ_REC=$SQ OBSQ_SUITE=$s BUILD=$BUILD \
        sh "$(dirname "$0")/$s.sh" >"$SQ/$s.log" 2>&1 ||
        fail "suite queries: $s.sh failed with obsq recorded" "$SQ/$s.log"
done
for f in "$SQ/dbs"/*.db; do
    k=$(basename "$f" .db)
    "$OBSAGENT" --once -q --db "$f" --forward "$(ch_url A "sq_$k")" >"$SQ/fwd.out" 2>&1 ||
        fail "suite queries: snapshot $k forwarded" "$SQ/fwd.out"
done
node "$D/suite_replay.js" "$OBSQ" "$SQ" "$(ch_url A sq_)" >"$SQ/replay.out" 2>&1
rc=$?
echo "clickhouse: suite queries (same / ties / refused / differ / failed on both / differ by design):"
grep -v '^refused \|^differ \|^bydesign ' "$SQ/replay.out" | sed 's/^/    /'
grep '^refused ' "$SQ/replay.out" | sort | uniq -c | sort -rn | sed 's/^/   /'
grep '^differ \|^bydesign ' "$SQ/replay.out" | head -n 20
check_eq "suite queries: no query gives other rows on ClickHouse" "$rc" 0
check "suite queries: every suite's queries replayed" test "$(grep -c '^test_query' "$SQ/replay.out")" -eq 4
