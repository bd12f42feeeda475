#!/bin/sh
# tests/run.sh — runs every test suite, prints each one's result and seconds
# (a failed suite with its first 40 lines of detail) and ends with one line
# "N passed, N failed" (the sum of the suites' own closing lines).
#   sh tests/run.sh          unit tests, then end-to-end tests
#   sh tests/run.sh unit     unit tests only
# BUILD selects the build directory (build, or build-san for sanitizers).
BUILD=${BUILD:-build}
export BUILD
mode=${1:-all}
cd "$(dirname "$0")/.." || exit 2

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log" "$log.detail"' EXIT

run_suite() {  # name, command...
    name=$1
    shift
    t0=$(date +%s)
    "$@" >"$log" 2>&1
    status=$?
    secs=$(($(date +%s) - t0))
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$last" ]; then
        # A suite that died before reporting counts as one failure.
        echo "FAIL $name: exited $status without a result line (${secs} s)"
        tail -n 20 "$log" | sed 's/^/    /'
        failed=$((failed + 1))
        return
    fi
    p=${last%% passed*}
    f=${last#*passed, }
    f=${f%% failed*}
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ] || [ "$status" -ne 0 ]; then
        echo "FAIL $name: $last (exit $status, ${secs} s)"
        # the first failures explain the later ones: show those first
        grep -vE '^[0-9]+ passed, [0-9]+ failed' "$log" >"$log.detail"
        head -n 40 "$log.detail" | sed 's/^/    /'
        n=$(wc -l <"$log.detail")
        [ "$n" -le 40 ] || echo "    ... and $((n - 40)) more lines"
        rm -f "$log.detail"
        [ "$f" -ne 0 ] || failed=$((failed + 1))
    else
        echo "ok   $name: $last (${secs} s)"
    fi
}

# build/tests/<module>/test_<what>, as tests/unit/<module>/test_<what>.c
for t in $(find "$BUILD/tests" -path "$BUILD/tests/unit" -prune -o -type f -name 'test_*' -print | sort); do
    [ -x "$t" ] || continue
    run_suite "unit/${t#"$BUILD"/tests/}" "$t"
done

if [ "$mode" != unit ]; then
    for t in tests/e2e/test_*.sh; do
        [ -f "$t" ] || continue
        run_suite "e2e/$(basename "$t" .sh)" sh "$t"
    done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
