# case: a JSON application log line with 5,000 keys
# expect: stored as one JSON event; its last key is a field obsq can query
node -e 'const o = { level: "INFO", message: "wide" };
    for (let i = 0; i < 5000; i++) o["k" + i] = i;
    console.log(JSON.stringify(o))' >"$T/keys.log"
check "5000 keys: exit 0" ingest "$T/keys.log" "$T/keys.db"
check_eq "5000 keys: the last key is a field" \
    "$("$OBSQ" --db "$T/keys.db" -o csv 'filter k4999 = 4999 | fields k0, k4999' 2>&1)" '"k0","k4999"
0,4999'
