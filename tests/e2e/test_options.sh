#!/bin/sh
# tests/e2e/test_options.sh — one vocabulary, one table: every program answers
# --version, -h/--help and -d/--db; the options --help shows are exactly
# those of the option table (scripts/gendoc list), of the man page's OPTIONS
# section and of the bash and zsh completion scripts, and the parser knows
# each of them; bash completes options and their values; zsh loads the
# completion functions. obsq summary and metrics take the query's scope
# options (range, functions, -o table|json|jsonl|csv), and metrics --end
# (with --until as its old spelling).
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL
need obsagent obsq obstop lambdagen gendoc
OBSTOP=$BUILD/obstop
GENDOC=$BUILD/gendoc
VERSION=$(sed -n 's/^#define OBS_VERSION "\(.*\)"/\1/p' "$(dirname "$0")/../../common/obs.h")

"$LAMBDAGEN" --out "$T/logs" --functions 3 --invocations 40 --seed 5 --truth "$TRUTH" >/dev/null ||
    { fail "lambdagen"; finish; }
FUNCTIONS=$(truth functions)
FIRST=$(echo "$FUNCTIONS" | awk '{ print $1 }')
DB=$T/obs.db

# ---- --version, --help, -d on each program ---------------------------------
for p in obsagent obsq obstop; do
    check_eq "$p --version" "$("$BUILD/$p" --version)" "$p $VERSION"
    check "$p -h exits 0" "$BUILD/$p" -h
    check_grep "$p -h: usage first" "$T/.check.out" "^usage: $p "
    check_grep "$p --help: its exit statuses" "$T/.check.out" "^exit status:"
    "$BUILD/$p" --no-such-option >"$T/bad.out" 2>&1
    check_eq "$p --no-such-option: exit 2" "$?" 2
    check_grep "$p --no-such-option: points to --help" "$T/bad.out" "see $p --help"
done
check "obsagent -d FILE imports into FILE" "$OBSAGENT" --once -q -d "$DB" "$T/logs"
check_eq "... and FILE holds the events" "$(sql "$DB" 'SELECT count(*) > 0 FROM events')" 1
"$OBSAGENT" --status -d "$DB" >"$T/status.out" 2>&1
check_grep "obsagent --status -d FILE" "$T/status.out" "^store $DB\$"
"$OBSQ" -d "$DB" summary >"$T/sum.out" 2>&1
check_grep "obsq -d FILE summary" "$T/sum.out" "^$FIRST "
"$OBSQ" -d "$DB" 'stats count(*) as n' -o csv >"$T/q.out" 2>&1
check_eq "obsq -d FILE QUERY" "$(tail -n 1 "$T/q.out")" "$(sql "$DB" 'SELECT count(*) FROM events')"
"$OBSTOP" -d "$DB" --dump --window all --width 120 --height 20 >"$T/top.out" 2>&1
check_grep "obstop -d FILE" "$T/top.out" "^ obstop .*$DB"

# ---- --help = the table = the man page = the completions ---------------------
# each as a sorted list of "--name" lines (and "-x" for short forms)
help_opts() {   # PROGRAM [SUBCOMMAND]
    "$BUILD/$1" ${2:+"$2"} --help | grep -E '^  -' |
        sed -E 's/^  (-[a-zA-Z]), /\1\n  /' | grep -oE '^ *--?[a-zA-Z][a-z-]*' | tr -d ' ' | sort -u
}
table_opts() {  # PROGRAM [SUBCOMMAND]
    if [ -n "${2:-}" ]; then
        "$GENDOC" list "$1" | sed -n "s/^$2 //p" | sort -u
    else
        "$GENDOC" list "$1" | grep -v ' ' | sort -u
    fi
}
man_opts() {    # PROGRAM: the options of the OPTIONS section (subcommands' included)
    sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' "$BUILD/man/$1.1" | grep -A1 '^\.TP' |
        grep -oE '\\fB(\\-){1,2}[a-zA-Z]([a-z]|\\-)*' | sed 's/\\fB//; s/\\-/-/g' | sort -u
}
bash_opts() {   # PROGRAM [SUBCOMMAND]: the words after "--"/"-" in its opts= line
    sed -n "s/^    ${2:-\\*}) opts='\\(.*\\)' ;;\$/\\1/p" "$BUILD/completion/bash/$1" | tr ' ' '\n' | sort -u
}
zsh_opts() {    # PROGRAM [SUBCOMMAND]: the forms in its *_args array
    sed -n "/^${2:-main}_args=(/,/^)/p" "$BUILD/completion/zsh/_$1" |
        grep -oE "^    '(\\*|\\([^)]*\\))?--?[a-zA-Z][a-z-]*" | sed -E "s/^    '(\\*|\\([^)]*\\))?//" | sort -u
}
same() {        # DESC FILE-A FILE-B
    if cmp -s "$2" "$3"; then
        pass "$1"
    else
        diff "$2" "$3" >"$T/diff.out"
        fail "$1" "$T/diff.out"
    fi
}
for spec in obsagent obsq obstop "obsq summary" "obsq metrics"; do
    # shellcheck disable=SC2086
    set -- $spec
    help_opts "$@" >"$T/help.lst"
    table_opts "$@" >"$T/table.lst"
    bash_opts "$@" >"$T/bash.lst"
    zsh_opts "$@" >"$T/zsh.lst"
    check "$spec --help lists options" test -s "$T/help.lst"
    same "$spec: --help shows exactly the table's options" "$T/help.lst" "$T/table.lst"
    same "$spec: bash completion offers exactly the table's options" "$T/bash.lst" "$T/table.lst"
    same "$spec: zsh completion offers exactly the table's options" "$T/zsh.lst" "$T/table.lst"
