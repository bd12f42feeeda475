#!/bin/sh
# tests/e2e/test_query_commands.sh — what issue 15 added to the language,
# through obsq on stores imported with obsagent --once:
#   - CloudWatch's leniency: a field that does not exist is empty (sort
#     keeps the order, filter matches nothing), a note on stderr names it and
#     the nearest field; --strict refuses it; sort before stats; bin() in
#     fields; `sort bin(1h)` after `stats ... by bin(1h)`; median();
#   - dotted fields in every position; aliases of the same fields command;
#   - SOURCE (names, ARNs, several, logGroups(namePrefix, class), START/END)
#     and --log-group, alone and with --function;
#   - pattern (messages of known templates: each template one pattern, with
#     its count), diff, anomaly, estimate, unmask, filterIndex;
#   - refusals that name every unsupported part of a query.
. "$(dirname "$0")/lib.sh"
need obsagent obsq lambdagen
command -v node >/dev/null 2>&1 || { fail "node is needed"; finish; }

DB=$T/obs.db
q() { "$OBSQ" --db "$DB" -o jsonl "$@" 2>"$T/err"; }
j() { "$OBSQ" --db "$DB" -o json "$@" 2>"$T/err"; }

# ---- fixture: CloudTrail-like JSON under two log groups, an app's JSON ----
mkdir -p "$T/ct/trail" "$T/ct2/trail" "$T/app/api"
printf '%s\n' \
    '2026-11-01T00:00:01.000Z {"eventName":"CreateUser","awsRegion":"us-east-1","requestParameters":{"userName":"bob"},"responseElements":{"user":{"arn":"arn:aws:iam::1:user/bob"}}}' \
    '2026-11-01T00:10:01.000Z {"eventName":"CreateUser","awsRegion":"eu-west-1","requestParameters":{"userName":"ann"},"responseElements":{"user":{"arn":"arn:aws:iam::1:user/ann"}}}' \
    '2026-11-01T00:20:01.000Z {"eventName":"DeleteUser","awsRegion":"eu-west-1","requestParameters":{"userName":"ann"}}' \
    >"$T/ct/trail/s1.log"
printf '%s\n' \
    '2026-11-01T00:30:01.000Z {"eventName":"CreateUser","awsRegion":"us-east-2","requestParameters":{"userName":"cid"}}' \
    >"$T/ct2/trail/s1.log"
printf '%s\n' \
    '{"timestamp":"2026-11-01T00:00:07.000Z","level":"ERROR","msg":"boom","ms":1500,"accounts":[{"type":"internal","id":1},{"type":"external","id":2}]}' \
    '{"timestamp":"2026-11-01T00:40:07.000Z","level":"INFO","msg":"ok","ms":2500,"accounts":[{"type":"internal","id":3}]}' \
    '{"timestamp":"2026-11-01T00:50:07.000Z","level":"INFO","msg":"ok","ms":500}' \
    >"$T/app/api/s1.log"
# (function: the directory under the one imported: trail, trail, api)
check "import the trail" "$OBSAGENT" --once --no-progress --db "$DB" --log-group aws-cloudtrail-logs-1 "$T/ct"
check "import the second trail" "$OBSAGENT" --once --no-progress --db "$DB" --log-group aws-cloudtrail-logs-2 "$T/ct2"
check "import the app" "$OBSAGENT" --once --no-progress --db "$DB" "$T/app"

