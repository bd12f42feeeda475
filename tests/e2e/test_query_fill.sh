#!/bin/sh
# tests/e2e/test_query_fill.sh — how far `stats ... by bin()` is zero-filled
# (docs/query-language.md §3.4), on stores of REPORT lines at times this
# test chooses (aws logs tail's prefix gives each its time), the expected
# rows computed here with node from those times, never from a store:
#   - sparse data over years (the console's sample `stats avg(@duration),
#     max(@duration), min(@duration) by bin(5m)` over 12 REPORTs in 8 years):
#     the 12 bins with data, as CloudWatch answers, exit 0, and a note with
#     the rows the fill would write (before: 904,522 rows; past --max-bins,
#     a refusal with exit 1); --max-bins N fills them;
#   - sparse data in a day at bin(1m): over 1,000 rows and over 100 per bin
#     with data, so not filled, with a note; an explicit --max-bins fills;
#   - denser data (a week at bin(1m) with data in every tenth minute, under
#     100 rows per bin with data; a day at bin(1h)): filled as before;
#   - a range (--start/--end) of more bins than --max-bins answers its bins
#     with data instead of refusing; --no-fill never says a thing.
. "$(dirname "$0")/lib.sh"
need obsagent obsq
command -v node >/dev/null 2>&1 || { fail "node is needed"; finish; }

# store NAME MS...: a store of one REPORT at each time (epoch ms), through
# aws logs tail's prefix; the times also in $T/NAME.times
store()
{
    _n=$1
    shift
    mkdir -p "$T/$_n/fn"
    printf '%s\n' "$@" >"$T/$_n.times"
    node -e 'const fs = require("fs"); let i = 0, out = "";
             for (const t of fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)) {
                 const ts = new Date(Number(t)).toISOString(), d = (i % 7) * 10 + 1.5, id = "0000-" + i++;
                 out += `${ts} REPORT RequestId: ${id}\tDuration: ${d} ms\tBilled Duration: ${Math.ceil(d)} ms\t` +
                        "Memory Size: 128 MB\tMax Memory Used: 60 MB\t\n";
             }
             fs.writeFileSync(process.argv[2], out)' "$T/$_n.times" "$T/$_n/fn/s.log"
    "$OBSAGENT" --once -q --no-progress --db "$T/$_n.db" "$T/$_n" >/dev/null 2>&1 ||
        fail "import of $_n"
}

# expect NAME WIDTH_MS [FROM TO]: "bins-with-data filled-rows" of the times,
# the fill from the first bin (or FROM) to the last (or up to TO)
expect()
{
    node -e 'const [f, w, from, to] = process.argv.slice(1), W = Number(w);
             const b = [...new Set(require("fs").readFileSync(f, "utf8").split("\n").filter(Boolean)
                 .map(t => Math.floor(Number(t) / W) * W))].sort((x, y) => x - y);
             const a = from ? Math.floor(Date.parse(from) / W) * W : b[0];
             const z = to ? Date.parse(to) - 1 : b[b.length - 1];
             console.log(b.length + " " + (Math.floor((z - a) / W) + 1))' "$T/$1.times" "$2" "${3:-}" "${4:-}"
}

# rows NAME [OPTIONS...] QUERY: the rows obsq prints (csv, without the
# header) in $T/out, its stderr in $T/err, its exit status in $T/rc, the
# row count on stdout
rows()
{
    _n=$1
    shift
    "$OBSQ" -d "$T/$_n.db" -o csv "$@" >"$T/out" 2>"$T/err"
    echo $? >"$T/rc"
    echo $(($(wc -l <"$T/out") - 1))
}

SAMPLE='filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)'

# 12 REPORTs over 8 years, two of them in one 5-minute bin
store years 1525325400000 1585280400000 1685705100000 1697819100000 1702617900000 1702618000000 \
    1719369000000 1723978800000 1725975000000 1726239900000 1739172900000 1777051500000 1780000000000
set -- $(expect years 300000)
DATA=$1 FILL=$2
check_eq "expected: 12 bins with data, over 100,000 to fill" "$DATA $(test "$FILL" -gt 100000 && echo over)" "12 over"
check_eq "the console's bin(5m) sample over 8 years: the $DATA bins with data" "$(rows years "$SAMPLE")" "$DATA"
check_eq "... exit 0 (before: refused past --max-bins)" "$(cat "$T/rc")" 0
check_grep "... a note: not zero-filled, with the rows the fill would write" "$T/err" \
    "only the $DATA bins with data are written, as CloudWatch does; filling the empty 5m bins .* would write $FILL rows, more than --max-bins 100000 [(]--max-bins $FILL fills them"
