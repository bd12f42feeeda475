#!/bin/sh
# scripts/layout_check.sh — the rules of the source layout (docs/hacking.md),
# checked over the tree and the objects of a build:
#   - no folder holds more than 20 .c files directly;
#   - every quoted #include is written from the top ("store/store.h"), never "../";
#   - query/ and tui/ include nothing from agent/; the pure cores (common/,
#     emf/, lambda/) nothing from agent/, store/, query/ or tui/;
#   - no file-level call cycle between the files of one folder: for each
#     folder's objects, nm gives each file's defined and undefined symbols;
#     a file that uses a symbol another defines calls it; a group of files
#     that reach each other through such calls is a cycle.
# Prints one line per broken rule and exits 1 if any; 0 and nothing else.
#   scripts/layout_check.sh [BUILD]       (default build/; run after make)
#   scripts/layout_check.sh --cycles DIR  cycles among DIR/*.o only
set -u
cd "$(dirname "$0")/.." || exit 2

# cycles LABEL OBJECT... — the call cycles among these objects
cycles() {
    label=$1
    shift
    for o in "$@"; do
        nm -P "$o" | awk -v f="$(basename "$o" .o)" '{ print f, $1, $2 }'
    done | awk -v label="$label" '
        $3 ~ /^[TDBRCVW]$/ { def[$2] = $1; seen[$1] = 1; next }
        $3 == "U"          { use[$1 SUBSEP $2] = 1; seen[$1] = 1 }
        END {
            n = 0
            for (f in seen) { id[f] = n; name[n++] = f }
            for (k in use) {
                split(k, p, SUBSEP)
                if ((p[2] in def) && def[p[2]] != p[1])
                    r[id[p[1]], id[def[p[2]]]] = 1
            }
            for (k = 0; k < n; k++) for (i = 0; i < n; i++) if (r[i, k])
                for (j = 0; j < n; j++) if (r[k, j]) r[i, j] = 1
            for (i = 0; i < n; i++) {
                if (done[i]) continue
                s = name[i]; m = 1
                for (j = 0; j < n; j++) if (j != i && r[i, j] && r[j, i]) { s = s " " name[j]; done[j] = 1; m++ }
                if (m > 1) print label ": call cycle between " s
            }
        }'
}

if [ "${1:-}" = "--cycles" ]; then
    out=$(cycles "$2" "$2"/*.o)
    [ -z "$out" ] || { echo "$out"; exit 1; }
    exit 0
fi

BUILD=${1:-build}
bad=$(
    for d in $(git ls-files '*.c' | xargs -n1 dirname | sort -u); do
        n=$(git ls-files "$d/*.c" | awk -F/ -v d="$d" 'NF == split(d, x, "/") + 1' | wc -l)
        [ "$n" -le 20 ] || echo "$d: $n .c files directly (at most 20: give its parts folders)"
    done
    git ls-files '*.c' '*.h' | xargs grep -n '#include "\.\./' /dev/null | sed 's/$/  (write includes from the top)/'
    git ls-files 'query/*.[ch]' 'tui/*.[ch]' | xargs grep -n '#include "agent/' /dev/null |
        sed 's/$/  (readers know nothing of the agent)/'
    git ls-files 'common/*.[ch]' 'emf/*.[ch]' 'lambda/*.[ch]' |
        xargs grep -nE '#include "(agent|store|query|tui)/' /dev/null | sed 's/$/  (a pure core)/'
    for d in $(git ls-files '*.c' | grep -v '^tests/\|^bench/' | xargs -n1 dirname | sort -u); do
        set -- "$BUILD/$d"/*.o
        [ -e "$1" ] || { echo "$d: no objects in $BUILD/$d (run make first)"; continue; }
        # only the objects of sources that exist now (a moved file leaves its .o)
        objs=
        for o in "$@"; do
            [ -f "$d/$(basename "$o" .o).c" ] && objs="$objs $o"
        done
        # shellcheck disable=SC2086
        cycles "$d" $objs
    done
)
[ -z "$bad" ] && exit 0
echo "$bad"
exit 1