# ---- dotted fields, same-command aliases ----------------------------------------
check_eq "fields a.b.c: JSON paths, shown without 'as'" \
    "$(q 'filter eventName = "CreateUser" | fields requestParameters.userName, responseElements.user.arn | sort @timestamp asc | limit 2')" \
    '{"requestParameters.userName":"bob","responseElements.user.arn":"arn:aws:iam::1:user/bob"}
{"requestParameters.userName":"ann","responseElements.user.arn":"arn:aws:iam::1:user/ann"}'
check_eq "display, stats by, sort and dedup on a dotted field" \
    "$(q 'filter ispresent(eventName) | stats count(*) as n by requestParameters.userName | sort requestParameters.userName desc | display requestParameters.userName, n')" \
    '{"requestParameters.userName":"cid","n":1}
{"requestParameters.userName":"bob","n":1}
{"requestParameters.userName":"ann","n":2}'
check_eq "dedup a dotted field" \
    "$(q 'filter ispresent(eventName) | fields requestParameters.userName | sort @timestamp asc | dedup requestParameters.userName')" \
    '{"requestParameters.userName":"bob"}
{"requestParameters.userName":"ann"}
{"requestParameters.userName":"cid"}'
check_eq "a field created with a dot in its name is found first" \
    "$(q 'filter ispresent(ms) | parse msg "*" as requestParameters.userName | fields requestParameters.userName | limit 1')" \
    '{"requestParameters.userName":"ok"}'
check_eq "an alias of the same fields command is seen by the next item" \
    "$(q 'filter ispresent(ms) | fields ms / 1000 as x, x * 2 as y, y + 1 as z | display x, y, z')" \
    '{"x":0.5,"y":1,"z":2}
{"x":2.5,"y":5,"z":6}
{"x":1.5,"y":3,"z":4}'
check_eq "unnest a dotted path into a name used dotted" \
    "$(q 'fields jsonParse(@message) as js | unnest js.accounts into account | filter account.type = "internal" | display account.id')" \
    '{"account.id":3}
{"account.id":1}'

# the unnested field is a column of each row, after those shown before it
# (AWS: "Each record includes the unnested_field"); a later fields or
# display chooses the columns
check_eq "unnest ... into account shows account after the fields before it" \
    "$(q 'filter ispresent(accounts) | fields msg | unnest accounts into account | sort @timestamp asc')" \
    '{"msg":"boom","account":"{\"type\":\"internal\",\"id\":1}"}
{"msg":"boom","account":"{\"type\":\"external\",\"id\":2}"}
{"msg":"ok","account":"{\"type\":\"internal\",\"id\":3}"}'
check_eq "AWS's example: fields jsonParse(...) as js | unnest js.accounts into account | filter" \
    "$(q 'filter ispresent(accounts) | fields jsonParse(@message) as js | unnest js.accounts into account | filter account.type = "internal" | sort @timestamp asc' | sed 's/.*,"account"/"account"/')" \
    '"account":"{\"type\":\"internal\",\"id\":1}"}
"account":"{\"type\":\"internal\",\"id\":3}"}'
check_eq "with no fields before it: @timestamp, @message, then the unnested field" \
    "$("$OBSQ" --db "$DB" -o csv 'filter ispresent(accounts) | unnest accounts into account' 2>"$T/err" | head -n 1)" \
    '"@timestamp","@message","account"'
check_eq "... a later fields chooses the columns" \
    "$(q 'filter ispresent(accounts) | unnest accounts into a | fields a.id | sort @timestamp asc')" \
    '{"a.id":1}
{"a.id":2}
{"a.id":3}'
check_eq "fields before and after an unnest accumulate, the unnested field among them" \
    "$(q 'filter ispresent(accounts) | fields msg | unnest accounts into a | fields level | sort @timestamp desc | limit 1')" \
    '{"msg":"ok","a":"{\"type\":\"internal\",\"id\":3}","level":"INFO"}'
check_eq "a display before the unnest chose the columns" \
    "$(q 'filter ispresent(accounts) | display msg | unnest accounts into a | sort @timestamp asc')" \
    '{"msg":"boom"}
{"msg":"boom"}
{"msg":"ok"}'

