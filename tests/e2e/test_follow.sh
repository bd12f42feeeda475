#!/bin/sh
# tests/e2e/test_follow.sh — obsagent's follow mode (no --once) neither loses
# nor doubles a line: every written line is numbered (line-TAG-N) and the
# store must hold each exactly once, across appends, new files, rename
# rotation, copytruncate (also under a writer that does not append: the
# hole it leaves is skipped), delete + recreate, partial last lines, SIGTERM,
# SIGKILL + restart, and short soaks of all of them together (rename
# rotation; copytruncate through symlinked paths).
#
# The agent keeps running while the store is read (read-only sqlite3, WAL),
# so every wait is a bounded poll for the expected count, never a long sleep.
. "$(dirname "$0")/lib.sh"
need obsagent
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }

. "$(dirname "$0")/follow_lib.sh"

# ---- 0. is follow mode there? -----------------------------------------------
section 0
mkdir -p "$T/s0/logs"
start_agent "$T/s0/logs" "$T/s0.db" "$T/s0.err"
sleep 0.5
if ! alive "$AGENT"; then
    wait "$AGENT"
    fail "follow mode: obsagent exited at once (status $?) instead of following; its stderr:" "$T/s0.err"
    AGENT=
    finish
fi
stop_agent "0. idle agent" "$T/s0.err"

# ---- 1. appends, and a new file in a new function directory ----------------
section 1
L=$T/s1/logs
DB=$T/s1.db
ERR=$T/s1.err
mkdir -p "$L/fn-one"
$WRITER "$L/fn-one/s.log" s1 1 10
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s1 10 >/dev/null
expect_exact "1. existing file read from the head" "$DB" s1 10 "$ERR" "$L"
$WRITER "$L/fn-one/s.log" s1 11 30
wait_count "$DB" s1 30 >/dev/null
check "1. appended lines stored within 2.5 s (took $WAITED ms)" test "$WAITED" -le 2500
expect_exact "1. 20 appended lines" "$DB" s1 30 "$ERR" "$L"
# rotated and compressed names are ignored by default (plain text inside, so
# only the name can tell)
$WRITER "$L/fn-one/s.log.1" s1x 1 5
$WRITER "$L/fn-one/s.log.2.gz" s1x 6 10
$WRITER "$L/fn-one/old.log.zst" s1x 11 15
mkdir -p "$L/fn-new"
$WRITER "$L/fn-new/s2.log" s1b 1 15
wait_count "$DB" s1b 15 >/dev/null
check "1. new file in a new directory stored within 3.5 s (took $WAITED ms)" test "$WAITED" -le 3500
$WRITER "$L/fn-new/s2.log" s1b 16 25
wait_count "$DB" s1b 25 >/dev/null
sleep 0.3
stop_agent "1." "$ERR"
expect_exact "1. first file: 30 lines once each" "$DB" s1 30 "$ERR" "$L"
expect_exact "1. new file: 25 lines once each" "$DB" s1b 25 "$ERR" "$L"
check_eq "1. s.log.1, s.log.2.gz, old.log.zst created while following: not read" "$(counts "$DB" s1x)" "0 0"
check_eq "1. the new file's lines are in function fn-new, stream s2" \
    "$(sql "$DB" "SELECT DISTINCT s.function || ' ' || s.stream FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.message LIKE '%line-s1b-%'")" \
    "fn-new s2"

