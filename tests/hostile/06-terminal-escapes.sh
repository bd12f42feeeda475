# case: terminal escape sequences inside a log message: ESC[2J (clear), an
#       OSC title (ESC]0;...BEL), C1 CSI (U+009B), backspace and DEL
# expect: obsq -o table and obstop --dump print them escaped: no byte
#       0x00-0x1F but newline, no DEL, no C1 control in the output
#       (tests/e2e/test_obstop.sh checks obstop in a real terminal as well)
printf '2026-11-22T00:00:00.000Z\tabc\tERROR\tbad \033[2J\033]0;pwned\007 \302\233 x\010\177 end\n' >"$T/esc.log"
check "escapes: exit 0" ingest "$T/esc.log" "$T/esc.db"
"$OBSQ" --db "$T/esc.db" -o table 'fields @message' >"$T/esc.table" 2>&1
check_eq "obsq -o table: shown escaped" "$(tail -n 1 "$T/esc.table")" \
    '2026-11-22T00:00:00.000Z\tabc\tERROR\tbad \x1b[2J\x1b]0;pwned\x07 \u009b x\x08\x7f end'
"$BUILD/obstop" --db "$T/esc.db" --dump --window all --view tail --width 160 --height 10 >"$T/esc.frame" 2>&1
check_grep "obstop --dump: the line is shown" "$T/esc.frame" "bad .*pwned"
for f in esc.table esc.frame; do
    check_eq "$f: no control byte" "$(LC_ALL=C tr -d '\n' <"$T/$f" | LC_ALL=C grep -c "$(printf '[\001-\037\177]\|\302[\200-\237]')")" 0
done