# ---- backticked names: a column is named by the field, without the backticks ----
mkdir -p "$T/eb/events"
for i in 0 1 2 3 4 5; do
    if [ $((i % 2)) = 0 ]; then dt='EC2 Instance State-change Notification'; st=running; else dt='Object Created'; st=stopped; fi
    printf '2026-11-01T00:0%d:00.000Z {"detail-type":"%s","detail":{"state":"%s","instance-id":"i-%d"}}\n' "$i" "$dt" "$st" "$i"
done >"$T/eb/events/s1.log"
check "import the EventBridge events" "$OBSAGENT" --once --no-progress --db "$T/eb.db" --log-group eb "$T/eb"
e() { "$OBSQ" --db "$T/eb.db" -o jsonl "$@" 2>"$T/err"; }
check_eq "stats by \`detail-type\`: its column is detail-type, and sort finds it" \
    "$(e --strict 'stats count(*) as n by `detail-type` | sort `detail-type` desc')" \
    '{"detail-type":"Object Created","n":3}
{"detail-type":"EC2 Instance State-change Notification","n":3}'
check_eq "... display finds it" \
    "$(e --strict 'stats count(*) as n by `detail-type` | display `detail-type`, n | sort n asc, `detail-type` asc')" \
    '{"detail-type":"EC2 Instance State-change Notification","n":3}
{"detail-type":"Object Created","n":3}'
check_eq "... filter finds it" \
    "$(e --strict 'stats count(*) as n by `detail-type`, detail.state | filter `detail-type` like "Object" | display detail.state, n')" \
    '{"detail.state":"stopped","n":3}'
check_eq "... a second stats groups by it" \
    "$(e --strict 'stats count(*) as n by `detail-type` | stats sum(n) as total by `detail-type` | sort `detail-type` asc')" \
    '{"detail-type":"EC2 Instance State-change Notification","total":3}
{"detail-type":"Object Created","total":3}'
check_eq "... fields, dedup and limit find it" \
    "$(e --strict 'stats count(*) as n by `detail-type` | fields `detail-type` as t | sort t asc | dedup `detail-type` | limit 1')" \
    '{"detail-type":"EC2 Instance State-change Notification","n":3,"t":"EC2 Instance State-change Notification"}'
check_eq "detail.\`instance-id\` names the column detail.instance-id" \
    "$(e --strict 'stats count(*) as n by detail.`instance-id` | sort detail.`instance-id` desc | limit 2')" \
    '{"detail.instance-id":"i-5","n":1}
{"detail.instance-id":"i-4","n":1}'
check_eq "an alias in backticks, sorted on" \
    "$(e --strict 'stats count(*) as `n-events` by `detail-type` | sort `n-events` desc, `detail-type` desc | display `n-events` | limit 1')" \
    '{"n-events":3}'
check_eq "fields \`detail-type\` then stats and sort on it" \
    "$(e --strict 'fields `detail-type` | stats count(*) as n by `detail-type` | sort `detail-type` asc | limit 1')" \
    '{"detail-type":"EC2 Instance State-change Notification","n":3}'

# ---- a backticked dotted name is the flattened field: nested JSON, then the key with dots ----
mkdir -p "$T/bt/users"
printf '%s\n' \
    '2026-11-01T00:01:00.000Z {"user":{"id":"u2"}}' \
    '2026-11-01T00:02:00.000Z {"user.id":"u1","a":{"b.c":5}}' \
    '2026-11-01T00:03:00.000Z {"user":{"id":"u3","name":"x"},"a..b":7}' \
    >"$T/bt/users/s1.log"
