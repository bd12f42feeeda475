# case: requests to the Telemetry receiver with a 100 KB and a 1 MB header
# expect: 431 (Request Header Fields Too Large) from libmicrohttpd, whose
#       per-connection memory is capped at 64 KiB; nothing stored
check_eq "100 KB header: 431" "$(hclient header "$TEL_PORT" 100000)" 431
check_eq "1 MB header: 431" "$(hclient header "$TEL_PORT" 1000000)" 431
