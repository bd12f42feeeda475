#!/bin/sh
# tests/e2e/test_documents.sh — what obsagent does with inputs it reads whole
# and with files that are not logs: a directory import leaves out
# documentation and JSON that is no log export (the real corpus' own
# SOURCES.md and expected.json), named and counted; --exclude and
# --exclude-from work with --once; gzip and documents on standard input; a
# document read once is not read again, nor when it grows (said); a
# malformed document keeps what came before the fault and says where; a
# corrupt gzip stores nothing and says so; follow mode leaves documents and
# gzip files to --once, saying so once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/follow_lib.sh"
need obsagent
HERE=$(cd "$(dirname "$0")" && pwd)
REAL=$HERE/../realworld/logs
command -v node >/dev/null 2>&1 || { fail "node is needed (tests/realworld/wrap.js)"; finish; }
BASE=1714953600000
GO=$REAL/aws-docs-go/2020-03-27-example.log
wrap() { node "$HERE/../realworld/wrap.js" "$1" "$2" "$BASE" "2024/05/06/[\$LATEST]abc" "${3:-fn}"; }
events() { sql "$1" "SELECT count(*) FROM events"; }

# ---- a directory import: what is not a log is left out, named and counted ----
cp -r "$REAL" "$T/corpus"
"$OBSAGENT" --once --no-progress --db "$T/corpus.db" "$T/corpus" >"$T/out" 2>"$T/err"
check_eq "the real corpus imports (exit 0)" "$?" 0
check_grep "SOURCES.md is named as no log" "$T/err" "not read: .*/corpus/SOURCES.md: not a log, by its name"
check_grep "expected.json is named as no log" "$T/err" "not read: .*/corpus/expected.json: not a log: JSON that is no log export"
check_grep "the summary counts them" "$T/out" "^  not logs     2 files of the directories left out"
check_eq "no event from either" "$(sql "$T/corpus.db" "SELECT count(*) FROM events
    WHERE message LIKE '%\"files\":%' OR message LIKE '%| file | source |%' OR message LIKE '# %'")" 0
n_logs=$(find "$REAL" -name '*.log' | wc -l)
check_eq "every log of the corpus read ($n_logs)" \
    "$(sql "$T/corpus.db" "SELECT count(DISTINCT stream_id) FROM events")" "$n_logs"
# named, a JSON file is read (as lines: the user asked for it)
"$OBSAGENT" --once -q --db "$T/named.db" "$T/corpus/expected.json" >/dev/null 2>&1
check "a JSON file named on the command line is read" test "$(events "$T/named.db")" -gt 100

# ---- --exclude and --exclude-from with --once --------------------------------
"$OBSAGENT" --once --no-progress --db "$T/ex.db" --exclude '*snapstart*' --exclude '*/aws-docs-*' \
    "$T/corpus" >"$T/out" 2>"$T/err"
check_grep "--exclude with --once: the file is named as excluded" "$T/err" \
    "not read: .*2023-06-02-snapstart-v72.log: excluded"
check_eq "--exclude with --once: nothing of them stored" \
    "$(sql "$T/ex.db" "SELECT count(*) FROM streams WHERE function IN ('connect-lex-chatgpt-java', 'aws-docs-go', 'aws-docs-python', 'aws-docs-ruby')")" 0
printf '# one glob a line\n*azul*\n' >"$T/excl"
"$OBSAGENT" --once -q --db "$T/ex2.db" --exclude-from "$T/excl" "$T/corpus" >/dev/null 2>&1
check_eq "--exclude-from with --once" "$(sql "$T/ex2.db" "SELECT count(*) FROM streams WHERE function LIKE 'azul%'")" 0
check "--exclude-from with --once: the rest read" test "$(events "$T/ex2.db")" -gt 100
"$OBSAGENT" --once -q --db "$T/ex3.db" --exclude-from "$T/nowhere" "$T/corpus" >"$T/out" 2>&1
check_eq "--exclude-from naming no file: an error (exit 1)" "$?" 1

# ---- standard input: gzip, a document -------------------------------------------
wrap export-gz "$GO" | "$OBSAGENT" --once -q --db "$T/in.db" - >"$T/out" 2>&1
# one event per line of the export; a later line of an event (the REPORT's
# XRAY line) comes without the export's time, as in the export of CloudWatch
check_eq "gzip on standard input: one event per event of the export" "$(events "$T/in.db")" \
    "$(awk 'NF' "$GO" | grep -vc '^XRAY')"