check "import the users" "$OBSAGENT" --once --no-progress --db "$T/bt.db" --log-group bt "$T/bt"
b() { "$OBSQ" --db "$T/bt.db" -o jsonl "$@" 2>"$T/err"; }
check_eq "\`user.id\` reads {\"user\":{\"id\":..}} and the key user.id, as user.id does" \
    "$(b 'fields `user.id` as q, user.id as r | sort @timestamp asc')" \
    '{"q":"u2","r":"u2"}
{"q":"u1","r":"u1"}
{"q":"u3","r":"u3"}'
check_eq "fields \`user.id\`, user.id: one column, the field's values" \
    "$(b 'fields `user.id`, user.id | sort @timestamp asc')" \
    '{"user.id":"u2"}
{"user.id":"u1"}
{"user.id":"u3"}'
check_eq "a.\`b.c\` and \`a.b.c\` read the key b.c under a; \`a..b\` stays one key" \
    "$(b 'filter ispresent(a.b.c) or ispresent(`a..b`) | fields a.`b.c` as x, `a.b.c` as y, `a..b` as z | sort @timestamp asc')" \
    '{"x":5,"y":5,"z":null}
{"x":null,"y":null,"z":7}'
check_eq "filter and stats by \`user.id\`" \
    "$(b 'filter `user.id` != "u1" | stats count(*) as n by `user.id` | sort `user.id` asc')" \
    '{"user.id":"u2","n":1}
{"user.id":"u3","n":1}'

# ---- leniency ---------------------------------------------------------------------
plain=$(q 'filter ispresent(eventName) | stats count(*) as n by eventName')
check_eq "sort on a field that does not exist after stats keeps the order" \
    "$(q 'filter ispresent(eventName) | stats count(*) as n by eventName | sort @timestamp desc')" "$plain"
check_grep "... and a note names it and what the stats produces" "$T/err" \
    "^note: field '@timestamp' does not exist after stats \\(it produces n, eventName\\), so it is empty here"
check_eq "filter on it matches nothing" "$(q 'stats count(*) as n by eventName | filter nn > 0')" ""
check_grep "... did you mean the nearest one" "$T/err" "did you mean 'n'\\?"
check_eq "not of it is true (a missing value under not)" \
    "$(q 'stats count(*) as n by eventName | filter not (nn > 0) | stats count(*) as groups')" '{"groups":3}'
check_eq "an unknown @field is empty" "$(q 'filter ispresent(eventName) | stats count(*) as n by @httpStatus')" \
    '{"@httpStatus":null,"n":4}'
"$OBSQ" --db "$DB" --strict 'stats count(*) by @httpStatus' >/dev/null 2>"$T/err"
check_eq "--strict: an unknown @field is an error" "$?" 2
check_grep "--strict: ... with its caret" "$T/err" '^error: unknown field .@httpStatus.'
"$OBSQ" --db "$DB" --strict 'stats count(*) as n by eventName | sort @timestamp' >/dev/null 2>"$T/err"
check_eq "--strict: a field after stats that it does not produce is an error" "$?" 2
check_eq "sort before stats runs (it cannot change the stats)" \
    "$(q 'filter ispresent(eventName) | sort @timestamp asc | stats count(*) as n')" '{"n":4}'
check_grep "... with a note" "$T/err" '^note: sort before stats'
check_eq "bin() in fields" "$(q 'filter ispresent(eventName) | fields bin(30m) as half | stats count(*) as n by half')" \
    '{"half":"2026-11-01 00:00:00.000","n":3}
{"half":"2026-11-01 00:30:00.000","n":1}'
check_eq "sort and display bin(1h) after stats ... by bin(30m), bin(1h)" \
    "$(q 'filter ispresent(eventName) | stats count(*) as n by bin(30m), bin(1h) | sort bin(30m) desc | display bin(30m) as t, n')" \
    '{"t":"2026-11-01 00:30:00.000","n":1}
{"t":"2026-11-01 00:00:00.000","n":3}'
check_eq "median(x) runs as pct(x, 50)" "$(q 'stats median(ms) as m')" '{"m":1500}'
check_grep "... and says so" "$T/err" "median\\(ms\\) runs as pct\\(ms, 50\\)"
"$OBSQ" --db "$DB" --strict 'stats median(ms)' >/dev/null 2>"$T/err"
check_grep "--strict: median is refused with the alternative" "$T/err" 'use pct\(ms, 50\)'
"$OBSQ" --db "$DB" 'filter like(msg, /o/)' >/dev/null 2>"$T/err"
check_grep "like(x, /re/): like is an operator" "$T/err" '^error: like is an operator, not a function: write x like /re/'
q 'filter eventNme = "CreateUser"' >/dev/null
check_grep "a JSON field no event has: a note with the nearest one" "$T/err" \
    "field 'eventNme' is in none of the store's events.*did you mean 'eventName'"

