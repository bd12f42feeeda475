#!/bin/sh
# tests/e2e/test_query_forms.sh — forms of real Logs Insights queries found
# beyond the shared real-world set, through obsq on a store imported with
# obsagent --once:
#   - VPC flow logs in the default format: the fields CloudWatch discovers
#     in their text (srcAddr, dstPort, action, bytes, logStatus, ...) are
#     read from the line, in filter, stats, sort and functions; a "-" word
#     (NODATA) is "-", as the line shows it; a JSON event's own key of that name comes first;
#     a custom-format line has none; no "field is in none of the events"
#     note for them;
#   - Route 53 query logs: queryName, queryType, responseCode, resolverIp,
#     ... from the line, as AWS's sample queries ask;
#   - =~ with a string: the string is a regex;
#   - a '/' in a regex's character class is part of it;
#   - '!' before an operand is 'not' (filter !ispresent(f));
#   - a dotted name reads a JSON key that holds dots, as CloudWatch's
#     flattening does (OpenTelemetry's {"attributes": {"http.route": ...}});
#   - text that is no number ("-" in a NODATA record, a JSON "INFO") is no
#     value where a number is read: a comparison with a number is false
#     (and not of it true), arithmetic gives no value, max and min skip it
#     while any value is a number (also when the query runs in parts).
. "$(dirname "$0")/lib.sh"
need obsagent obsq

DB=$T/obs.db
q() { "$OBSQ" --db "$DB" -o jsonl "$@" 2>"$T/err"; }

mkdir -p "$T/vpc/eni-01" "$T/app/api" "$T/r53/Z0123456789ABC" "$T/otel/spans"
H="2 123456789012 eni-01"
printf '%s\n' \
    "2026-11-01T00:00:01.000Z $H 10.0.1.5 10.0.2.9 40001 443 6 10 1000 1793491201 1793491261 ACCEPT OK" \
    "2026-11-01T00:00:02.000Z $H 10.0.1.5 10.0.2.9 40002 443 6 20 3000 1793491202 1793491262 ACCEPT OK" \
    "2026-11-01T00:00:03.000Z $H 203.0.113.7 10.0.2.9 51000 22 6 1 40 1793491203 1793491263 REJECT OK" \
    "2026-11-01T00:00:04.000Z $H 203.0.113.7 10.0.2.9 51001 22 6 1 40 1793491204 1793491264 REJECT OK" \
    "2026-11-01T00:00:05.000Z $H 198.51.100.3 10.0.2.9 53 53 17 2 200 1793491205 1793491265 ACCEPT SKIPDATA" \
    "2026-11-01T00:00:06.000Z $H - - - - - - - 1793491206 1793491266 - NODATA" \
    "2026-11-01T00:00:07.000Z 5 vpc-1 $H 10.0.1.5 10.0.2.9 40003 443 6 10 1000 ACCEPT OK" \
    >"$T/vpc/eni-01/s1.log"
printf '%s\n' \
    '{"timestamp":"2026-11-01T00:00:08.000Z","srcAddr":"from-json","action":"ACCEPT","bytes":5,"msg":"request a1b2-c3 timed out"}' \
    >"$T/app/api/s1.log"
printf '%s\n' \
    "2026-11-01T00:01:00.000Z 1.0 2026-11-01T00:01:00.000Z Z0123456789ABC www.example.com A NOERROR UDP FRA6 192.0.2.53 -" \
    "2026-11-01T00:01:01.000Z 1.0 2026-11-01T00:01:01.000Z Z0123456789ABC www.example.com AAAA NOERROR UDP FRA6 192.0.2.53 -" \
    "2026-11-01T00:01:02.000Z 1.0 2026-11-01T00:01:02.000Z Z0123456789ABC bad.example.com A SERVFAIL TCP IAD89 198.51.100.8 -" \
    >"$T/r53/Z0123456789ABC/s1.log"
printf '%s\n' \
    '{"timestamp":"2026-11-01T00:02:00.000Z","resource":{"attributes":{"service.name":"cart"}},"attributes":{"http.route":"/pay","http.status_code":503}}' \
    '{"timestamp":"2026-11-01T00:02:01.000Z","resource":{"attributes":{"service.name":"cart"}},"attributes":{"http.route":"/","http.status_code":200}}' \
    '{"timestamp":"2026-11-01T00:02:02.000Z","resource":{"attributes":{"service.name":"search"}},"attributes":{"http":{"route":"/q","status_code":500}}}' \
    >"$T/otel/spans/s1.log"
