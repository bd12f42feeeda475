# case: invalid UTF-8 — overlong encodings of "/" (C0 AF, E0 80 AF, F0 80 80
#       AF), an encoded surrogate (ED A0 80), a 5-byte form (F8 88 80 80 80),
#       a stray continuation byte (80), a truncated sequence at the end (E2 82)
#       — and a line with NUL bytes
# expect: each stored byte-exact and flagged invalid UTF-8 (flags & 2); the
#       NUL line flagged (flags & 4) with the original bytes in raw
printf 'a\300\257b\nc\340\200\257d\ne\360\200\200\257f\ng\355\240\200h\ni\370\210\200\200\200j\nk\200l\nm\342\202\nn\000o\000p\n' \
    >"$T/utf8.log"
check "invalid UTF-8: exit 0" ingest "$T/utf8.log" "$T/utf8.db"
check_eq "invalid UTF-8: 7 lines stored byte-exact and flagged" \
    "$(sql "$T/utf8.db" "SELECT group_concat(hex(CAST(message AS BLOB)), ' ') FROM (SELECT message FROM events WHERE flags & 2 ORDER BY id)")" \
    "61C0AF62 63E080AF64 65F08080AF66 67EDA08068 69F8888080806A 6B806C 6DE282"
check_eq "NUL bytes: flagged, raw keeps them" \
    "$(sql "$T/utf8.db" "SELECT (flags & 4) || ' ' || hex(raw) FROM events WHERE flags & 4")" "4 6E006F0070"
