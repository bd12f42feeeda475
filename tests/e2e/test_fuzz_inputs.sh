#!/bin/sh
# tests/e2e/test_fuzz_inputs.sh — every fuzz target, built with a plain main
# (tests/fuzz/driver.c, no clang needed; sanitizers when make test has
# SANITIZE=), runs over its seed corpus tests/fuzz/corpus/X/ and its
# regression inputs tests/fuzz/regressions/X/ (the crashes fuzzing found,
# kept once fixed): each must pass every input without aborting.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 2
ntargets=0
for src in tests/fuzz/fuzz_*.c; do
    n=$(basename "$src" .c)
    x=${n#fuzz_}
    ntargets=$((ntargets + 1))
    bin=$BUILD/fuzz/$n
    [ -x "$bin" ] || { fail "missing $bin (run make)"; continue; }
    [ -d "tests/fuzz/corpus/$x" ] || { fail "$n: no tests/fuzz/corpus/$x"; continue; }
    dirs=tests/fuzz/corpus/$x
    [ -d "tests/fuzz/regressions/$x" ] && dirs="$dirs tests/fuzz/regressions/$x"
    want=$(find $dirs -type f ! -name '.*' | wc -l | tr -d ' ')
    # shellcheck disable=SC2086
    check_eq "$n passes its $want seed and regression inputs" "$("$bin" $dirs 2>"$T/$n.err" || cat "$T/$n.err")" \
        "$want inputs"
done
check "five fuzz targets at least" test "$ntargets" -ge 5
finish