check "import the flow log" "$OBSAGENT" --once --no-progress --db "$DB" --log-group /vpc/flow "$T/vpc"
check "import the app" "$OBSAGENT" --once --no-progress --db "$DB" "$T/app"
check "import the spans" "$OBSAGENT" --once --no-progress --db "$DB" --log-group /aws/otel/app "$T/otel"
check "import the DNS query log" "$OBSAGENT" --once --no-progress --db "$DB" --log-group /aws/route53/example.com "$T/r53"

# ---- VPC flow log fields ------------------------------------------------------
check_eq "stats by a discovered field: sum and count" \
    "$(q 'filter logStatus != "NODATA" | stats sum(bytes) as b, count(*) as n by action | sort b desc')" \
    '{"action":"ACCEPT","b":4200,"n":3}
{"action":"REJECT","b":80,"n":2}'
check_eq "the NODATA record's words are as the line shows them" \
    "$(q 'filter logStatus = "NODATA" | fields interfaceId, srcAddr, action')" \
    '{"interfaceId":"eni-01","srcAddr":"-","action":"-"}'
check_eq "a number compares as a number, a string as a string" \
    "$(q 'filter dstPort = 22 or dstPort = "53" | stats count(*) as n by srcAddr, protocol | sort n desc')" \
    '{"srcAddr":"203.0.113.7","protocol":"6","n":2}
{"srcAddr":"198.51.100.3","protocol":"17","n":1}'
check_eq "a discovered field in a function and an arithmetic" \
    "$(q 'filter isIpv4InSubnet(srcAddr, "10.0.0.0/16") | stats sum(bytes / packets) as per, max(end - start) as span')" \
    '{"per":250,"span":60}'
check_eq "rejected sources, as AWS's sample query asks" \
    "$(q 'filter action = "REJECT" | stats count(*) as numRejections by srcAddr | sort numRejections desc | limit 20')" \
    '{"srcAddr":"203.0.113.7","numRejections":2}'
check_eq "a JSON event's own key comes first" \
    "$(q 'filter bytes = 5 | fields srcAddr')" '{"srcAddr":"from-json"}'
check_eq "a custom-format line has no discovered field" \
    "$(q 'filter @message like "vpc-1" | fields srcAddr, action')" '{"srcAddr":null,"action":null}'
q 'stats count(*) by dstAddr' >/dev/null
check_eq "no note that a discovered field is in no event" "$(cat "$T/err")" ""

# ---- text that is no number, where a number is read ---------------------------
check_eq "a '-' word is no port: dstPort > 1024 keeps no NODATA record" \
    "$(q 'fields dstPort, srcAddr, action | filter dstPort > 1024 | sort dstPort desc | limit 20')" ''
check_eq "compared with arithmetic, the same" \
    "$(q 'filter dstPort > 2 * 512 | stats count(*) as n')" '{"n":0}'
check_eq "bytes > 999 counts the flows of 1000 bytes or more only" \
    "$(q 'filter bytes > 999 | stats count(*) as n, sum(bytes) as b')" '{"n":2,"b":4000}'
check_eq "JSON text is no number: msg > 5 and msg < 5 are both false" \
    "$(q 'filter ispresent(msg) | stats sum(msg > 5) as gt, sum(msg < 5) as lt, count(msg != 5) as ne, sum(not (msg > 5)) as notgt')" \
    '{"gt":null,"lt":null,"ne":0,"notgt":1}'
check_eq "not of a comparison with no value is true, as for a missing field" \
    "$(q 'filter logStatus = "NODATA" and not (dstPort > 1024) | fields action')" '{"action":"-"}'
check_eq "a list of numbers reads a number: '-' is neither in nor not in it" \
    "$(q 'filter logStatus = "NODATA" | stats sum(dstPort in [22, 443]) as isin, sum(dstPort not in [22, 443]) as notin')" \
    '{"isin":null,"notin":null}'
check_eq "a list with text compares each element with its own type" \
    "$(q 'filter dstPort in [22, "-"] | stats count(*) as n')" '{"n":3}'
check_eq "arithmetic with '-' gives no value, not 0 or -0" \
    "$(q 'filter logStatus = "NODATA" | fields bytes / 1000 as kb, -bytes as neg, packets - 1 as p, bytes % 7 as m, packets ^ 2 as sq')" \
    '{"kb":null,"neg":null,"p":null,"m":null,"sq":null}'
check_eq "avg of an arithmetic skips the rows where it has no value" \
    "$(q 'stats avg(packets - 1) as a, count(packets - 1) as n')" '{"a":5.8,"n":5}'
