#!/bin/sh
# tests/e2e/test_clickhouse.sh — obs beyond one machine, against Debian's
# clickhouse-server (18.16) started here on loopback ports: the forwarder
# (clickhouse/forward.sh) and obsq --engine (clickhouse/query.sh: the docs'
# examples and AWS's samples; clickhouse/realworld.sh: the real-world set;
# clickhouse/suite_queries.sh: every query of the query suites) share one
# server, A; the scale-out test (clickhouse/shards.sh) adds a
# second as the other shard of a Distributed table.
. "$(dirname "$0")/lib.sh"
need obsagent obsq lambdagen
for _p in clickhouse-server curl node; do
    if ! command -v "$_p" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$_p" ]; then
        fail "$_p not found: this test needs Debian's clickhouse-server, curl and node (run 'make deps' as root)"
        finish
    fi
done
PIDS=
trap 'for _p in $PIDS; do kill -KILL "$_p" 2>/dev/null; done; rm -rf "$T"' EXIT
D=$(dirname "$0")/clickhouse
. "$D/server.sh"

CH_PARTS=${CH_PARTS:-forward query realworld suite_queries shards}
# both servers' ports chosen first: A's config names B as the other shard
case " $CH_PARTS " in
*" shards "*) ch_ports A B; CH_SHARDS="A B" ;;
esac
ch_start A || finish
for part in $CH_PARTS; do
    . "$D/$part.sh"
done
finish