# ---- refusals name everything -----------------------------------------------------
"$OBSQ" --db "$DB" 'fields a | join x on y | stats topk(3, a), histogram(a, 5) by bin(5m) offset 1h' >/dev/null 2>"$T/err"
check_eq "a query with several unsupported parts: exit 2" "$?" 2
check_grep "... one message names each of them" "$T/err" \
    "^error: not supported by obsq: the join command \\(column 12\\); function 'topk' \\(column 32\\); function 'histogram' \\(column 44\\); stats ... by ... offset \\(column 71\\)"

# ---- SOURCE and --log-group ---------------------------------------------------------
check_eq "SOURCE 'group'" "$(q "SOURCE 'aws-cloudtrail-logs-2' | stats count(*) as n")" '{"n":1}'
check_eq "SOURCE ARN and several SOURCE" \
    "$(q "SOURCE \"arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs-2:*\" | SOURCE 'aws-cloudtrail-logs-1' | stats count(*) as n")" \
    '{"n":4}'
check_eq "SOURCE logGroups(namePrefix: [...])" \
    "$(q "SOURCE logGroups(namePrefix: ['aws-cloudtrail', '/nope']) | stats count(*) as n by @log")" \
    '{"@log":"000000000000:aws-cloudtrail-logs-1","n":3}
{"@log":"000000000000:aws-cloudtrail-logs-2","n":1}'
check_eq "SOURCE logGroups(namePrefix: [], class: \"STANDARD\") is every group" \
    "$(q 'SOURCE logGroups(namePrefix: [], class: "STANDARD") | stats count(*) as n')" '{"n":7}'
check_eq "SOURCE logGroups(class: INFREQUENT_ACCESS): no local group" \
    "$(q "SOURCE logGroups(class: ['INFREQUENT_ACCESS']) | stats count(*) as n")" '{"n":0}'
check_grep "... and a note says why" "$T/err" 'every local log group is Standard'
check_eq "SOURCE START= and END= narrow the range" \
    "$(q "SOURCE logGroups() START='2026-11-01T00:05:00Z' END='2026-11-01T00:25:00Z' | stats count(*) as n")" '{"n":2}'
check_eq "SOURCE relative START=-7d covers nothing from 2026-11-01 (now is later)" \
    "$(q "SOURCE 'aws-cloudtrail-logs-1' START=-604800s END=0s | stats count(*) as n")" \
    "$(if [ "$(date +%s)" -gt 1794182400 ]; then echo '{"n":0}'; else echo '{"n":3}'; fi)"
check_eq "--log-group selects like SOURCE" "$(q --log-group aws-cloudtrail-logs-1 'stats count(*) as n')" '{"n":3}'
check_eq "--log-group and --function: what both select" \
    "$(q --log-group aws-cloudtrail-logs-1 --function api 'stats count(*) as n')" '{"n":0}'
check_eq "SOURCE and --function: what both select" \
    "$(q --function trail "SOURCE 'aws-cloudtrail-logs-2' | stats count(*) as n")" '{"n":1}'
q "SOURCE '/aws/lambda/nope' | stats count(*) as n" >/dev/null
check_grep "a SOURCE group the store has none of: a note listing its groups" "$T/err" \
    "^note: the store has no log group '/aws/lambda/nope' \\(it holds: /aws/lambda/api, aws-cloudtrail-logs-1, aws-cloudtrail-logs-2\\)"

