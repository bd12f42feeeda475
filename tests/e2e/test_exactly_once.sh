#!/bin/sh
# tests/e2e/test_exactly_once.sh — exactly once by identity (issue 16): every
# line is numbered (line-TAG-N) and must be stored once, or, where its data
# is really gone, be counted as missed with the file's name. (1)
# copytruncate with the copy's name reused, the agent SIGKILLed and
# restarted twice, looped (the measured bug doubled 2,600 of 4,000 lines in
# 7 of 16 runs, depending on timing and inodes). (2) Rotation while the
# agent is down, every mode: rename + create, copytruncate (twice), delete +
# recreate reusing the inode, compress after rotate, and two files with a
# common 2 KiB banner. (3) One file, many names: a path spelled three ways,
# a symlink beside its file, a symlinked path re-pointed, a symlink loop, a
# tree 40 directories deep. (4) One writer per store: a follow agent and
# --once, two agents started at once on a new store. (5) Rotations between
# two looks of a running agent (SIGSTOP): copytruncate of bytes never read,
# a backup copy, numbered renames twice, copytruncate twice (the copy's name
# reused, and numbered copies).
. "$(dirname "$0")/lib.sh"
need obsagent
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 CLI not found"; finish; }
. "$(dirname "$0")/follow_lib.sh"

# counter DB NAME — an agent counter (0 when never counted)
counter() { sql "$1" "SELECT coalesce((SELECT value FROM agent_counters WHERE name = '$2'), 0)"; }

