#!/bin/sh
# tests/e2e/test_bad_input.sh — hostile bytes do not crash the import and are
# stored as documented: a 300 KiB line truncated to the line limit (flags 1),
# invalid UTF-8 kept byte-exact (flags 2), NUL bytes shown as U+2400 with the
# original bytes in raw (flags 4), CRLF endings stripped, empty lines counted
# but not stored, a last line without newline kept (flags 8).
. "$(dirname "$0")/lib.sh"
need obsagent lambdagen

"$LAMBDAGEN" --out "$T/logs" --functions 2 --invocations 40 --seed 5 --format text --bad-input \
    --truth "$TRUTH" || { fail "lambdagen"; finish; }
DB=$T/obs.db
BAD="SELECT e.* FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.function = 'badinput'"

check "import with bad input exits 0" "$OBSAGENT" --once --no-progress --db "$DB" "$T/logs"
cp "$T/.check.out" "$T/summary"

# ---- summary --------------------------------------------------------------
check_count "summary: lines (empty ones included)" "$T/summary" "$(truth lines)" "lines"
check_count "summary: empty lines" "$T/summary" "$(truth empty_lines)" "empty lines"
check_count "summary: truncated" "$T/summary" "$(truth bad.long_lines)" "truncated"
check_count "summary: invalid UTF-8" "$T/summary" "$(truth bad.invalid_utf8_lines)" "invalid UTF-8"
check_count "summary: with NUL bytes" "$T/summary" "$(truth bad.nul_lines)" "with NUL bytes"
check_count "summary: without final newline" "$T/summary" "$(truth bad.no_newline)" "without final newline"

# ---- counts ---------------------------------------------------------------
check_eq "events == non-empty lines (empty lines not stored)" \
    "$(sql "$DB" 'SELECT count(*) FROM events')" "$(truth nonempty_lines)"
check_eq "badinput events == its non-empty lines" \
    "$(sql "$DB" "SELECT count(*) FROM ($BAD)")" "$(truth fn.badinput.nonempty_lines)"
check_eq "no empty message stored" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE length(CAST(message AS BLOB)) = 0")" 0
check_eq "badinput: its one invocation is there" \
    "$(sql "$DB" "SELECT count(*) || ' ' || sum(cold) FROM invocations_v WHERE function = 'badinput'")" "1 1"

# ---- long line, default limit 256 KiB ---------------------------------------
check_eq "long line: one event flagged truncated (1)" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE flags & 1")" "$(truth bad.long_lines)"
check_eq "long line: stored length 262144 bytes" \
    "$(sql "$DB" "SELECT length(CAST(message AS BLOB)) FROM events WHERE flags & 1")" 262144
check_eq "long line: stored prefix is the line's (bytes 262128..262143)" \
    "$(sql "$DB" "SELECT hex(substr(CAST(message AS BLOB), 262129, 16)) FROM events WHERE flags & 1")" \
    "$(truth bad.long_line_hex_at_262128)"
check_eq "long line: starts as written" \
    "$(sql "$DB" "SELECT substr(message, 1, 11) FROM events WHERE flags & 1")" "long line: "

# ---- invalid UTF-8 ----------------------------------------------------------
check_eq "invalid UTF-8: lines flagged (2)" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE flags & 2")" "$(truth bad.invalid_utf8_lines)"
for i in 1 2 3; do
    h=$(truth "bad.invalid_utf8_hex.$i")
    check_eq "invalid UTF-8 #$i stored byte-exact, flagged" \
        "$(sql "$DB" "SELECT count(*) FROM events WHERE hex(CAST(message AS BLOB)) = '$h' AND flags & 2")" 1
done

# ---- NUL bytes --------------------------------------------------------------
check_eq "NUL: one line flagged (4)" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE flags & 4")" "$(truth bad.nul_lines)"
check_eq "NUL: message has U+2400 for each NUL" \
    "$(sql "$DB" "SELECT hex(CAST(message AS BLOB)) FROM events WHERE flags & 4")" "$(truth bad.nul_message_hex)"
check_eq "NUL: raw has the original bytes" \
    "$(sql "$DB" "SELECT hex(raw) FROM events WHERE flags & 4")" "$(truth bad.nul_raw_hex)"
check_eq "NUL: the line is not also flagged invalid UTF-8" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE flags & 4 AND flags & 2")" 0

# ---- CRLF -------------------------------------------------------------------
check_eq "CRLF: no stored message ends with \\r" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE hex(CAST(message AS BLOB)) LIKE '%0D'")" 0
for i in 1 2 3; do
    h=$(truth "bad.crlf_hex.$i")
    check_eq "CRLF line #$i stored without \\r, with its own time" \
        "$(sql "$DB" "SELECT count(*) FROM events WHERE hex(CAST(message AS BLOB)) = '$h' AND (flags & 176) = 0 AND level IS NOT NULL")" 1
done

# ---- last line without newline ----------------------------------------------
check_eq "no-newline: one event flagged (8)" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE flags & 8")" "$(truth bad.no_newline)"
check_eq "no-newline: it is the file's last line, stored whole" \
    "$(sql "$DB" "SELECT hex(CAST(message AS BLOB)) FROM events WHERE flags & 8")" "$(truth bad.last_line_hex)"

# ---- the other functions are unaffected ---------------------------------------
for fn in $(truth functions); do
    [ "$fn" = badinput ] && continue
    check_eq "$fn: invocations unaffected by bad input elsewhere" \
        "$(sql "$DB" "SELECT count(*) FROM invocations_v WHERE function = '$fn'")" "$(truth "fn.$fn.invocations")"
done

# ---- --max-line 1000 ----------------------------------------------------------
DB2=$T/obs2.db
check "import with --max-line 1000 exits 0" "$OBSAGENT" --once --no-progress --max-line 1000 --db "$DB2" "$T/logs"
cp "$T/.check.out" "$T/summary2"
# lines over 1000 bytes among the generated (non-bad) files, plus the long line
OVER=$(find "$T/logs" -name '*.log' ! -path '*/badinput/*' -exec cat {} + | LC_ALL=C awk 'length($0) > 1000' | wc -l)
OVER=$((OVER + 1))
check_eq "--max-line 1000: truncated events" \
    "$(sql "$DB2" "SELECT count(*) FROM events WHERE flags & 1")" "$OVER"
check_count "--max-line 1000: summary truncated count" "$T/summary2" "$OVER" "truncated"
check_eq "--max-line 1000: long line stored with 1000 bytes" \
    "$(sql "$DB2" "SELECT length(CAST(message AS BLOB)) FROM events WHERE flags & 1 AND message LIKE 'long line: %'")" 1000
check_eq "--max-line 1000: its last 16 bytes are the line's bytes 984..999" \
    "$(sql "$DB2" "SELECT hex(substr(CAST(message AS BLOB), 985, 16)) FROM events WHERE flags & 1 AND message LIKE 'long line: %'")" \
    "$(truth bad.long_line_hex_at_984)"
check_eq "--max-line 1000: no message longer than 1000 bytes" \
    "$(sql "$DB2" "SELECT count(*) FROM events WHERE length(CAST(message AS BLOB)) > 1000 AND (flags & 4) = 0")" 0
check_eq "--max-line 1000: same number of events" \
    "$(sql "$DB2" 'SELECT count(*) FROM events')" "$(truth nonempty_lines)"

finish