check_eq "gzip on standard input: at the export's times" \
    "$(sql "$T/in.db" "SELECT min(ts) FROM events")" "$BASE"
wrap events-json "$GO" | "$OBSAGENT" --once -q --db "$T/in2.db" - >"$T/out" 2>&1
check_eq "filter-log-events JSON on standard input: one event per record" "$(events "$T/in2.db")" \
    "$(awk 'NF' "$GO" | grep -vc '^XRAY')"
check_eq "... in the stream it names" "$(sql "$T/in2.db" "SELECT DISTINCT stream FROM streams s JOIN events e ON e.stream_id = s.id")" \
    '2024/05/06/[$LATEST]abc'

# ---- read once; grown: not read again, said -----------------------------------
mkdir -p "$T/dl"
wrap insights-json "$GO" myfn >"$T/dl/results.json"
"$OBSAGENT" --once --no-progress --db "$T/once.db" "$T/dl" >"$T/out" 2>&1
first=$(events "$T/once.db")
check_grep "a document is counted as read whole" "$T/out" "^  read whole   1 gzip files and documents"
"$OBSAGENT" --once --no-progress --db "$T/once.db" "$T/dl" >"$T/out" 2>&1
check_eq "imported again: nothing doubled" "$(events "$T/once.db")" "$first"
check_grep "imported again: unchanged" "$T/out" "1 unchanged since the last import"
printf '\n' >>"$T/dl/results.json"
"$OBSAGENT" --once --no-progress --db "$T/once.db" "$T/dl" >"$T/out" 2>"$T/err"
check_eq "grown: nothing doubled" "$(events "$T/once.db")" "$first"
check_grep "grown: said, with what to do" "$T/err" "results.json has grown since it was imported; .* not read again"
check_grep "grown: counted" "$T/out" "1 grown since they were read, not read again"

# ---- a malformed document: what came before the fault is kept -----------------
wrap events-json "$GO" | awk '/"message"/ && ++k == 7 { sub(/"message": /, "\"message\": {") } { print }' >"$T/dl/bad.json"
"$OBSAGENT" --once --no-progress --db "$T/bad.db" "$T/dl/bad.json" >"$T/out" 2>"$T/err"
check_grep "malformed: where, and what was kept" "$T/err" \
    "bad.json: events-json: event 7 is not valid JSON \\(line [0-9]+, column [0-9]+, offset [0-9]+\\) \\(6 records stored before it"
check_eq "malformed: the 6 records before it are stored" "$(events "$T/bad.db")" 6
kept=$(events "$T/bad.db")
"$OBSAGENT" --once -q --db "$T/bad.db" "$T/dl/bad.json" >/dev/null 2>&1
check_eq "malformed: not read again (nothing doubled)" "$(events "$T/bad.db")" "$kept"

# ---- a corrupt gzip: nothing stored, said --------------------------------------
wrap export-gz "$GO" >"$T/dl/c.gz"
size=$(wc -c <"$T/dl/c.gz")
printf 'XXXXXXXX' | dd of="$T/dl/c.gz" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
"$OBSAGENT" --once --no-progress --db "$T/gz.db" "$T/dl/c.gz" >"$T/out" 2>"$T/err"
check_grep "corrupt gzip: said" "$T/err" "c.gz: .*gzip"
check_eq "corrupt gzip: nothing stored" "$(events "$T/gz.db")" 0

# ---- follow mode leaves documents and gzip files to --once ---------------------
mkdir -p "$T/follow/fn"
wrap events-json "$GO" >"$T/follow/fn/export.json"
wrap export-gz "$GO" >"$T/follow/fn/000000.gz"
awk 'NF' "$GO" >"$T/follow/fn/plain.log"
start_agent "$T/follow" "$T/follow.db" "$T/ferr" --no-emf-listen
wait_sql "$T/follow.db" "SELECT count(*) >= $(awk 'NF' "$GO" | wc -l) FROM events" 1 10 ||
    fail "follow: the plain log is read" "$T/ferr"
sleep 0.5
stop_agent "follow with documents" "$T/ferr"
check_eq "follow: only the plain log is read" "$(sql "$T/follow.db" "SELECT DISTINCT s.stream FROM streams s JOIN events e ON e.stream_id = s.id")" plain
check_grep "follow: the document is named, once" "$T/ferr" "not read: .*export.json: a gzip file or a document"
check_eq "follow: said once" "$(grep -c 'export.json: a gzip file' "$T/ferr")" 1
check_grep "follow: the gzip file is named" "$T/ferr" "not read: .*000000.gz: a compressed archive"
finish
