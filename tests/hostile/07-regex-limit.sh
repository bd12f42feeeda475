# case: a query whose regex backtracks catastrophically, /(a+)+$/, over 200
#       lines of 40 "a" and a "!"
# expect: a clear error ("regex match limit exceeded"), exit 1, in under 10 s
node -e 'for (let i = 0; i < 200; i++) console.log("a".repeat(40) + "!")' >"$T/re.log"
check "regex: exit 0" ingest "$T/re.log" "$T/re.db"
start=$(date +%s)
check_fail "regex: the query fails" "$OBSQ" --db "$T/re.db" 'filter @message like /(a+)+$/ | stats count(*)'
check_grep "regex: it says the match limit was hit" "$T/.check.out" "regex match limit exceeded"
check "regex: in under 10 s" test $(($(date +%s) - start)) -lt 10
