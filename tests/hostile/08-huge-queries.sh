# case: queries as large as one argument may be (Linux caps a single argv
#       string at 128 KiB, so a 1 MB query cannot reach obsq: the kernel
#       refuses the exec with E2BIG): 60,000 nested parentheses, 7,000 "or"s,
#       a 120 KB string literal, 12,000 fields
# expect: a clear error with a caret for each of the first two, an answer
#       for the literal, SQLite's clear error for the fields; never a crash
node -e 'process.stdout.write("filter " + "(".repeat(60000) + "1" + ")".repeat(60000))' >"$T/q1"
node -e 'process.stdout.write("filter @message = 1" + " or @message = 1".repeat(7000))' >"$T/q2"
node -e 'process.stdout.write("filter @message like \"" + "x".repeat(120000) + "\"")' >"$T/q3"
node -e 'process.stdout.write("fields " + Array.from({ length: 12000 }, (_, i) => "f" + i).join(","))' >"$T/q4"
check_fail "60000 parentheses: refused" "$OBSQ" --db "$T/re.db" "$(cat "$T/q1")"
check_grep "60000 parentheses: nested too deeply" "$T/.check.out" "nested too deeply \(more than 200 levels\)"
check_fail "7000 ors: refused" "$OBSQ" --db "$T/re.db" "$(cat "$T/q2")"
check_grep "7000 ors: too long" "$T/.check.out" "expression too long"
check_eq "120 KB literal: answered, no match" "$("$OBSQ" --db "$T/re.db" "$(cat "$T/q3")" 2>&1 | tail -n 1)" "(no results)"
check_fail "12000 fields: refused" "$OBSQ" --db "$T/re.db" "$(cat "$T/q4")"
check_grep "12000 fields: SQLite's reason" "$T/.check.out" "too many columns"
# and through --query-file, which has no argv limit: a 1 MB query (a string
# literal of 1,000,000 bytes) is answered; 1.1 MB is refused by the parser's
# 1 MiB limit, with a clear error
node -e 'process.stdout.write("filter @message like \"" + "x".repeat(1000000) + "\"")' >"$T/q5"
node -e 'process.stdout.write("filter @message like \"" + "x".repeat(1100000) + "\"")' >"$T/q6"
check_eq "1 MB query from --query-file: answered, no match" \
    "$("$OBSQ" --db "$T/re.db" --query-file "$T/q5" 2>&1 | tail -n 1)" "(no results)"
check_fail "1.1 MB query from --query-file: refused" "$OBSQ" --db "$T/re.db" --query-file "$T/q6"
check_grep "1.1 MB query: the limit named" "$T/.check.out" "query is too long \(1100023 bytes; the limit is 1048576\)"
