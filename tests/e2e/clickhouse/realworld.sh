# tests/e2e/clickhouse/realworld.sh — the real-world query set
# (tests/query/realworld/, as test_realworld_queries.sh runs it) on server A
# (sourced by test_clickhouse.sh): each kind's fixture imported as there,
# its store forwarded (obsagent --once --forward without a PATH), then
# every query CloudWatch accepts run on the store and on ClickHouse. Each
# gives the same rows (compare.js: reals to 1e-9), the same rows with a
# sort's ties in another order, or — when the query ends "| sort F ... |
# limit N" — other rows tied on F (each a row of the answer without the
# limit); or ClickHouse refuses it (exit 2, "not supported on the
# ClickHouse engine: WHAT"). Never other rows.

RWQ=$T/rwq
RWJS=$(dirname "$0")/../query/realworld.js
mkdir -p "$RWQ/q"
node "$RWJS" gen "$RWQ/logs" 15 $((($(date +%s) / 3600 - 6) * 3600000)) >/dev/null
for kind in lambda json-app apigw cloudtrail other vpc; do
    while IFS="$(printf '\t')" read -r id group; do
        "$OBSAGENT" --once -q --db "$RWQ/$kind.db" --log-group "$group" "$RWQ/logs/$kind/$id" >/dev/null 2>&1 ||
            fail "realworld: import $kind/$id"
    done <"$RWQ/logs/$kind/groups.tsv"
    check "realworld: the $kind store forwarded" \
        "$OBSAGENT" --once -q --db "$RWQ/$kind.db" --forward "$(ch_url A "rw_$(echo "$kind" | tr - _)")"
done
node -e '
const fs = require("fs"), out = process.argv[1];
for (const f of process.argv.slice(2))
    for (const l of fs.readFileSync(f, "utf8").split("\n").filter(Boolean)) {
        const r = JSON.parse(l);
        if (r.cloudwatch_valid === "no") continue;
        fs.writeFileSync(`${out}/${r.id}.query`, r.query);
        fs.writeFileSync(`${out}/${r.id}.kind`, r.kind);
    }' "$RWQ/q" "$(dirname "$0")/../query/realworld/queries.jsonl" \
    "$(dirname "$0")/../query/realworld/console-samples.jsonl"

same=0 refused=0 bad=0 ties=0
: >"$T/refused.txt"
for qf in "$RWQ/q"/*.query; do
    id=$(basename "$qf" .query)
    kind=$(cat "$RWQ/q/$id.kind")
    "$OBSQ" --db "$RWQ/$kind.db" -o json --query-file "$qf" >"$T/a.json" 2>/dev/null || continue
    timeout 30 "$OBSQ" --engine "$(ch_url A "rw_$(echo "$kind" | tr - _)")" -o json --query-file "$qf" \
        >"$T/b.json" 2>"$T/b.err"
    sb=$?
    if [ $sb -eq 2 ] && grep -q "not supported on the ClickHouse engine" "$T/b.err"; then
        refused=$((refused + 1))
        sed -n 's/.*not supported on the ClickHouse engine: \(.*\) (docs.*/\1/p' "$T/b.err" | head -n 1 >>"$T/refused.txt"
        continue
    fi
    if [ $sb -ne 0 ]; then
        bad=$((bad + 1))
        fail "realworld $id: ClickHouse failed (exit $sb): $(tr '\n' ' ' <"$qf")" "$T/b.err"
        continue
    fi
    # a sort then a limit at the end: the rows kept among ties may be others
    tiecol=$(tr '\n' ' ' <"$qf" | sed -n 's/.*| *sort \(@\{0,1\}[A-Za-z_][A-Za-z0-9_.]*\)\( desc\| asc\)\{0,1\} *| *limit [0-9]* *$/\1/p')
    if [ -n "$tiecol" ]; then
        tr '\n' ' ' <"$qf" | sed 's/| *limit [0-9]* *$//' >"$T/all.query"
        "$OBSQ" --db "$RWQ/$kind.db" -o json --query-file "$T/all.query" >"$T/all.json" 2>/dev/null
        node "$(dirname "$0")/clickhouse/compare.js" "$T/a.json" "$T/b.json" --ties "$tiecol" "$T/all.json" \
            >"$T/cmp.out" 2>&1
    else
        node "$(dirname "$0")/clickhouse/compare.js" "$T/a.json" "$T/b.json" >"$T/cmp.out" 2>&1
    fi
    case $? in
    0) same=$((same + 1)) ;;
    3) ties=$((ties + 1)) ;;
    *)
        bad=$((bad + 1))
        fail "realworld $id: different rows on ClickHouse: $(tr '\n' ' ' <"$qf")" "$T/cmp.out"
        ;;
    esac
done
echo "clickhouse: realworld: $same queries gave the same rows, $ties the same rows or rows tied on a sort's key in another order, $refused refused by the ClickHouse engine, $bad differ"
sort "$T/refused.txt" | uniq -c | sort -rn | sed 's/^/    refused: /'
check "realworld: most queries run on ClickHouse" test "$same" -ge 80
check_eq "realworld: no query gives other rows on ClickHouse" "$bad" 0
# bin(1m): a remainder by 60000 is an Int16 in ClickHouse unless the divisor is an Int64
q='stats count(*) as n by bin(1m)'
"$OBSQ" --db "$RWQ/json-app.db" -o json "$q" >"$T/a.json" 2>&1
"$OBSQ" --engine "$(ch_url A rw_json_app)" -o json "$q" >"$T/b.json" 2>&1
check "bin(1m) on ClickHouse: the store's minutes" node "$(dirname "$0")/clickhouse/compare.js" "$T/a.json" "$T/b.json"