# ---- 2. rename rotation while writing continues -----------------------------
section 2
L=$T/s2/logs
DB=$T/s2.db
ERR=$T/s2.err
F=$L/fn/s.log
mkdir -p "$L/fn"
: >"$F"
start_agent "$L" "$DB" "$ERR"
sleep 0.3
# 495 lines, paced; rename; 5 more lines through the still-open descriptor
# (they land in s.log.1); then a new s.log with 500 more
(
    exec 3>>"$F"
    n=1
    while [ $n -le 495 ]; do
        e=$((n + 14))
        [ $e -le 495 ] || e=495
        $WRITER /dev/stdout s2 $n $e >&3
        n=$((e + 1))
        sleep 0.01
    done
    mv "$F" "$F.1"
    $WRITER /dev/stdout s2 496 500 >&3
    exec 3>&-
    $WRITER "$F" s2 501 1000 15 0.01
) &
W=$!
BG="$BG $W"
wait $W
wait_count "$DB" s2 1000 >/dev/null
sleep 0.3
stop_agent "2." "$ERR"
expect_exact "2. rename rotation: 1000 lines once each (incl. 5 written to the renamed file)" \
    "$DB" s2 1000 "$ERR" "$L"
# the rotated file is never re-read, also not by a restart
start_agent "$L" "$DB" "$ERR"
sleep 1.5
stop_agent "2. restart" "$ERR"
expect_exact "2. a restart after rotation adds nothing" "$DB" s2 1000 "$ERR" "$L"

# 2b. rotation while the agent is stopped (logrotate style: .1 -> .2, s.log -> .1)
L=$T/s2b/logs
F=$L/fn/s.log
mkdir -p "$L/fn"
$WRITER "$F" s2b 1 100
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s2b 100 >/dev/null
stop_agent "2b." "$ERR"
$WRITER "$F" s2b 101 150            # unread tail of the file, then rotated once
mv "$F" "$F.1"
$WRITER "$F" s2b 151 250
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s2b 250 >/dev/null
sleep 0.3
stop_agent "2b. restart after 1 rotation" "$ERR"
expect_exact "2b. rotated once while stopped (unread tail in s.log.1): 250 lines once each" \
    "$DB" s2b 250 "$ERR" "$L"
$WRITER "$F" s2b 251 300            # unread tail, then rotated twice
mv "$F.1" "$F.2"
mv "$F" "$F.1"
$WRITER "$F" s2b 301 400
mv "$F.2" "$F.3"
mv "$F.1" "$F.2"
mv "$F" "$F.1"
$WRITER "$F" s2b 401 500
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s2b 500 >/dev/null
sleep 0.3
stop_agent "2b. restart after 2 rotations" "$ERR"
expect_exact "2b. rotated twice while stopped (unread tail in s.log.2, a whole file in s.log.1): 500 lines once each" \
    "$DB" s2b 500 "$ERR" "$L"

# ---- 3. copytruncate --------------------------------------------------------
section 3
L=$T/s3/logs
DB=$T/s3.db
ERR=$T/s3.err
F=$L/fn/s.log
mkdir -p "$L/fn"
# 3a: everything before the truncate was read; the truncate, then slow regrowth
$WRITER "$F" s3a 1 300
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s3a 300 >/dev/null
cp "$F" "$F.1"
: >"$F"
$WRITER "$F" s3a 301 600 10 0.02
wait_count "$DB" s3a 600 >/dev/null
sleep 0.3
expect_exact "3a. copytruncate: 300 lines before, 300 after, once each (s.log.1 not read)" \
    "$DB" s3a 600 "$ERR" "$L"
# 3b: a writer that never stops; cp + truncate in the middle of it
rm -f "$F.1"
$WRITER "$F" s3b 1 800 10 0.02 &
W=$!
BG="$BG $W"
sleep 0.9
cp "$F" "$F.1"
: >"$F"
wait $W
AFTER=$(wc -l <"$F" | tr -d ' ')
wait_count "$DB" s3b 800 3 >/dev/null
sleep 0.3
stop_agent "3." "$ERR"
GOT=$(counts "$DB" s3b)
check_eq "3b. copytruncate while writing: no line stored twice (total distinct equal)" \
    "${GOT%% *}" "${GOT#* }"