check_eq "... the bins are those of the REPORTs, in order" "$(cut -d, -f1 "$T/out" | tail -n +2 | tr -d '"' | tr '\n' ' ')" \
    "$(node -e 'const b = [...new Set(require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)
        .map(t => Math.floor(Number(t) / 300000) * 300000))].sort((x, y) => x - y);
        process.stdout.write(b.map(t => new Date(t).toISOString().replace("T", " ").replace("Z", "") + " ").join(""))' "$T/years.times")"
check_eq "--max-bins $FILL: every bin filled" "$(rows years --max-bins "$FILL" "$SAMPLE")" "$FILL"
check_eq "... with no note" "$(wc -c <"$T/err" | tr -d ' ')" 0
check_eq "--max-bins $((FILL - 1)): not filled" "$(rows years --max-bins $((FILL - 1)) "$SAMPLE")" "$DATA"
check_eq "--no-fill: the bins with data, no note" "$(rows years --no-fill "$SAMPLE") $(wc -c <"$T/err" | tr -d ' ')" "$DATA 0"
# a range of more bins than --max-bins (before: exit 1, nothing printed)
check_eq "--start/--end over 8 years at bin(5m): the bins with data" \
    "$(rows years --start 2018-01-01T00:00:00Z --end 2026-06-01T00:00:00Z 'filter @type = "REPORT" | stats count(*) by bin(5m)')" \
    "$(expect years 300000 2018-01-01T00:00:00Z 2026-06-01T00:00:00Z | cut -d' ' -f1)"
check_eq "... exit 0" "$(cat "$T/rc")" 0
check_grep "... the note counts the range's bins" "$T/err" \
    "would write $(expect years 300000 2018-01-01T00:00:00Z 2026-06-01T00:00:00Z | cut -d' ' -f2) rows, more than --max-bins"
check_eq "... at bin(1h), under --max-bins: the bins with data, too sparse to fill" \
    "$(rows years --start 2018-01-01T00:00:00Z --end 2026-06-01T00:00:00Z 'filter @type = "REPORT" | stats count(*) by bin(1h)')" \
    "$(expect years 3600000 2018-01-01T00:00:00Z 2026-06-01T00:00:00Z | cut -d' ' -f1)"
check_grep "... the note says why" "$T/err" \
    "would write $(expect years 3600000 2018-01-01T00:00:00Z 2026-06-01T00:00:00Z | cut -d' ' -f2) rows, over 100 for each bin with data"

# a day with 5 REPORTs at bin(1m): 1,4xx rows for 5, not filled
T0=1780000000000   # 2026-05-28T20:26:40Z
store day $T0 $((T0 + 3600000)) $((T0 + 7200000)) $((T0 + 40000000)) $((T0 + 86000000))
set -- $(expect day 60000)
check_eq "expected: 5 bins with data in over 1,000 minutes" "$1 $(test "$2" -gt 1000 && echo over)" "5 over"
check_eq "5 REPORTs in a day by bin(1m): the 5 bins" "$(rows day 'filter @type = "REPORT" | stats count(*) by bin(1m)')" 5
check_grep "... the note: over 100 rows for each with data" "$T/err" \
    "would write $2 rows, over 100 for each bin with data [(]--max-bins $2 fills them"
check_eq "--max-bins $2: filled, however sparse" "$(rows day --max-bins "$2" 'filter @type = "REPORT" | stats count(*) by bin(1m)')" "$2"
check_eq "... the empty minutes are 0" "$(grep -c ',0$' "$T/out")" $(($2 - 5))
check_eq "by bin(1h): 24 rows or fewer, filled" "$(rows day 'filter @type = "REPORT" | stats count(*) by bin(1h)')" \
    "$(expect day 3600000 | cut -d' ' -f2)"

# a week at bin(1m) with a REPORT every 10 minutes: 1,008 of 10,08x bins
# hold data (1 in 10, under 100 to 1): filled
set --
i=0
while [ $i -lt 1008 ]; do
    set -- "$@" $((T0 + i * 600000))
    i=$((i + 1))
done
store week "$@"
set -- $(expect week 60000)
check_eq "a week of REPORTs every 10 minutes by bin(1m): every minute, filled" \
    "$(rows week 'filter @type = "REPORT" | stats count(*) by bin(1m)')" "$2"
check_eq "... $2 rows, $1 with data, no note" "$(grep -vc ',0$' "$T/out") $(wc -c <"$T/err" | tr -d ' ')" "$(($1 + 1)) 0"
finish