# ---- estimate, unmask, filterIndex ----------------------------------------------------
check_eq "estimate: the bytes of the messages read" "$(q 'filter ispresent(eventName) | estimate')" \
    "{\"@estimatedBytes\":$(sql "$DB" 'SELECT sum(length(CAST(message AS BLOB))) FROM events')}"
check_eq "unmask the command and the function: the value as stored" \
    "$(q 'filter ispresent(ms) | fields unmask(msg) as m | unmask | sort @timestamp asc | limit 1')" '{"m":"boom"}'
check_grep "... and a note says there is nothing masked" "$T/err" 'nothing is masked locally'
check_eq "filterIndex field = value and field in [...]" \
    "$(q 'filterIndex eventName = "CreateUser" or awsRegion in ["eu-west-1"] | stats count(*) as n')" '{"n":4}'
"$OBSQ" --db "$DB" 'filterIndex eventName like /Create/' >/dev/null 2>"$T/err"
check_grep "filterIndex refuses what an index cannot answer" "$T/err" '^error: filterIndex takes field = value'

# ---- diff ------------------------------------------------------------------------------
# [00:20, 00:40) against [00:00, 00:20): CreateUser 1 against 2, DeleteUser new
check_eq "diff: the range against the one before it, by pattern" \
    "$(q --start 2026-11-01T00:20:00Z --end 2026-11-01T00:40:00Z 'pattern eventName | diff | display @pattern, @sampleCount, @previousSampleCount, @diffSampleCount, @diffDescription')" \
    '{"@pattern":"CreateUser","@sampleCount":1,"@previousSampleCount":2,"@diffSampleCount":-1,"@diffDescription":"-50%"}
{"@pattern":"DeleteUser","@sampleCount":1,"@previousSampleCount":0,"@diffSampleCount":1,"@diffDescription":"new"}'
"$OBSQ" --db "$DB" 'diff' >/dev/null 2>"$T/err"
check_grep "diff without a range says what to give" "$T/err" "^error: diff compares the query's time range"

# ---- pattern: messages of known templates ------------------------------------------------
mkdir -p "$T/pat/app"
node -e '
let s = 7;
const r = n => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 8) % n; };
const hex = n => { let h = ""; while (h.length < n) h += r(16).toString(16); return h; };
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const users = ["alice", "bob", "carol", "dave", "erin", "frank"];
const T = [
  [301, k => `START RequestId: ${uuid()} Version: $LATEST`, "START RequestId: <ID-1> Version: $LATEST"],
  [277, k => `user ${users[k % 6]} logged in from 10.0.${r(255)}.${1 + r(250)}`, "user <Token-1> logged in from <IP-2>"],
  [150, k => `fetched ${1 + r(200)} items from orders-table in ${1 + r(90)} ms`, "fetched <Number-1> items from orders-table in <Number-2> ms"],
  [99, k => `[ERROR] payment ${hex(16)} refused: card declined`, "[ERROR] payment <ID-1> refused: card declined"],
  [42, k => `invoking arn:aws:lambda:us-east-1:1111222233${10 + r(80)}:function:thumbs took ${r(900)} ms`, "invoking <ARN-1> took <Number-2> ms"],
  [17, k => `2026/11/01 ${String(r(24)).padStart(2, "0")}:${String(r(60)).padStart(2, "0")}:00 cache warmed`, "<Time-1> cache warmed"],
];
const left = T.map(t => t[0]), lines = [];
let n = T.reduce((a, t) => a + t[0], 0), ms = Date.UTC(2026, 10, 2);
while (n) {
  const t = r(T.length);
  if (!left[t]) continue;
  ms += 1000 + r(5000);
  lines.push(`${new Date(ms).toISOString()} ${T[t][1](T[t][0] - left[t])}`);
  left[t]--; n--;
}
require("fs").writeFileSync(process.argv[1], lines.join("\n") + "\n");
require("fs").writeFileSync(process.argv[2], JSON.stringify(T.map(t => [t[2], t[0]])));
' "$T/pat/app/s1.log" "$T/templates.json"
check "import the template messages" "$OBSAGENT" --once --no-progress --db "$T/pat.db" --log-group templates "$T/pat/app"
"$OBSQ" --db "$T/pat.db" -o json 'pattern @message' >"$T/pat.json" 2>"$T/err"
check "pattern over the messages (obsagent took the export time off each line)" test -s "$T/pat.json"
check "each template is one pattern with its count, nothing else" node -e '
const fs = require("fs");
const want = JSON.parse(fs.readFileSync(process.argv[1])), got = JSON.parse(fs.readFileSync(process.argv[2]));
const total = want.reduce((a, w) => a + w[1], 0);
const bad = [];
if (got.length !== want.length) bad.push(`${got.length} patterns, expected ${want.length}`);
for (const [text, n] of want) {
  const row = got.find(g => g["@pattern"] === text);
  if (!row) bad.push(`no pattern ${text}`);
  else if (row["@sampleCount"] !== n || Math.abs(row["@ratio"] - n / total) > 1e-12) bad.push(`${text}: ${row["@sampleCount"]}, expected ${n}`);
}
for (let i = 1; i < got.length; i++) if (got[i - 1]["@sampleCount"] < got[i]["@sampleCount"]) bad.push("not most frequent first");
if (bad.length) { console.log(bad.join("\n")); process.exit(1); }' "$T/templates.json" "$T/pat.json"
check_eq "pattern: the severity of an [ERROR] pattern" \
    "$(q 'pattern @message | filter @pattern like /payment/ | display @severityLabel' --db "$T/pat.db")" \
    '{"@severityLabel":"Error"}'