numbers "$DB" s3b | uniq >"$T/s3b.stored"
sed -n 's/.*line-s3b-\([0-9]*\)$/\1/p' "$F" | sort -n >"$T/s3b.after"
not_in "$T/s3b.stored" "$T/s3b.after" >"$T/s3b.missing"
MISSING_AFTER=$(wc -l <"$T/s3b.missing" | tr -d ' ')
check_eq "3b. every line written after the truncate ($AFTER lines) is stored" "$MISSING_AFTER" 0
[ "$MISSING_AFTER" -eq 0 ] ||
    fail "3b. first lines after the truncate not stored: $(head -n 10 "$T/s3b.missing" | tr '\n' ' ')" "$ERR"
sed -n 's/.*line-s3b-\([0-9]*\)$/\1/p' "$F.1" >"$T/s3b.before"
STORED_BEFORE=$(($(wc -l <"$T/s3b.before") - $(not_in "$T/s3b.stored" "$T/s3b.before" | wc -l)))
[ -z "${E2E_VERBOSE:-}" ] ||
    echo "     3b: $(wc -l <"$T/s3b.before") lines copied to s.log.1, $STORED_BEFORE of them stored before the truncate (the rest is copytruncate's own loss window)"
# a stored line in neither file must have been written between the cp and
# the truncation (after the copy's last line, before the new file's first):
# copytruncate's own window, lines the agent may have read from s.log before
# it was emptied, and storing them is right; any other was never written
LAST_COPY=$(sort -n "$T/s3b.before" | tail -n 1)
FIRST_AFTER=$(head -n 1 "$T/s3b.after")
cat "$T/s3b.before" "$T/s3b.after" >"$T/s3b.files"
not_in "$T/s3b.files" "$T/s3b.stored" |
    awk -v a="${LAST_COPY:-0}" -v b="${FIRST_AFTER:-801}" '$1 <= a || $1 >= b' >"$T/s3b.stray"
check_eq "3b. nothing stored that is in neither file, but lines written between the copy and the truncation" \
    "$(tr '\n' ' ' <"$T/s3b.stray")" ""

# 3c: a writer that does not append (O_APPEND): after copytruncate it goes on
# at its old offset (dd seek= conv=notrunc), and the file reads as a hole of
# NUL bytes before its next line. The hole is skipped, said and counted; no
# line is stored with it
L=$T/s3c/logs
DB=$T/s3c.db
ERR=$T/s3c.err
F=$L/fn/s.log
mkdir -p "$L/fn"
$WRITER "$F" s3c 1 100
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s3c 100 >/dev/null
SIZE=$(wc -c <"$F" | tr -d ' ')
cp "$F" "$F.1" && : >"$F"
$WRITER "$T/s3c.next" s3c 101 150
dd if="$T/s3c.next" of="$F" bs=4096 seek="$SIZE" oflag=seek_bytes conv=notrunc status=none
wait_count "$DB" s3c 150 >/dev/null
sleep 0.3
stop_agent "3c." "$ERR"
expect_exact "3c. copytruncate under a writer that does not append: 150 lines once each" "$DB" s3c 150 "$ERR" "$L"
check_eq "3c. ... no event holds the hole's NUL bytes" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE instr(message, char(9216)) > 0 OR length(message) > 200")" 0
check_eq "3c. ... the hole counted (nul_hole_bytes: the old size)" \
    "$(sql "$DB" "SELECT coalesce((SELECT value FROM agent_counters WHERE name = 'nul_hole_bytes'), 0)")" "$SIZE"
check_grep "3c. ... and said" "$ERR" "$F: the $SIZE NUL bytes it starts with are skipped"

