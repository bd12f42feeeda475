# tests/e2e/clickhouse/query.sh — obsq --engine on server A (sourced by
# test_clickhouse.sh): the fixture of docs/query-language.md forwarded, then
# every query of the suite's docs examples and of AWS's samples run on the
# store and on ClickHouse with the same options: each must give the same
# rows (compare.js: reals to 1e-9), or be refused by the ClickHouse engine
# with exit 2 and "not supported on the ClickHouse engine: WHAT" — never
# other rows. The counts are printed (same / refused).

QD=$T/qdocs
mkdir -p "$QD"
"$LAMBDAGEN" --out "$QD/logs" --functions 3 --invocations 40 --seed 11 --format mixed \
    --start 2026-11-01T00:00:00Z --hours 2 >/dev/null 2>&1
check "the docs' fixture imported and forwarded" \
    "$OBSAGENT" --once -q --db "$QD/fixture.db" --forward "$(ch_url A qdocs)" "$QD/logs"
ENGINE=$(ch_url A qdocs)

node "$(dirname "$0")/../query/doc_examples.js" "$(dirname "$0")/../../docs/query-language.md" "$QD/ex" >/dev/null
# AWS's samples, one file each
awk -v d="$QD/ex" 'BEGIN { n = 1000 } /^---$/ { if (q != "") { f = d "/" n ".query"; printf "%s", q > f; close(f); n++ } q = ""; next }
     /^#/ { next } { q = q (q == "" ? "" : "\n") $0 } END { if (q != "") { f = d "/" n ".query"; printf "%s", q > f } }' \
    "$(dirname "$0")/../query/aws_samples.txt"

same=0 refused=0 bad=0 ties=0
: >"$T/refused.txt"
for qf in "$QD/ex"/*.query; do
    n=${qf%.query}
    opts=$(cat "$n.options" 2>/dev/null || true)
    # shellcheck disable=SC2086
    "$OBSQ" --db "$QD/fixture.db" $opts -o json --query-file "$qf" >"$T/a.json" 2>/dev/null
    sa=$?
    # shellcheck disable=SC2086
    timeout 30 "$OBSQ" --engine "$ENGINE" $opts -o json --query-file "$qf" >"$T/b.json" 2>"$T/b.err"
    sb=$?
    if [ $sa -ne 0 ]; then
        # refused or failed on SQLite: ClickHouse must not answer
        if [ $sb -eq 0 ]; then
            bad=$((bad + 1))
            fail "answered on ClickHouse, refused on SQLite: $(cat "$qf")"
        fi
        continue
    fi
    if [ $sb -eq 2 ] && grep -q "not supported on the ClickHouse engine" "$T/b.err"; then
        refused=$((refused + 1))
        sed -n 's/.*not supported on the ClickHouse engine: \(.*\) (docs.*/\1/p' "$T/b.err" | head -n 1 >>"$T/refused.txt"
        continue
    fi
    if [ $sb -ne 0 ]; then
        bad=$((bad + 1))
        fail "ClickHouse failed (exit $sb): $(tr '\n' ' ' <"$qf")" "$T/b.err"
        continue
    fi
    node "$(dirname "$0")/clickhouse/compare.js" "$T/a.json" "$T/b.json" >"$T/cmp.out" 2>&1
    st=$?
    if [ $st -eq 0 ]; then
        same=$((same + 1))
    elif [ $st -eq 3 ]; then   # by design: the order of a sort's ties
        ties=$((ties + 1))
        echo "    same rows, ties in another order: $(tr '\n' ' ' <"$qf")"
    else
        bad=$((bad + 1))
        fail "different rows on ClickHouse: $(tr '\n' ' ' <"$qf")" "$T/cmp.out"
    fi
done
echo "clickhouse: $same queries gave the same rows, $ties the same rows with ties of a sort in another order, $refused refused by the ClickHouse engine, $bad differ"
sort "$T/refused.txt" | uniq -c | sort -rn | sed 's/^/    refused: /'
check "most queries run on ClickHouse" test "$same" -ge 40
check_eq "no query gives other rows on ClickHouse" "$bad" 0
# the formats: table and csv as on the store
q='filter @type = "REPORT" | stats count(*) as n, max(@duration) as m by bin(30m)'
for fmt in table csv jsonl; do
    "$OBSQ" --db "$QD/fixture.db" -o $fmt "$q" >"$T/a.$fmt" 2>&1
    "$OBSQ" --engine "$ENGINE" -o $fmt "$q" >"$T/b.$fmt" 2>&1
    check "-o $fmt: the same bytes on ClickHouse" cmp "$T/a.$fmt" "$T/b.$fmt"
done
"$OBSQ" --engine "$ENGINE" --explain "$q" >"$T/explain" 2>&1
check_grep "--explain prints the ClickHouse SQL" "$T/explain" "FROM .qdocs.\.events FINAL"
check_fail "a refused query exits 2" "$OBSQ" --engine "$ENGINE" 'fields @message | parse @message "a * b" as x'
