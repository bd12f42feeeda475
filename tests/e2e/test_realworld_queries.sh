#!/bin/sh
# tests/e2e/test_realworld_queries.sh — every query of the real-world set
# (tests/query/realworld/: 129 queries of public definitions, dashboards,
# samples and blogs, and the CloudWatch console's 41 samples, copied from
# ../shared/real-world/queries) run unchanged by obsq on fixture stores
# built from generated logs of its kind (tests/query/realworld_gen.js:
# Lambda text and JSON formats, JSON application logs, API Gateway access
# and execution logs, CloudTrail and EventBridge, WAF, AppSync, IoT, RUM,
# OpenTelemetry, VPC flow logs), each imported with obsagent --once:
#   - a query marked cloudwatch_valid "no" is refused (exit 2, "error:");
#     every other one runs (exit 0): never refused, never a crash;
#   - no output column is empty in every row when the fixture holds the
#     fields it is made of (realworld.js empty);
#   - the answers of the queries realworld.js knows (at least MIN_CHECKED,
#     of every kind) are those it computes from the generator's model of
#     the events, without obs (realworld.js check).
# The fixture's times are the last hours before now (SOURCE ... START=-7d
# then selects them); REALWORLD_SEED changes the logs.
. "$(dirname "$0")/lib.sh"
need obsagent obsq
MIN_CHECKED=25
HERE=$(cd "$(dirname "$0")" && pwd)
RW=$HERE/../query/realworld.js
QDIR=$HERE/../query/realworld
command -v node >/dev/null 2>&1 || { fail "node is needed (tests/query/realworld.js)"; finish; }
SEED=${REALWORLD_SEED:-15}
BASE=$(( ($(date +%s) / 3600 - 6) * 3600000 ))

# the copies are the shared files, when those are here
SHARED=$HERE/../../../shared/real-world/queries
if [ -d "$SHARED" ]; then
    for f in queries.jsonl console-samples.jsonl; do
        check "tests/query/realworld/$f is a copy of the shared $f" cmp "$QDIR/$f" "$SHARED/$f"
    done
fi

node "$RW" gen "$T/logs" "$SEED" "$BASE" || { fail "realworld.js gen"; finish; }
for kind in lambda json-app apigw cloudtrail other vpc; do
    ok=1
    while IFS="$(printf '\t')" read -r id group; do
        if ! "$OBSAGENT" --once --no-progress --db "$T/$kind.db" --log-group "$group" "$T/logs/$kind/$id" \
            >"$T/import.out" 2>&1; then
            ok=0
            fail "import $kind/$id" "$T/import.out"
        fi
    done <"$T/logs/$kind/groups.tsv"
    [ "$ok" = 1 ] && pass "import the $kind fixture"
done

# one file per query: Q/<id>.query, .kind, .valid
mkdir -p "$T/q"
node -e '
const fs = require("fs"), out = process.argv[1];
for (const f of process.argv.slice(2))
    for (const l of fs.readFileSync(f, "utf8").split("\n").filter(Boolean)) {
        const r = JSON.parse(l);
        fs.writeFileSync(`${out}/${r.id}.query`, r.query);
        fs.writeFileSync(`${out}/${r.id}.kind`, r.kind);
        fs.writeFileSync(`${out}/${r.id}.valid`, r.cloudwatch_valid || "");
    }' "$T/q" "$QDIR/queries.jsonl" "$QDIR/console-samples.jsonl" || { fail "reading the queries"; finish; }

node "$RW" ids >"$T/ids"
total=0 checked=0
: >"$T/checked_kinds"
for qf in "$T"/q/*.query; do
    id=$(basename "$qf" .query)
    kind=$(cat "$T/q/$id.kind")
    valid=$(cat "$T/q/$id.valid")
    total=$((total + 1))
    "$OBSQ" --db "$T/$kind.db" -o json --query-file "$qf" >"$T/$id.json" 2>"$T/$id.err"
    rc=$?
    if [ "$valid" = no ]; then
        if [ "$rc" = 2 ] && grep -q '^error: ' "$T/$id.err"; then
            pass "$id: refused, as CloudWatch refuses it"
        else
            fail "$id ($kind, CloudWatch refuses it): exit $rc, expected 2 with an error" "$T/$id.err"
        fi
        continue
    fi
    if [ "$rc" != 0 ]; then
        fail "$id ($kind): exit $rc" "$T/$id.err"
        continue
    fi
    pass "$id: runs"
    if node "$RW" empty "$SEED" "$BASE" "$kind" "$qf" "$T/$id.json" >"$T/$id.empty" 2>&1; then
        pass "$id: no silently empty column"
    else
        fail "$id ($kind): a column is empty in every row" "$T/$id.empty"
    fi
    if grep -qx "$id" "$T/ids"; then
        checked=$((checked + 1))
        echo "$kind" >>"$T/checked_kinds"
        if node "$RW" check "$SEED" "$BASE" "$kind" "$id" "$T/$id.json" >"$T/$id.cmp" 2>&1; then
            pass "$id: the answer is the independent computation's"
        else
            fail "$id ($kind): differs from the independent computation" "$T/$id.cmp"
        fi
    fi
done
check_eq "every query was run" "$total" 170
if [ "$checked" -ge "$MIN_CHECKED" ]; then
    pass "$checked answers checked (at least $MIN_CHECKED)"
else
    fail "only $checked answers checked, fewer than $MIN_CHECKED"
fi
for kind in lambda json-app apigw cloudtrail other; do
    check "answers of $kind queries checked" grep -qx "$kind" "$T/checked_kinds"
done
finish
