# case: a Telemetry API batch nested 100,000 levels ("[" x 100000 ... "]" x
#       100000), and one whose record is nested 100,000 levels
# expect: no stack overflow; each refused with 400 "the body is not JSON"
#       (cJSON stops at 1000 levels), counted as rejected; the receiver serves on
node -e 'const n = 100000; process.stdout.write("[".repeat(n) + "]".repeat(n))' >"$T/deep1.json"
node -e 'const n = 100000; process.stdout.write("[{\"type\":\"function\",\"record\":" + "{\"a\":".repeat(n) + "1" + "}".repeat(n) + "}]")' \
    >"$T/deep2.json"
check_eq "deep batch: 400" "$(hclient post "$TEL_PORT" "$T/deep1.json")" "400 the body is not JSON"
check_eq "deep record: 400" "$(hclient post "$TEL_PORT" "$T/deep2.json")" "400 the body is not JSON"