done
for p in obsagent obsq obstop; do
    { table_opts "$p"; "$GENDOC" list "$p" | sed -n 's/^[a-z]* //p'; } | sort -u >"$T/all.lst"
    man_opts "$p" >"$T/man.lst"
    same "$p(1): OPTIONS describes exactly the table's options" "$T/man.lst" "$T/all.lst"
    # the parser knows every option --help shows: given before --help, none
    # is unrecognized (a value it does not like is another matter)
    for o in $(help_opts "$p" | grep -- '^--'); do
        "$BUILD/$p" "$o" 1 --help >"$T/parse.out" 2>&1 </dev/null
        if grep -q "unrecognized option\|invalid option" "$T/parse.out"; then
            fail "$p: the parser knows $o" "$T/parse.out"
        else
            pass "$p: the parser knows $o"
        fi
    done
done
check_grep "obsagent(1) names its exit statuses" "$BUILD/man/obsagent.1" '^\.SH "EXIT STATUS"'
check_grep "obsq(1): summary's options in a subsection" "$BUILD/man/obsq.1" '^\.SS "obsq summary"'

# ---- bash completion works --------------------------------------------------
complete_bash() {   # PROGRAM WORDS...: what bash offers for the last word
    _p=$1
    shift
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _obs_'"$_p"'; printf "%s\n" "${COMPREPLY[@]}"' \
        - "$BUILD/completion/bash/$_p" "$_p" "$@" | sort | tr '\n' ' '
}
check_eq "bash: obsq -o <TAB>" "$(complete_bash obsq -o '')" "csv json jsonl table "
check_eq "bash: obsq summary --o<TAB>" "$(complete_bash obsq summary --o)" "--output "
check_eq "bash: obsq s<TAB>" "$(complete_bash obsq s)" "summary "
check_eq "bash: obsq metrics --e<TAB>" "$(complete_bash obsq metrics --e)" "--end --errors --expect-valid "
check_eq "bash: obstop --window <TAB>" "$(complete_bash obstop --window '')" "15m 1h 24h 5m 6h all "
check_eq "bash: obsagent --log-format <TAB>" "$(complete_bash obsagent --log-format '')" "json text "
mkdir -p "$T/cmp" && : >"$T/cmp/a.log" && : >"$T/cmp/b.log"
check_eq "bash: obsagent PATH<TAB> completes files" "$(complete_bash obsagent "$T/cmp/")" "$T/cmp/a.log $T/cmp/b.log "
check_eq "bash: obsagent --db <TAB> completes files" "$(complete_bash obsagent --db "$T/cmp/a")" "$T/cmp/a.log "

# ---- zsh loads them -------------------------------------------------------------
for p in obsagent obsq obstop; do
    check "zsh: _$p parses" zsh -n "$BUILD/completion/zsh/_$p"
done
check_eq "zsh: compinit registers the three" \
    "$(zsh -fc "fpath=($BUILD/completion/zsh \$fpath); autoload -Uz compinit; compinit -u -d $T/zcompdump; print -- \${_comps[obsagent]} \${_comps[obsq]} \${_comps[obstop]}")" \
    "_obsagent _obsq _obstop"

# ---- summary and metrics: the query's scope options -----------------------------
N=$(echo "$FUNCTIONS" | wc -w)
"$OBSQ" -d "$DB" summary -o json >"$T/s.json"
check_eq "summary -o json: an array of one object per function" \
    "$(node -e 'const a = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(a.length, a.every((r) => typeof r.function === "string" && r.invocations === 40))' "$T/s.json")" \
    "$N true"
