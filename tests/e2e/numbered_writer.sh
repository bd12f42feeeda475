#!/bin/sh
# tests/e2e/numbered_writer.sh — append uniquely numbered Lambda (Node.js
# format) app lines to a log file, for the follow-mode tests:
#
#   sh numbered_writer.sh FILE TAG FIRST LAST [CHUNK [PAUSE [ROTATE [MODE]]]]
#
# writes the lines "...\tINFO\tline-TAG-N" for N = FIRST..LAST, CHUNK lines
# per append (default: all at once), sleeping PAUSE seconds (default 0)
# between appends. With ROTATE > 0 the file is rotated after every line N
# that is a multiple of ROTATE. MODE rename (the default): FILE -> FILE.K
# (K = 1, 2, ... the first name not taken), and the next append creates a
# new FILE; the rotated names are kept (never overwritten), so every line
# written stays on disk. MODE copytruncate: cp FILE FILE.1; : > FILE, as
# logrotate's copytruncate does, the copy's name reused each time (so only
# the last copy stays on disk).
set -u
file=$1
tag=$2
first=$3
last=$4
chunk=${5:-0}
pause=${6:-0}
rotate=${7:-0}
mode=${8:-rename}
[ "$chunk" -gt 0 ] || chunk=$((last - first + 1))

rotate_file()
{
    if [ "$mode" = copytruncate ]; then
        cp "$file" "$file.1" && : >"$file"
        return
    fi
    k=1
    while [ -e "$file.$k" ]; do
        k=$((k + 1))
    done
    mv "$file" "$file.$k"
}

n=$first
while [ "$n" -le "$last" ]; do
    end=$((n + chunk - 1))
    [ "$end" -le "$last" ] || end=$last
    # never cross a rotation point inside one append
    if [ "$rotate" -gt 0 ]; then
        stop=$(((n + rotate - 1) / rotate * rotate))
        [ "$end" -le "$stop" ] || end=$stop
    fi
    awk -v tag="$tag" -v a="$n" -v b="$end" 'BEGIN {
        for (i = a; i <= b; i++)
            printf "2026-11-01T00:00:00.000Z\t5d3c0b8e-1f2a-4b7c-9d10-%012d\tINFO\tline-%s-%d\n", i, tag, i
    }' >>"$file" || exit 1
    if [ "$rotate" -gt 0 ] && [ $((end % rotate)) -eq 0 ] && [ "$end" -lt "$last" ]; then
        rotate_file
    fi
    n=$((end + 1))
    if [ "$n" -le "$last" ] && [ "$pause" != 0 ]; then
        sleep "$pause"
    fi
done
