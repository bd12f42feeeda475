#!/bin/sh
# tests/e2e/test_real_logs.sh — the real-world conformance suite: every
# stream of tests/realworld/logs (real logs written by Lambda, `sam logs`,
# the console, exports and client libraries, collected by people who did
# not write obs) is imported with `obsagent --once` and what the store
# holds is compared field by field with expected.json (what CloudWatch and
# AWS's documentation say the lines mean): tests/realworld/conform.js.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null 2>&1 || { fail "node is needed (tests/realworld/conform.js)"; finish; }
node "$HERE/../realworld/conform.js" "$OBSAGENT" "$HERE/../realworld/logs" "$T" >"$T/conform.out" 2>&1
rc=$?
grep '^FAIL' "$T/conform.out" | sed 's/^FAIL /FAIL test_real_logs: /'
last=$(tail -n 1 "$T/conform.out")
case $last in
*" passed, "*" failed")
    E2E_PASSED=$((E2E_PASSED + ${last%% passed*}))
    f=${last#*passed, }
    E2E_FAILED=$((E2E_FAILED + ${f%% failed*}))
    ;;
*) fail "conform.js ended without a result (exit $rc)" "$T/conform.out" ;;
esac
finish