# ---- 4. delete and recreate -------------------------------------------------
section 4
L=$T/s4/logs
DB=$T/s4.db
ERR=$T/s4.err
F=$L/fn/s.log
mkdir -p "$L/fn"
$WRITER "$F" s4a 1 50
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s4a 50 >/dev/null
rm "$F"
$WRITER "$F" s4b 1 30          # shorter, probably the same inode
wait_count "$DB" s4b 30 >/dev/null
rm "$F"
sleep 0.3
$WRITER "$F" s4c 1 80          # longer
wait_count "$DB" s4c 80 >/dev/null
sleep 0.3
stop_agent "4." "$ERR"
expect_exact "4. original 50 lines once" "$DB" s4a 50 "$ERR" "$L"
expect_exact "4. recreated (shorter): 30 new lines once" "$DB" s4b 30 "$ERR" "$L"
expect_exact "4. recreated again (longer): 80 new lines once" "$DB" s4c 80 "$ERR" "$L"
# while the agent is stopped: delete, recreate longer with other content, restart
rm "$F"
$WRITER "$F" s4d 1 120
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s4d 120 >/dev/null
sleep 0.3
stop_agent "4. restart" "$ERR"
expect_exact "4. recreated while stopped: 120 new lines once" "$DB" s4d 120 "$ERR" "$L"
expect_exact "4. recreated while stopped: the older lines still once" "$DB" s4c 80 "$ERR" "$L"

# ---- 5. partial last lines --------------------------------------------------
section 5
L=$T/s5/logs
DB=$T/s5.db
ERR=$T/s5.err
F=$L/fn/s.log
mkdir -p "$L/fn"
$WRITER "$F" s5 1 3
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s5 3 >/dev/null
PFX=$(printf '2026-11-01T00:00:00.000Z\t5d3c0b8e-1f2a-4b7c-9d10-000000000000\tINFO\t')
# 5a: a last line without its newline: not before the idle flush, then once
printf '%sline-s5p-partial' "$PFX" >>"$F"
T0=$(now_ms)
sleep 0.2
check_eq "5a. partial line not stored before --idle-flush-ms (0.2 s of 0.5 s)" \
    "$(counts "$DB" s5p)" "0 0"
wait_count "$DB" s5p 1 >/dev/null
EL=$(($(now_ms) - T0))
check "5a. partial line stored after the idle flush, within 2.5 s (took $EL ms)" test "$EL" -ge 450 -a "$EL" -le 2500
check_eq "5a. partial line stored as written" \
    "$(sql "$DB" "SELECT max(message = '${PFX}line-s5p-partial') FROM events WHERE message LIKE '%line-s5p-%'")" 1
# its newline arrives later, then two complete lines (the partial line must
# not come back: checked at the end)
printf '\n' >>"$F"
$WRITER "$F" s5 4 5
wait_count "$DB" s5 5 >/dev/null
# 5b: a line completed within the idle time is stored whole, once
printf '%sline-s5q-first-half' "$PFX" >>"$F"
sleep 0.25
printf '%s\n' -second-half >>"$F"
wait_count "$DB" s5q 1 >/dev/null
check_eq "5b. line completed within the idle time: stored whole" \
    "$(sql "$DB" "SELECT max(message = '${PFX}line-s5q-first-half-second-half') FROM events WHERE message LIKE '%line-s5q-%'")" 1
# 5c: a partial line pending at SIGTERM, then a restart
printf '%sline-s5r-at-sigterm' "$PFX" >>"$F"
sleep 0.15
stop_agent "5c." "$ERR"
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s5r 1 >/dev/null
stop_agent "5c. restart" "$ERR"
# 5d: a partial line pending at SIGKILL (its newline comes while the agent is
# down; the newline first completes 5c's line)
printf '\n' >>"$F"
start_agent "$L" "$DB" "$ERR"
sleep 0.5
printf '%sline-s5s-at-sigkill' "$PFX" >>"$F"
sleep 0.3
kill_agent
printf '%s\n' -completed >>"$F"
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s5s 1 >/dev/null
sleep 0.7
stop_agent "5d. restart" "$ERR"
check_eq "5a. partial line, later completed by a newline: stored once" "$(counts "$DB" s5p)" "1 1"
check_eq "5b. line completed within the idle time: stored once" "$(counts "$DB" s5q)" "1 1"
check_eq "5c. partial line pending at SIGTERM, restart: stored once" \
    "$(sql "$DB" "SELECT count(*) || ' ' || max(message = '${PFX}line-s5r-at-sigterm') FROM events WHERE message LIKE '%line-s5r-%'")" \
    "1 1"