# ---- 1. copytruncate + SIGKILL + restart, looped ------------------------------
# A writer appends 4,000 lines, 20 at a time, and rotates by copytruncate
# (cp s.log s.log.1; : > s.log, the copy's name reused) every 1,300; the
# agent is killed twice while it writes (at times that move from run to
# run) and once right after a rotation it has seen, then restarted.
section 1
RUNS=${COPYTRUNC_RUNS:-6}
DOUBLED_RUNS=0
DOUBLED_LINES=0
r=1
while [ "$r" -le "$RUNS" ]; do
    L=$T/c$r/logs
    DB=$T/c$r.db
    ERR=$T/c$r.err
    F=$L/fn/s.log
    mkdir -p "$L/fn"
    : >"$F"
    start_agent "$L" "$DB" "$ERR"
    $WRITER "$F" ct 1 4000 20 0.01 1300 copytruncate &
    W=$!
    BG="$BG $W"
    sleep "0.$((3 + r % 5))"
    kill_agent
    start_agent "$L" "$DB" "$ERR"
    sleep "1.$((r % 4))"
    kill_agent
    start_agent "$L" "$DB" "$ERR"
    wait "$W"
    wait_count "$DB" ct 4000 10 >/dev/null
    # the deterministic case: a rotation the agent has seen, then a kill
    cp "$F" "$F.1" && : >"$F"
    sleep 0.5
    kill_agent
    $WRITER "$F" ct 4001 4100
    start_agent "$L" "$DB" "$ERR"
    wait_count "$DB" ct 4100 10 >/dev/null
    sleep 0.3
    stop_agent "1. run $r" "$ERR"
    GOT=$(counts "$DB" ct)
    if [ "$GOT" != "4100 4100" ]; then
        DOUBLED_RUNS=$((DOUBLED_RUNS + 1))
        DOUBLED_LINES=$((DOUBLED_LINES + ${GOT%% *} - ${GOT#* }))
        expect_exact "1. copytruncate + 3 SIGKILLs, run $r: 4,100 lines once each" "$DB" ct 4100 "$ERR" "$L"
    fi
    r=$((r + 1))
done
[ -z "${E2E_VERBOSE:-}" ] || echo "     1: $RUNS runs, $DOUBLED_RUNS with lines doubled or lost ($DOUBLED_LINES doubled)"
check_eq "1. copytruncate + restarts, $RUNS runs: every run stored each of 4,100 lines once" \
    "$DOUBLED_RUNS $DOUBLED_LINES" "0 0"

# ---- 2. rotation while the agent is down, every mode ----------------------------
section 2
# each scenario: 100 lines read, the agent killed, 50 more appended (unread),
# then the rotation, then 100 lines in the new file, then a restart
down_start()   # NAME
{
    L=$T/d$1/logs
    DB=$T/d$1.db
    ERR=$T/d$1.err
    F=$L/fn/s.log
    mkdir -p "$L/fn"
    $WRITER "$F" "$1" 1 100
    start_agent "$L" "$DB" "$ERR"
    wait_count "$DB" "$1" 100 >/dev/null
    kill_agent
    $WRITER "$F" "$1" 101 150
}
down_restart()   # NAME N
{
    start_agent "$L" "$DB" "$ERR"
    wait_count "$DB" "$1" "$2" >/dev/null
    sleep 0.5
    stop_agent "2. $1: restart" "$ERR"
}

# stream_of TAG — the streams lines TAG are stored under
stream_of() { sql "$DB" "SELECT DISTINCT s.stream FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.message LIKE '%line-$1-%'"; }

# a file beside s.log whose name starts as its does (s.log.json), new while
# the agent was down: a file of its own, not a copy rotated away unread
down_start djs
$WRITER "$F.json" djsj 1 50
down_restart djs 150
expect_exact "2. s.log.json new while down: its 50 lines once each" "$DB" djsj 50 "$ERR" "$L"
check "2. ... under a stream of its own, not s.log's ($(stream_of djsj | tr '\n' ' ')vs $(stream_of djs))" \
    test "$(stream_of djsj)" != "$(stream_of djs)"

# rename + create (logrotate's default), twice
down_start drn
mv "$F" "$F.1"
$WRITER "$F" drn 151 250
mv "$F.1" "$F.2"
mv "$F" "$F.1"
$WRITER "$F" drn 251 300
down_restart drn 300
expect_exact "2. rename + create twice while down: 300 lines once each" "$DB" drn 300 "$ERR" "$L"
check_eq "2. ... nothing counted as missed" "$(counter "$DB" files_missed)" 0

# copytruncate, the copy's name reused, twice with a restart between
down_start dct
cp "$F" "$F.1" && : >"$F"
$WRITER "$F" dct 151 250
down_restart dct 250
kill_agent
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" dct 250 >/dev/null
kill_agent
$WRITER "$F" dct 251 300
cp "$F" "$F.1" && : >"$F"
$WRITER "$F" dct 301 400
down_restart dct 400
expect_exact "2. copytruncate twice while down (s.log.1 reused): 400 lines once each" "$DB" dct 400 "$ERR" "$L"
check_eq "2. ... nothing counted as missed" "$(counter "$DB" files_missed)" 0

# delete + recreate: ext4 gives the new file the old inode; lines 101-150
# are really gone, and must be counted, with the file's name
down_start dre
INO=$(stat -c %i "$F")
rm "$F"
$WRITER "$F" dreb 1 100
[ -z "${E2E_VERBOSE:-}" ] || echo "     2: delete + recreate: inode $INO -> $(stat -c %i "$F")"
down_restart dreb 100
expect_exact "2. delete + recreate while down: the 100 lines read before once each" "$DB" dre 100 "$ERR" "$L"
expect_exact "2. ... the new file's 100 lines once each" "$DB" dreb 100 "$ERR" "$L"
check_eq "2. ... the lost file counted as missed" "$(counter "$DB" files_missed)" 1
check_grep "2. ... and said on stderr, with its name" "$ERR" "missed: $F: "
"$OBSAGENT" --status --db "$DB" >"$T/dre.status"
check_grep "2. ... and listed by --status with its name" "$T/dre.status" "^missed [0-9]+ $F: "

# rewritten in place (the same inode for certain: > truncates the file):
# lines 101-150 are gone, counted; the new content is read from its head
down_start drw
$WRITER "$T/drw.new" drwb 1 80
cat "$T/drw.new" >"$F"
down_restart drwb 80
expect_exact "2. rewritten in place while down (same inode): the 100 lines read before once each" "$DB" drw 100 "$ERR" "$L"
expect_exact "2. ... the new content's 80 lines once each (from its head)" "$DB" drwb 80 "$ERR" "$L"
check_eq "2. ... the lost content counted as missed" "$(counter "$DB" files_missed)" 1
check_grep "2. ... naming the file and where reading had got to" "$ERR" "missed: $F: its content was replaced .*read to byte [0-9]+"

# compress after rotate: the unread lines are in s.log.1.gz, never read
down_start dgz
mv "$F" "$F.1"
gzip "$F.1"
$WRITER "$F" dgz 151 250
down_restart dgz 200
numbers "$DB" dgz >"$T/dgz.nums"
check_eq "2. compress after rotate while down: lines 1-100 and 151-250 once each, 101-150 (compressed) not" \
    "$(counts "$DB" dgz) $(sed -n '100p;101p' "$T/dgz.nums" | tr '\n' ' ')" "200 200 100 151 "
check_eq "2. ... the compressed file's unread lines counted as missed" "$(counter "$DB" files_missed)" 1
check_grep "2. ... naming the file" "$ERR" "missed: $F: "

# two files with a common 2 KiB banner, the second on the first's inode:
# the first KiB alone would take it for the first and skip its lines
L=$T/dbn/logs
DB=$T/dbn.db
ERR=$T/dbn.err
F=$L/fn/s.log
mkdir -p "$L/fn"
awk 'BEGIN { for (i = 0; i < 32; i++) printf "banner: the same 2 KiB in every file of this service, line %02d\n", i }' \
    >"$T/banner"
cat "$T/banner" >"$F"
$WRITER "$F" dbn 1 300
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" dbn 300 >/dev/null
kill_agent
rm "$F"
cat "$T/banner" >"$F"
$WRITER "$F" dbnb 1 500
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" dbnb 500 >/dev/null
sleep 0.5
stop_agent "2. banner: restart" "$ERR"
expect_exact "2. common 2 KiB banner, new file on the old inode: its 500 lines once each (none skipped)" \
    "$DB" dbnb 500 "$ERR" "$L"
# the same banner, numbered renames twice while the agent is down: the
# middle file (s.log.1 now) starts as the new s.log does, and is no copy of it
$WRITER "$F" dbnb 501 550
mv "$F" "$F.1"
cat "$T/banner" >"$F"
$WRITER "$F" dbnc 1 100
mv "$F.1" "$F.2" && mv "$F" "$F.1"
cat "$T/banner" >"$F"
$WRITER "$F" dbnd 1 300
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" dbnd 300 >/dev/null
sleep 0.5
stop_agent "2. banner: renamed twice" "$ERR"
expect_exact "2. ... renamed twice while down: the old file's 550 lines once each" "$DB" dbnb 550 "$ERR" "$L"
expect_exact "2. ... the middle file's 100 lines once each" "$DB" dbnc 100 "$ERR" "$L"
expect_exact "2. ... the new file's 300 lines once each" "$DB" dbnd 300 "$ERR" "$L"

# ---- 3. one file, many names ------------------------------------------------------
section 3
L=$T/p3/logs
DB=$T/p3.db
mkdir -p "$L/fn"
$WRITER "$L/fn/a.log" pa 1 100
(
    cd "$T/p3" || exit 1
    "$OBSAGENT" --once --no-progress --db "$DB" logs >/dev/null 2>&1
    "$OBSAGENT" --once --no-progress --db "$DB" ./logs >/dev/null 2>&1
    "$OBSAGENT" --once --no-progress --db "$DB" "$L" >/dev/null 2>&1
    "$OBSAGENT" --once --no-progress --db "$DB" logs/ >/dev/null 2>&1
    "$OBSAGENT" --once --no-progress --db "$DB" ./logs/fn/a.log >/dev/null 2>&1
)
expect_exact "3. --once of logs, ./logs, the absolute path, logs/, the file: 100 lines once" "$DB" pa 100 "$T/p3.err"
check_eq "3. ... one checkpoint" "$(sql "$DB" 'SELECT count(*) FROM sources')" 1
# follow mode on ./logs after the imports: nothing again, the new lines once
$WRITER "$L/fn/a.log" pa 101 150
(cd "$T/p3" && exec "$OBSAGENT" --db "$DB" --poll-ms 100 ./logs) >"$T/p3.err" 2>&1 </dev/null &
AGENT=$!
wait_count "$DB" pa 150 >/dev/null
sleep 0.5
stop_agent "3. follow ./logs" "$T/p3.err"
expect_exact "3. follow mode on ./logs after them: 150 lines once" "$DB" pa 150 "$T/p3.err"

# a symlink beside its file (current.log -> the day's file), in a walked
# directory: read once, under the file's own name
mkdir -p "$L/fs"
$WRITER "$L/fs/2026-11-21.log" ps 1 50
ln -s 2026-11-21.log "$L/fs/current.log"
"$OBSAGENT" --once --no-progress --db "$DB" "$L" >/dev/null 2>&1
expect_exact "3. a symlink beside its file: 50 lines once" "$DB" ps 50 "$T/p3.err"
check_eq "3. ... in the stream of the file's own name" \
    "$(sql "$DB" "SELECT DISTINCT s.stream FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.message LIKE '%line-ps-%'")" \
    "2026-11-21"

# follow mode on the symlink itself, re-pointed at midnight: each day's file once
L=$T/s3/logs
DB=$T/s3.db
ERR=$T/s3.err
mkdir -p "$L/fn"
$WRITER "$L/fn/2026-11-21.log" sy 1 100
ln -s 2026-11-21.log "$L/fn/current.log"
start_agent "$L/fn/current.log" "$DB" "$ERR"
wait_count "$DB" sy 100 >/dev/null
$WRITER "$L/fn/2026-11-21.log" sy 101 150
$WRITER "$L/fn/2026-11-22.log" sy 151 250
ln -sfn 2026-11-22.log "$L/fn/current.log"
wait_count "$DB" sy 250 >/dev/null
kill_agent
$WRITER "$L/fn/2026-11-22.log" sy 251 300
start_agent "$L/fn/current.log" "$DB" "$ERR"
wait_count "$DB" sy 300 >/dev/null
sleep 0.5
stop_agent "3. symlinked path" "$ERR"
expect_exact "3. following a symlink re-pointed to the next day's file (and a kill): 300 lines once" \
    "$DB" sy 300 "$ERR" "$L"

# a symlink loop (fn2/up -> ..): not followed round, said once
L=$T/l3/logs
DB=$T/l3.db
ERR=$T/l3.err
mkdir -p "$L/fn" "$L/fn2"
$WRITER "$L/fn/a.log" la 1 30
$WRITER "$L/fn2/b.log" lb 1 30
ln -s .. "$L/fn2/up"
"$OBSAGENT" --once --no-progress --db "$DB" "$L" >/dev/null 2>"$T/l3.once"
expect_exact "3. --once through a symlink loop: each line once" "$DB" la 30 "$T/l3.once"
check_grep "3. ... the loop is said" "$T/l3.once" "not read: $L/fn2/up: a symlink loop"
LOOPS=$(counter "$DB" dirs_skipped_loop)
start_agent "$L" "$DB" "$ERR"
$WRITER "$L/fn/a.log" la 31 60
wait_count "$DB" la 60 >/dev/null
sleep 0.6
stop_agent "3. loop" "$ERR"
expect_exact "3. follow mode through the loop: each line once" "$DB" la 60 "$ERR" "$L"
expect_exact "3. ... the other directory's too" "$DB" lb 30 "$ERR" "$L"
check_eq "3. ... the loop said once, though scanned every step" "$(grep -c 'symlink loop' "$ERR")" 1
check_eq "3. ... and counted once (by each of the two runs)" "$LOOPS $(counter "$DB" dirs_skipped_loop)" "1 2"

# 40 directories deep (the walk used to stop at 31)
L=$T/deep/logs
DB=$T/deep.db
ERR=$T/deep.err
P=$L/fn
i=0
while [ $i -lt 40 ]; do P=$P/d$i; i=$((i + 1)); done
mkdir -p "$P"
$WRITER "$P/deep.log" dp 1 20
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" dp 20 >/dev/null
$WRITER "$P/deep.log" dp 21 40
wait_count "$DB" dp 40 >/dev/null
stop_agent "3. deep" "$ERR"
expect_exact "3. a file 40 directories deep, followed: 40 lines once" "$DB" dp 40 "$ERR"

# ---- 4. one writer per store ------------------------------------------------------------
section 4
L=$T/w4/logs
DB=$T/w4.db
ERR=$T/w4.err
mkdir -p "$L/fn"
$WRITER "$L/fn/a.log" wa 1 200
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" wa 200 >/dev/null
$WRITER "$L/fn/a.log" wa 201 400 20 0.02 &
W=$!
BG="$BG $W"
"$OBSAGENT" --once --no-progress --db "$DB" "$L" >"$T/w4.once" 2>&1
check_eq "4. --once on a store a follow agent writes: exit 1" "$?" 1
check_grep "4. ... naming the agent's pid" "$T/w4.once" "another writer, pid $AGENT "
wait "$W"
wait_count "$DB" wa 400 >/dev/null
sleep 0.3
stop_agent "4." "$ERR"
expect_exact "4. the lines written while both ran: stored once" "$DB" wa 400 "$ERR" "$L"
"$OBSAGENT" --once --no-progress --db "$DB" "$L" >/dev/null 2>&1
check_eq "4. --once after the agent stopped: exit 0 (the lock went with it)" "$?" 0
# two agents started at once on a new store, five times: one runs, the other
# says who holds the store; never a schema error
bad=0
k=1
while [ $k -le 5 ]; do
    D=$T/two$k
    mkdir -p "$D/logs/fn"
    $WRITER "$D/logs/fn/a.log" tw$k 1 50
    "$OBSAGENT" --db "$D/s.db" --poll-ms 100 "$D/logs" >"$D/a.err" 2>&1 </dev/null &
    A1=$!
    "$OBSAGENT" --db "$D/s.db" --poll-ms 100 "$D/logs" >"$D/b.err" 2>&1 </dev/null &
    A2=$!
    BG="$BG $A1 $A2"
    sleep 1
    n=0
    for p in $A1 $A2; do alive "$p" && n=$((n + 1)); done
    kill -TERM $A1 $A2 2>/dev/null
    wait $A1 $A2 2>/dev/null
    grep -q "already exists" "$D/a.err" "$D/b.err" && bad=$((bad + 1))
    [ "$n" -eq 1 ] && grep -q "is being written by another writer, pid [0-9]" "$D/a.err" "$D/b.err" || bad=$((bad + 1))
    [ "$(counts "$D/s.db" tw$k)" = "50 50" ] || bad=$((bad + 1))
    k=$((k + 1))
done
check_eq "4. two agents started at once on a new store (5 times): one runs, the other names it, 50 lines once" \
    "$bad" 0

# ---- 5. rotations between two looks of a running agent -----------------------------------
# The agent stopped (SIGSTOP: a paused container, a loaded machine, a store
# locked for a while) while the writer rotates, so that the agent's next look
# finds the result of more than one change.
section 5
# sleep_looked — long enough for the agent to have looked at its
# files since the last change and committed what it saw (poll 100 ms, batch 1 s)
sleep_looked() { sleep 1.3; }
# files_of TAG — $L, $DB, $ERR, $F for a case, made
files_of() { L=$T/$1/logs DB=$T/$1.db ERR=$T/$1.err F=$T/$1/logs/fn/s.log; mkdir -p "$L/fn"; }
# read_then_stop TAG — 100 lines written and read, the agent stopped (SIGSTOP)
read_then_stop()
{
    files_of "$1"
    $WRITER "$F" "$1" 1 100
    start_agent "$L" "$DB" "$ERR"
    wait_count "$DB" "$1" 100 >/dev/null
    sleep_looked
    kill -STOP "$AGENT"
}
# resume TAG N DESC — SIGCONT, until N lines TAG are stored, then SIGTERM
resume()
{
    kill -CONT "$AGENT"
    wait_count "$DB" "$1" "$2" >/dev/null
    sleep 0.5
    stop_agent "5. $3" "$ERR"
}

# copytruncate of bytes the agent never read: it had read its file to the
# end, seen it truncated (empty), and then the next 100 lines were written,
# copied away and truncated before it looked again; the file only seems to
# have grown (from 0), the lines are in the copy alone
files_of g5
$WRITER "$F" g5 1 100
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" g5 100 >/dev/null
cp "$F" "$F.1" && : >"$F"
sleep_looked
kill -STOP "$AGENT"
$WRITER "$F" g5 101 200
cp "$F" "$F.1" && : >"$F"
$WRITER "$F" g5 201 250
resume g5 250 "copytruncate of unread bytes"
expect_exact "5. copytruncate of bytes never read, between two looks: 250 lines once each" "$DB" g5 250 "$ERR" "$L"
check_grep "5. ... the copy said read from its head" "$ERR" "$F.1: rotated away unread .*read from its head"

# the same while the agent is down: its checkpoint says nothing was read of
# the (empty) file; restarted after the copy and the truncation
$WRITER "$F" g5 251 350
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" g5 350 >/dev/null
cp "$F" "$F.1" && : >"$F"
sleep_looked
kill_agent
$WRITER "$F" g5 351 450
cp "$F" "$F.1" && : >"$F"
$WRITER "$F" g5 451 500
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" g5 500 >/dev/null
sleep 0.3
stop_agent "5. copytruncate of unread bytes while down" "$ERR"
expect_exact "5. ... and while the agent is down: 500 lines once each" "$DB" g5 500 "$ERR" "$L"

# a copy that was not followed by a truncation (logrotate's `copy`: cp
# s.log s.log.1, the file left as it is) of a file nothing was read of: its
# lines are read from the file, not twice; and a file beside it whose name
# starts as its does (s.log.json), written meanwhile, is a file of its own:
# read under its own name, not as a rotated copy of s.log
files_of b5
: >"$F"
start_agent "$L" "$DB" "$ERR"
sleep_looked
kill -STOP "$AGENT"
$WRITER "$F.json" b5j 1 50
$WRITER "$F" b5 1 100
cp "$F" "$F.1"
$WRITER "$F" b5 101 120
resume b5 120 "a copy"
expect_exact "5. a copy of a file nothing was read of, the file not truncated: 120 lines once each" \
    "$DB" b5 120 "$ERR" "$L"
expect_exact "5. ... s.log.json's 50 lines once each" "$DB" b5j 50 "$ERR" "$L"
check "5. ... under a stream of its own, not s.log's ($(stream_of b5j | tr '\n' ' ')vs $(stream_of b5))" \
    test "$(stream_of b5j)" != "$(stream_of b5)"

# a copy of what was read under a name the scan follows (s.log-backup): not
# read, and said once, not at every scan (poll 100 ms: ~10 scans here)
files_of k5
$WRITER "$F" k5 1 100
start_agent "$L" "$DB" "$ERR"
wait_count "$DB" k5 100 >/dev/null
cp "$F" "$F-backup"
sleep 1
stop_agent "5. a backup copy" "$ERR"
expect_exact "5. a copy of what was read under a name the scan follows: its lines not read again" "$DB" k5 100 "$ERR" "$L"
check_eq "5. ... said once" "$(grep -c "not read: $F-backup: a copy of" "$ERR")" 1

# logrotate's numbered renames, twice between two looks: s.log -> s.log.1,
# a new s.log written, s.log.1 -> s.log.2, s.log -> s.log.1, a new s.log;
# the middle file (s.log.1 now) was never seen under any name
read_then_stop r5
$WRITER "$F" r5 101 150
mv "$F" "$F.1"
$WRITER "$F" r5 151 250
mv "$F.1" "$F.2" && mv "$F" "$F.1"
$WRITER "$F" r5 251 300
resume r5 300 "renamed twice"
expect_exact "5. numbered renames twice between two looks: 300 lines once each" "$DB" r5 300 "$ERR" "$L"

# copytruncate twice between two looks, the copy's name reused: the copy of
# what the agent was reading (lines 101-150 after its offset) is overwritten
# by the next copy, which holds lines 151-250 it never saw. Those are read
# from the copy's head; 101-150 are gone from the disk and counted as missed
read_then_stop t5
$WRITER "$F" t5 101 150
cp "$F" "$F.1" && : >"$F"
$WRITER "$F" t5 151 250
cp "$F" "$F.1" && : >"$F"
$WRITER "$F" t5 251 300
resume t5 250 "copytruncate twice"
check_eq "5. copytruncate twice between two looks: lines 1-100 and 151-300 once each (101-150 overwritten)" \
    "$(counts "$DB" t5) $(numbers "$DB" t5 | ranges)" "250 250 1-100, 151-300"
check_eq "5. ... the overwritten copy counted as missed" "$(counter "$DB" files_missed)" 1
check_grep "5. ... and said, with the file's name" "$ERR" "missed: $F: truncated, copied and truncated again"

# numbered copies (logrotate's copytruncate with rotate N: s.log.1 ->
# s.log.2, cp s.log s.log.1, truncate), twice between two looks: the copy of
# what was read is s.log.2 now (read on from the agent's offset), s.log.1
# holds lines never seen (read from its head)
read_then_stop n5
$WRITER "$F" n5 101 150
cp "$F" "$F.1" && : >"$F"
$WRITER "$F" n5 151 250
mv "$F.1" "$F.2" && cp "$F" "$F.1" && : >"$F"
$WRITER "$F" n5 251 300
resume n5 300 "numbered copies"
expect_exact "5. numbered copytruncate twice between two looks: 300 lines once each" "$DB" n5 300 "$ERR" "$L"
check_eq "5. ... nothing counted as missed" "$(counter "$DB" files_missed)" 0

section end
finish