check_eq "max and min skip '-' while a value is a number" \
    "$(q 'stats max(dstPort) as mx, min(dstPort) as mn, max(bytes) as mxb')" '{"mx":443,"mn":22,"mxb":3000}'
check_eq "max and min of text when no value is a number" \
    "$(q 'stats max(action) as mx, min(action) as mn, max(logStatus) as ms')" '{"mx":"REJECT","mn":"-","ms":"SKIPDATA"}'
check_eq "in parts, a number wins over a part's text" \
    "$("$OBSQ" --db "$DB" -o jsonl --threads 4 'stats max(dstPort) as mx, min(dstPort) as mn, max(action) as a' 2>&1)" \
    '{"mx":443,"mn":22,"a":"REJECT"}'
"$OBSQ" --db "$DB" --explain --threads 4 'stats max(dstPort) as mx' >"$T/explain" 2>&1
check_grep "... which runs in parts" "$T/explain" 'run as [0-9]+ parts'
check_eq "a stats' max that is text is no number to a later comparison" \
    "$(q 'stats max(action) as a by logStatus | filter a > 5 | display a')" ''

# ---- Route 53 query log fields --------------------------------------------------
check_eq "requests by resolver, as AWS's sample query asks" \
    "$(q 'stats count(*) as numRequests by resolverIp | filter ispresent(resolverIp) | sort numRequests desc | limit 10')" \
    '{"resolverIp":"192.0.2.53","numRequests":2}
{"resolverIp":"198.51.100.8","numRequests":1}'
check_eq "SERVFAIL by query name" \
    "$(q 'filter responseCode="SERVFAIL" | stats count(*) by queryName, protocol, edgeLocation')" \
    '{"queryName":"bad.example.com","protocol":"TCP","edgeLocation":"IAD89","count(*)":1}'
check_eq "query types" \
    "$(q 'filter ispresent(queryType) | stats count(*) as n by queryType | sort queryType')" \
    '{"queryType":"A","n":2}
{"queryType":"AAAA","n":1}'
check_eq "a flow log line has no Route 53 field, a DNS line no flow log field" \
    "$(q 'filter ispresent(queryName) and ispresent(srcAddr) | stats count(*) as n')" '{"n":0}'

# ---- =~ with a string ---------------------------------------------------------
check_eq "=~ with a string matches it as a regex" \
    "$(q 'filter msg =~ "a1b2-c3 time(d)? out" | fields srcAddr')" '{"srcAddr":"from-json"}'
check_eq "=~ with a string that is not in the event" \
    "$(q 'filter msg =~ "a1b2-c4" | fields srcAddr')" ''

# ---- a '/' in a character class -------------------------------------------------
check_eq "parse with a class that holds '/'" \
    "$(q 'filter @message like /[/]flow/ or ispresent(msg) | parse msg /request (?<id>[^/ ]+)/ | fields id')" \
    '{"id":"a1b2-c3"}'
# ---- '!' as not ---------------------------------------------------------------------
check_eq "!ispresent keeps the events without the field (14 events, 3 DNS lines)" \
    "$(q 'filter !ispresent(queryName) | stats count(*) as n')" '{"n":11}'
check_eq "!x is not x, with or" \
    "$(q 'filter !ispresent(queryName) and !(action = "ACCEPT") or queryType = "AAAA" | stats count(*) as n')" \
    "$(q 'filter not ispresent(queryName) and not (action = "ACCEPT") or queryType = "AAAA" | stats count(*) as n')"
# ---- JSON keys with dots ---------------------------------------------------------
check_eq "stats by a flattened name over keys with dots, and nested keys alike" \
    "$(q 'filter attributes.http.status_code >= 500 | stats count(*) as n by resource.attributes.service.name, attributes.http.route | sort n desc, attributes.http.route')" \
    '{"resource.attributes.service.name":"cart","attributes.http.route":"/pay","n":1}
{"resource.attributes.service.name":"search","attributes.http.route":"/q","n":1}'
check_eq "a number under a key with dots, sorted by it (replayed on ClickHouse)" \
    "$(q 'filter attributes.http.status_code >= 500 | stats sum(attributes.http.status_code) as s by attributes.http.route | sort s desc')" \
    '{"attributes.http.route":"/pay","s":503}
{"attributes.http.route":"/q","s":500}'
q 'filter attributes.http.status_code > 900 | fields attributes.http.route' >/dev/null
check_eq "no note that such a field is in no event" "$(cat "$T/err")" ""
finish