check_eq "5d. line half-written at SIGKILL, completed while down: stored whole, once" \
    "$(sql "$DB" "SELECT count(*) || ' ' || max(message = '${PFX}line-s5s-at-sigkill-completed') FROM events WHERE message LIKE '%line-s5s-%'")" \
    "1 1"
expect_exact "5. the complete lines around them: once each" "$DB" s5 5 "$ERR" "$L"

# ---- 6. SIGKILL in the middle of a 3000-line burst ----------------------------
section 6
L=$T/s6/logs
DB=$T/s6.db
ERR=$T/s6.err
F=$L/fn/s.log
mkdir -p "$L/fn"
: >"$F"
start_agent "$L" "$DB" "$ERR"
sleep 0.2
$WRITER "$F" s6 1 3000 40 0.02 &
W=$!
BG="$BG $W"
sleep 1.3
BEFORE_KILL=$(counts "$DB" s6)
kill_agent
start_agent "$L" "$DB" "$ERR"
sleep 0.4
kill_agent                      # a second crash, soon after the restart
start_agent "$L" "$DB" "$ERR"
wait $W
[ -z "${E2E_VERBOSE:-}" ] || echo "     6: stored at the first SIGKILL: $BEFORE_KILL (of 3000)"
wait_count "$DB" s6 3000 >/dev/null
sleep 0.3
stop_agent "6." "$ERR"
expect_exact "6. SIGKILL mid-burst (twice) + restart: 3000 lines once each" "$DB" s6 3000 "$ERR" "$L"

# ---- 7. SIGTERM: fast, and everything written before it is stored -------------
section 7
L=$T/s7/logs
DB=$T/s7.db
ERR=$T/s7.err
F=$L/fn/s.log
mkdir -p "$L/fn"
: >"$F"
start_agent "$L" "$DB" "$ERR"
sleep 0.3
$WRITER "$F" s7 1 200
sleep 0.3                       # read (3 polls), not necessarily committed
stop_agent "7." "$ERR"
expect_exact "7. lines written 0.3 s before SIGTERM are stored at exit" "$DB" s7 200 "$ERR" "$L"
start_agent "$L" "$DB" "$ERR"
sleep 0.3
$WRITER "$F" s7 201 400
stop_agent "7. SIGTERM right after a write" "$ERR"
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s7 400 >/dev/null
sleep 0.3
stop_agent "7. restart" "$ERR"
expect_exact "7. lines written just before SIGTERM: stored once (at exit or after restart)" \
    "$DB" s7 400 "$ERR" "$L"

# ---- 8. --status --------------------------------------------------------------
section 8
L=$T/s8/logs
DB=$T/s8.db
ERR=$T/s8.err
mkdir -p "$L/fn"
$WRITER "$L/fn/s.log" s8 1 37
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s8 37 >/dev/null
"$OBSAGENT" --status --db "$DB" >"$T/s8.running" 2>&1
check_eq "8. --status while the agent runs: exit 0" "$?" 0
check_grep "8. --status while the agent runs: a 'lines N' line" "$T/s8.running" '^lines [0-9]+$'
sleep 0.3
stop_agent "8." "$ERR"
"$OBSAGENT" --status --db "$DB" >"$T/s8.status" 2>&1
check_eq "8. --status: exit 0" "$?" 0
check_grep "8. --status: 'lines 37'" "$T/s8.status" '^lines 37$'
check "8. --status: every line is 'name value'" \
    sh -c '! grep -Ev "^[A-Za-z_][A-Za-z0-9_.]* [^ ]" "$1" && test -s "$1"' sh "$T/s8.status"
