#!/bin/sh
# tests/e2e/test_follow_glob.sh — follow mode with a quoted glob PATH: it is
# expanded at every scan, so a file that starts to match later is followed;
# rotated copies and archives among the matches are skipped; a restart
# resumes the matched files from their checkpoints, and a copy of a file
# already read (cp x.log x.log.1) is recognised by its first bytes and not
# read twice.
. "$(dirname "$0")/lib.sh"
need obsagent

L=$T/logs
DB=$T/g.db
mkdir -p "$L/fa" "$L/fb"
printf 'glob-one\n' > "$L/fa/x.log"

run_agent() {
    "$OBSAGENT" --db "$DB" --poll-ms 100 "$L/*/*.log" 2>>"$T/agent.err" &
    AGENT=$!
}
stop() {
    kill -TERM "$AGENT" 2>/dev/null
    wait "$AGENT"
}
count() {
    sql "$DB" "SELECT count(*) FROM events WHERE message LIKE 'glob-%'"
}
wait_for() {  # N: until count() = N, at most 5 s
    i=0
    while [ "$(count 2>/dev/null)" != "$1" ] && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

run_agent
wait_for 1
printf 'glob-two\n' > "$L/fb/y.log"        # starts to match after the start
cp "$L/fa/x.log" "$L/fa/x.log.1"          # a rotated copy of what was read: skipped
printf 'glob-arch\n' | gzip > "$L/fa/x.log.gz"
printf 'glob-txt\n' > "$L/fa/notes.txt"    # does not match *.log
wait_for 2
sleep 0.5
stop
check_eq "glob: the file present at start and the one that appeared later" "$(count)" 2
check_eq "glob: functions from the directories" \
    "$(sql "$DB" "SELECT group_concat(function, ',') FROM (SELECT DISTINCT function FROM streams ORDER BY 1)")" "fa,fb"
check_eq "glob: rotated copy, archive and non-matching file skipped" \
    "$(sql "$DB" "SELECT count(*) FROM events WHERE message IN ('glob-arch', 'glob-txt')") $(count)" "0 2"

printf 'glob-three\n' >> "$L/fa/x.log"
run_agent
wait_for 3
stop
check_eq "glob: a restart resumes from the checkpoints and does not read the copy again (3 lines, each once)" \
    "$(sql "$DB" "SELECT count(*) || '/' || count(DISTINCT message) FROM events WHERE message LIKE 'glob-%'")" "3/3"

finish
