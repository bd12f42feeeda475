#!/bin/sh
# tests/run.sh — runs every test suite and ends with one line
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
trap 'rm -f "$log"' EXIT

run_suite() {  # name, command...
    name=$1
    shift
    "$@" >"$log" 2>&1
    status=$?
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$last" ]; then
        # A suite that died before reporting counts as one failure.
        echo "FAIL $name: exited $status without a result line"
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
        echo "FAIL $name: $last (exit $status)"
        grep -vE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 40 | sed 's/^/    /'
        [ "$f" -ne 0 ] || failed=$((failed + 1))
    else
        echo "ok   $name: $last"
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
