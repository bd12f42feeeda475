#!/bin/sh
# tests/e2e/test_layout.sh — the source layout keeps its rules
# (scripts/layout_check.sh, docs/hacking.md): folders of at most 20 .c
# files, includes from the top, readers and pure cores that include nothing
# of the agent, and no call cycle between the files of a folder. The cycle
# finder is first shown to find a cycle in objects built for the purpose.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 2
CHECK=scripts/layout_check.sh

# three files: a and b call each other, c calls a; d calls nothing
mkdir -p "$T/mod"
printf 'int b_fn(int);\nint a_fn(int x) { return x ? b_fn(x - 1) : 0; }\n' >"$T/a.c"
printf 'int a_fn(int);\nint b_fn(int x) { return x ? a_fn(x - 1) : 1; }\n' >"$T/b.c"
printf 'int a_fn(int);\nint c_fn(int x) { return a_fn(x); }\n' >"$T/c.c"
printf 'int d_fn(int x) { return x; }\n' >"$T/d.c"
for f in a b c d; do cc -c -o "$T/mod/$f.o" "$T/$f.c" || fail "cc $f.c"; done
check_fail "a cycle between two files is found" sh "$CHECK" --cycles "$T/mod"
sh "$CHECK" --cycles "$T/mod" >"$T/cyc.out" 2>&1
check_eq "... naming the two files and no other" \
    "$(tr ' ' '\n' <"$T/cyc.out" | grep -xE '[a-d]' | sort | tr '\n' ' ')" "a b "
rm "$T/mod/b.o"
check "calls that go one way are not a cycle" sh "$CHECK" --cycles "$T/mod"

sh "$CHECK" "$BUILD" >"$T/layout.out" 2>&1
check_eq "the tree follows the layout rules" "$(cat "$T/layout.out")" ""
finish
