#!/bin/sh
# tests/e2e/clickhouse/obsq_record.sh — obsq as the query suites see it when
# clickhouse/suite_queries.sh runs them (OBS_E2E_OBSQ): records each call
# that runs a query on a store — its arguments (NUL-separated) and a
# snapshot of its store as it is then (a copy, once per state of the
# file) — then runs the real obsq ($OBSQ_REAL) with the same arguments.
# Calls that read only the store (--explain, --follow, --context,
# --request) are not recorded: --engine refuses them by design.
db='' skip=''
prev=
for a in "$@"; do
    [ "$prev" = --db ] && db=$a
    case $a in
    --explain | -x | --follow | --context | --request) skip=1 ;;
    esac
    prev=$a
done
if [ -z "$skip" ] && [ -n "$db" ] && [ -f "$db" ]; then
    n=$(find "$OBSQ_REC/calls" -name '*.args' | wc -l)
    # the store's contents name its snapshot: the same calls on the same
    # data are one call, whatever obsq's reads did to the file's times
    key=$(cat "$db" "$db-wal" 2>/dev/null | cksum | cut -d' ' -f1)
    if ! [ -f "$OBSQ_REC/dbs/$key.db" ]; then
        # nothing writes the store while the suites query it: a copy of
        # the file and its WAL is the store as obsq is about to read it
        [ -f "$db-wal" ] && cp "$db-wal" "$OBSQ_REC/dbs/$key.db-wal"
        cp "$db" "$OBSQ_REC/dbs/$key.db"
    fi
    printf '%s\0' "$@" >"$OBSQ_REC/calls/$OBSQ_SUITE.$n.args"
    echo "$key" >"$OBSQ_REC/calls/$OBSQ_SUITE.$n.db"
fi
exec "$OBSQ_REAL" "$@"