check_eq "pattern @message | sort @sampleCount asc | limit 1" \
    "$("$OBSQ" --db "$T/pat.db" -o jsonl 'pattern @message | sort @sampleCount asc | limit 1 | display @pattern')" \
    '{"@pattern":"<Time-1> cache warmed"}'

# ---- anomaly: a spike and a new pattern over a steady one ------------------------------------
mkdir -p "$T/an/app"
node -e '
const lines = [], t0 = Date.UTC(2026, 10, 3);
for (let m = 0; m < 60; m++) for (let k = 0; k < 3; k++)
  lines.push([t0 + m * 60000 + k * 7000, `heartbeat ${m * 3 + k} ok`]);
for (let k = 0; k < 90; k++) lines.push([t0 + 41 * 60000 + k * 300, `retrying call ${k}`]);
lines.push([t0 + 52 * 60000 + 5, "disk failure on node 7"]);
lines.sort((a, b) => a[0] - b[0]);
require("fs").writeFileSync(process.argv[1], lines.map(([t, m]) => `${new Date(t).toISOString()} ${m}`).join("\n") + "\n");
' "$T/an/app/s1.log"
check "import the anomaly fixture" "$OBSAGENT" --once --no-progress --db "$T/an.db" --log-group anomalies "$T/an/app"
"$OBSQ" --db "$T/an.db" -o jsonl --start 2026-11-03T00:00:00Z --end 2026-11-03T01:00:00Z \
    'pattern @message | anomaly | sort @timestamp asc | display @timestamp, @pattern, @anomalyType' >"$T/an.out" 2>"$T/err"
check_eq "anomaly: the spike's bin and the new patterns, nothing for the steady one" "$(cat "$T/an.out")" \
    '{"@timestamp":"2026-11-03 00:40:00.000","@pattern":"retrying call <Number-1>","@anomalyType":"frequency"}
{"@timestamp":"2026-11-03 00:41:00.000","@pattern":"retrying call <Number-1>","@anomalyType":"new pattern"}
{"@timestamp":"2026-11-03 00:52:00.005","@pattern":"disk failure on node 7","@anomalyType":"new pattern"}'
check_grep "anomaly says how it works here" "$T/err" '^note: anomaly: obsq finds frequency spikes and new patterns'
finish
