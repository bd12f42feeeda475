#!/bin/sh
# tests/e2e/test_query_docs.sh — every ```obsq-example block of
# docs/query-language.md, run against the fixture store the document
# describes at its top, must print exactly the output it shows (one check
# per example). The blocks are extracted by tests/query/doc_examples.js;
# each runs as `obsq --db FIXTURE -o table [OPTIONS] QUERY` (and, when the
# block has a stderr: section, its standard error is compared too). Fewer than
# MIN_EXAMPLES examples is a failure, so the reference keeps covering every
# command and function. Keep the fixture below in step with the document.
. "$(dirname "$0")/lib.sh"
need obsagent obsq lambdagen
MIN_EXAMPLES=60
HERE=$(cd "$(dirname "$0")" && pwd)
DOC=$HERE/../../docs/query-language.md
EXTRACT=$HERE/../query/doc_examples.js
command -v node >/dev/null 2>&1 || { fail "node is needed (tests/query/doc_examples.js)"; finish; }

# The fixture (documented at the top of docs/query-language.md).
"$LAMBDAGEN" --out "$T/logs" --functions 3 --invocations 40 --seed 11 --format mixed \
    --start 2026-11-01T00:00:00Z --hours 2 >/dev/null || { fail "lambdagen"; finish; }
DB=$T/fixture.db
check "obsagent --once imports the fixture" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"

N=$(node "$EXTRACT" "$DOC" "$T/ex" 2>"$T/extract.err") || { fail "extracting the examples" "$T/extract.err"; finish; }
if [ "$N" -ge "$MIN_EXAMPLES" ]; then
    pass "the reference has $N examples (at least $MIN_EXAMPLES)"
else
    fail "the reference has $N examples, fewer than $MIN_EXAMPLES"
fi

i=1
while [ "$i" -le "$N" ]; do
    q=$(cat "$T/ex/$i.query")
    # shellcheck disable=SC2046 # options are split on spaces on purpose
    set -- $(cat "$T/ex/$i.options")
    want_exit=$(cat "$T/ex/$i.exit")
    line=$(cat "$T/ex/$i.line")
    if [ "$want_exit" = 0 ]; then
        "$OBSQ" --db "$DB" -o table "$@" "$q" >"$T/out" 2>"$T/err"
        rc=$?
    else
        "$OBSQ" --db "$DB" -o table "$@" "$q" >"$T/out" 2>&1
        rc=$?
    fi
    desc="example $i (docs/query-language.md:$line)"
    if [ "$rc" != "$want_exit" ]; then
        cat "$T/err" >>"$T/out" 2>/dev/null
        fail "$desc: exit $rc, expected $want_exit: $q" "$T/out"
    else
        check_eq "$desc: $q" "$(cat "$T/out")" "$(cat "$T/ex/$i.expected")"
        if [ -f "$T/ex/$i.stderr" ]; then
            check_eq "$desc: stderr" "$(cat "$T/err")" "$(cat "$T/ex/$i.stderr")"
        fi
    fi
    i=$((i + 1))
done
finish
