#!/bin/sh
# tests/e2e/test_readme.sh — the demo answers: scripts/demo.sh (make demo)
# writes logs that end minutes before now and ends on its result (obstop's
# frame), and every obsq, obstop and `obsagent --status` example of the
# README, run on the demo's store, exits as it says and returns rows (a
# header and at least one line of data, never an empty answer).
. "$(dirname "$0")/lib.sh"
need obsagent obsq obstop lambdagen
SRC=$(cd "$(dirname "$0")/../.." && pwd)
D=$T/demo

DEMO_DIR=$D sh "$SRC/scripts/demo.sh" >"$T/demo.out" 2>&1 </dev/null
check_eq "the demo runs: exit 0" "$?" 0
check_grep "the demo ends on obstop's frame" "$T/demo.out" "^==> obstop -d .* --dump"
check_eq "... which is its last screen (24 rows after that line)" \
    "$(sed -n '/^==> obstop -d .* --dump/,$p' "$T/demo.out" | wc -l)" 25
check "no line of the demo is noise over 300 characters" sh -c "! awk 'length(\$0) > 300' '$T/demo.out' | grep -q ."
now_ms=$(($(date +%s) * 1000))
last=$(sql "$D/obs.db" 'SELECT max(ts) FROM events')
check "the demo's data ends within 30 minutes before now" test "$((now_ms - last))" -lt 1800000 -a "$last" -le "$((now_ms + 60000))"
first=$(sql "$D/obs.db" 'SELECT min(ts) FROM events')
check "... and spans about two hours" test "$((last - first))" -gt 6000000

# every example: the lines of the README's sh blocks that run obsq, obstop
# or obsagent --status on obs.db, their comment taken off
sed -n '/^```sh$/,/^```$/p' "$SRC/README.md" | grep -E '^(obsq|obstop|obsagent --status) .*--db obs\.db' |
    sed -E 's/  +# .*$//' >"$T/examples"
check "the README has examples" test "$(wc -l <"$T/examples")" -ge 10
i=0
while IFS= read -r ex; do
    i=$((i + 1))
    cmd=$(printf '%s\n' "$ex" | sed -e "s|--db obs\\.db|--db '$D/obs.db'|" -e "s|^obsq |'$OBSQ' |" \
        -e "s|^obstop |'$BUILD/obstop' |" -e "s|^obsagent |'$OBSAGENT' |")
    case $ex in
    obstop*--dump*) ;;
    obstop*) cmd="$cmd --dump --width 160 --height 40" ;;
    esac
    eval "$cmd" >"$T/ex$i.out" 2>"$T/ex$i.err" </dev/null
    rc=$?
    case $ex in
    *--expect-valid*)
        check_eq "README: $ex: exit 1 (the demo has a document CloudWatch drops)" "$rc" 1
        check_grep "README: $ex: names it" "$T/ex$i.err" "Millis"
        continue ;;
    esac
    check_eq "README: $ex: exit 0" "$rc" 0
    if [ "$(grep -c . "$T/ex$i.out")" -ge 2 ] &&
        ! grep -qE '^\[\]$|^\(no |no EMF document with errors|^no event matches' "$T/ex$i.out"; then
        pass "README: $ex: returns rows"
    else
        fail "README: $ex: returns rows" "$T/ex$i.out"
    fi
done <"$T/examples"
finish