[ -z "${E2E_VERBOSE:-}" ] || sed 's/^/     8: /' "$T/s8.status"

# ---- 8b. a checkpoint taken before any byte was read, then a rotation while down
# A new file's checkpoint (offset 0, no fingerprint yet) is committed before its
# lines are read. Killed then, and the file rotated away and a new one made
# before the restart: the old file is found by its identity under its new name
# (no fingerprint to compare) and read from its head, and so is the new one.
section 8b
L=$T/s8b/logs
DB=$T/s8b.db
ERR=$T/s8b.err
F=$L/fn/s.log
mkdir -p "$L/fn"
: >"$F"
start_agent "$L" "$DB" "$ERR"
_i=0
until [ "$(sql "$DB" "SELECT count(*) FROM sources WHERE offset = 0 AND fingerprint_len = 0" 2>/dev/null)" = 1 ] ||
    [ $_i -ge 50 ]; do sleep 0.1; _i=$((_i + 1)); done
check_eq "8b. the empty file's checkpoint is committed at once" \
    "$(sql "$DB" "SELECT count(*) FROM sources WHERE offset = 0 AND fingerprint_len = 0")" 1
kill_agent
$WRITER "$F" s8b 1 300
mv "$F" "$F.1"
$WRITER "$F" s8b 301 400
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" s8b 400 >/dev/null
sleep 0.3
stop_agent "8b." "$ERR"
expect_exact "8b. killed with an offset-0 checkpoint, file rotated while down: 400 lines once each" \
    "$DB" s8b 400 "$ERR" "$L"

# ---- 9. soak: 3 writers, rotation every 500 lines, SIGKILL every ~2 s ---------
section 9
L=$T/s9/logs
DB=$T/s9.db
ERR=$T/s9.err
N9=${SOAK_LINES:-6000}   # make soak raises these
SOAK_MS=${SOAK_MS:-25000}
mkdir -p "$L/fa" "$L/fb" "$L/fc"
start_agent "$L" "$DB" "$ERR"
WS=
for w in a b c; do
    $WRITER "$L/f$w/s.log" "s9$w" 1 $N9 30 0.04 500 &
    WS="$WS $!"
done
BG="$BG $WS"
T0=$(now_ms)
KILLS=0
while :; do
    running=0
    for p in $WS; do
        alive "$p" && running=1
    done
    [ $running -eq 1 ] || break
    [ $(($(now_ms) - T0)) -lt "$SOAK_MS" ] || break
    sleep 2
    kill_agent
    KILLS=$((KILLS + 1))
    start_agent "$L" "$DB" "$ERR"
done
for p in $WS; do
    wait "$p"
done
WRITE_MS=$(($(now_ms) - T0))
[ -z "${E2E_VERBOSE:-}" ] || echo "     9: writers done in $WRITE_MS ms, $KILLS SIGKILLs, $(ls "$L"/f*/ | grep -c 'log\.') rotated files"
T0=$(now_ms)
for w in a b c; do
    _left=$(((8000 + N9 / 10 - ($(now_ms) - T0)) / 1000))
    [ "$_left" -ge 1 ] || _left=1
    wait_count "$DB" "s9$w" $N9 "$_left" >/dev/null
done
sleep 0.3
stop_agent "9." "$ERR"
for w in a b c; do
    expect_exact "9. soak writer $w ($KILLS SIGKILLs, rotation every 500): $N9 lines once each" \
        "$DB" "s9$w" $N9 "$ERR" "$L"
done

