# case: a 1 GiB line with no newline inside, streamed through a pipe to
#       obsagent --once - (--max-line 4096), then an ordinary line
# expect: stored truncated at --max-line and flagged (flags & 1), the next
#       line stored whole, peak RSS under 64 MB (nothing buffers the line),
#       in well under 20 s (about 3 s here; a full gigabyte stays in budget)
( head -c 1073741824 /dev/zero | tr '\0' 'g'; printf '\nafter the long line\n' ) |
    /usr/bin/time -v "$OBSAGENT" --once --no-progress --db "$T/long.db" --function hostile --max-line 4096 - \
    >"$T/long.out" 2>&1
check_eq "1 GiB line: exit 0" "$?" 0
check_eq "1 GiB line: stored truncated at 4096 bytes, flagged" \
    "$(sql "$T/long.db" "SELECT length(CAST(message AS BLOB)) || ' ' || (flags & 1) || ' ' || substr(message, 1, 3) FROM events ORDER BY id LIMIT 1")" \
    "4096 1 ggg"
check_eq "1 GiB line: the next line is stored whole" \
    "$(sql "$T/long.db" "SELECT message FROM events ORDER BY id DESC LIMIT 1")" "after the long line"
peak=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/long.out")
check "1 GiB line: peak RSS ${peak:-?} KB < 65536 KB" test "${peak:-999999}" -lt 65536