"$OBSQ" -d "$DB" summary -o jsonl >"$T/s.jsonl"
check_eq "summary -o jsonl: one line per function" "$(wc -l <"$T/s.jsonl" | tr -d ' ')" "$N"
"$OBSQ" summary -o csv -d "$DB" >"$T/s.csv"
check_grep "summary -o csv: a header" "$T/s.csv" '^"function","invocations","errors",'
check_eq "summary -o csv: a line per function" "$(($(wc -l <"$T/s.csv") - 1))" "$N"
"$OBSQ" -d "$DB" summary --function "$FIRST" -o csv >"$T/s1.csv"
check_eq "summary --function: that function only" "$(tail -n +2 "$T/s1.csv" | cut -d, -f1)" "\"$FIRST\""
check_eq "summary --function: its invocations" "$(tail -n +2 "$T/s1.csv" | cut -d, -f2)" "$(truth "fn.$FIRST.invocations")"
"$OBSQ" -d "$DB" summary --since 2020-01-01T00:00:00Z --end 2020-01-02T00:00:00Z >"$T/s0.out"
check_grep "summary with a range before the data: no row, said" "$T/s0.out" "no events in this range"
first_ms=$(sql "$DB" 'SELECT min(ts) FROM events')
mid_ms=$(( (first_ms + $(sql "$DB" 'SELECT max(ts) FROM events')) / 2 ))
"$OBSQ" -d "$DB" summary -o csv --function "$FIRST" --end "$mid_ms" >"$T/sa.csv"
"$OBSQ" -d "$DB" summary -o csv --function "$FIRST" --start "$mid_ms" >"$T/sb.csv"
a=$(tail -n +2 "$T/sa.csv" | cut -d, -f2)
b=$(tail -n +2 "$T/sb.csv" | cut -d, -f2)
minute=$((mid_ms / 60000 * 60000))
both=$(sql "$DB" "SELECT coalesce(sum(invocations), 0) FROM rollup_minute WHERE function = $(sqlq "$FIRST") AND minute = $minute")
check_eq "summary: --end T and --start T split the invocations at T's minute" "$((a + b - both))" "$(truth "fn.$FIRST.invocations")"
"$OBSQ" -d "$DB" summary -o xml >"$T/x.out" 2>&1
check_eq "summary -o xml: exit 2" "$?" 2
check_grep "... saying what -o takes" "$T/x.out" "takes table, json, jsonl or csv"
"$OBSQ" -d "$DB" metrics -o csv >"$T/m.csv"
check_grep "metrics -o csv: a header" "$T/m.csv" "^namespace,name,dimensions,unit,"
check_eq "metrics -o csv: a line per series" "$(($(wc -l <"$T/m.csv") - 1))" "$(sql "$DB" 'SELECT count(*) FROM metric_series')"
"$OBSQ" -d "$DB" metrics -o jsonl >"$T/m.jsonl"
check_eq "metrics -o jsonl: a line per series" "$(wc -l <"$T/m.jsonl" | tr -d ' ')" "$(sql "$DB" 'SELECT count(*) FROM metric_series')"
"$OBSQ" -d "$DB" metrics --function "$FIRST" -o csv >"$T/mf.csv"
check_eq "metrics --function: the series that function emitted" "$(($(wc -l <"$T/mf.csv") - 1))" \
    "$(sql "$DB" "SELECT count(DISTINCT series_id) FROM metric_series_function WHERE function = $(sqlq "$FIRST")")"
two=$(echo "$FUNCTIONS" | awk '{ print $2 }')
"$OBSQ" -d "$DB" metrics --function "$FIRST" --function "$two" -o csv >"$T/mf2.csv"
check_eq "metrics --function twice: the series of either" "$(($(wc -l <"$T/mf2.csv") - 1))" \
    "$(sql "$DB" "SELECT count(DISTINCT series_id) FROM metric_series_function WHERE function IN ($(sqlq "$FIRST"), $(sqlq "$two"))")"
"$OBSQ" -d "$DB" metrics --end "$mid_ms" -o json >"$T/me.json"
"$OBSQ" -d "$DB" metrics --until "$mid_ms" -o json >"$T/mu.json"
same "metrics --until is --end" "$T/me.json" "$T/mu.json"
check_fail "metrics --end before the data: fewer points than all" cmp -s "$T/me.json" "$(
    "$OBSQ" -d "$DB" metrics -o json >"$T/mall.json"; echo "$T/mall.json")"
finish