# ---- 10. soak: copytruncate + SIGKILL, through symlinked paths ---------------------
# Two writers rotate by copytruncate (the copy's name reused), one by rename;
# the agent follows a symlink to the log directory, in which a second name
# (a symlinked function directory) leads to one writer's files again; it is
# SIGKILLed every ~2 s. make soak makes it 10x longer.
section 10
R=$T/s10/real
L=$T/s10/logs
DB=$T/s10.db
ERR=$T/s10.err
N10=${SOAK_CT_LINES:-3000}
SOAK10_MS=${SOAK_CT_MS:-12000}
mkdir -p "$R/fa" "$R/fb" "$R/fc"
ln -s real "$L"
ln -s fa "$R/fd"
start_agent "$L" "$DB" "$ERR"
$WRITER "$R/fa/s.log" s10a 1 "$N10" 20 0.03 400 copytruncate &
WS=$!
$WRITER "$R/fb/s.log" s10b 1 "$N10" 20 0.03 700 copytruncate &
WS="$WS $!"
$WRITER "$R/fc/s.log" s10c 1 "$N10" 20 0.03 500 &
WS="$WS $!"
BG="$BG $WS"
T0=$(now_ms)
KILLS=0
while :; do
    running=0
    for p in $WS; do
        alive "$p" && running=1
    done
    [ $running -eq 1 ] || break
    [ $(($(now_ms) - T0)) -lt "$SOAK10_MS" ] || break
    sleep 2
    kill_agent
    KILLS=$((KILLS + 1))
    start_agent "$L" "$DB" "$ERR"
done
for p in $WS; do
    wait "$p"
done
T0=$(now_ms)
for w in a b c; do
    _left=$(((8000 + N10 / 10 - ($(now_ms) - T0)) / 1000))
    [ "$_left" -ge 1 ] || _left=1
    wait_count "$DB" "s10$w" "$N10" "$_left" >/dev/null
done
sleep 0.3
stop_agent "10." "$ERR"
[ -z "${E2E_VERBOSE:-}" ] || echo "     10: $KILLS SIGKILLs"
for w in a b c; do
    expect_exact "10. soak writer $w (copytruncate a/b, rename c; $KILLS SIGKILLs; a symlinked path): $N10 lines once each" \
        "$DB" "s10$w" "$N10" "$ERR" "$R"
done
grep "missed" "$ERR" > "$T/s10.missed"
check_eq "10. nothing counted as missed" \
    "$(sql "$DB" "SELECT coalesce((SELECT value FROM agent_counters WHERE name = 'files_missed'), 0)")" 0
[ ! -s "$T/s10.missed" ] || fail "10. what was said missed:" "$T/s10.missed"

# ---- 11. turns: bytes left unread, a change inotify does not report ---------------
section 11
# a file over the batch's bound is read on without waiting for a poll (one
# poll a minute here: the rest of it would wait that long)
L=$T/s11/logs
DB=$T/s11.db
ERR=$T/s11.err
mkdir -p "$L/fn" "$T/s11/elsewhere"
$WRITER "$L/fn/big.log" s11 1 80000
start_agent "$L" "$DB" "$ERR" --poll-ms 60000 --max-pending-bytes 64K
wait_count "$DB" s11 80000 10 >/dev/null
expect_exact "11. a file of 6 MB over a 64K batch bound, one poll a minute: read on at once" \
    "$DB" s11 80000 "$ERR" "$L"
stop_agent "11a." "$ERR"
# appends through a hard link in a directory nothing watches make no inotify
# event in the followed one: seen by the backstop look (8 polls of 50 ms)
$WRITER "$L/fn/linked.log" s11b 1 3
ln "$L/fn/linked.log" "$T/s11/elsewhere/linked.log"
start_agent "$L" "$DB" "$ERR" --poll-ms 50
wait_count "$DB" s11b 3 >/dev/null
sleep 1   # idle: the looks since are the backstop's
$WRITER "$T/s11/elsewhere/linked.log" s11b 4 10
wait_count "$DB" s11b 10 5 >/dev/null
expect_exact "11. lines appended through a hard link outside the watched directories: read" \
    "$DB" s11b 10 "$ERR" "$L"
stop_agent "11b." "$ERR"

section end
finish
