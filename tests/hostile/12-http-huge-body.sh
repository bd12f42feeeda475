# case: a 64 MB body POSTed to the Telemetry receiver (limit 4 MiB)
# expect: 413, counted as too large; the receiver reads and discards the
#       rest, so the agent's RSS stays under 100 MB
check_eq "64 MB body: 413" "$(hclient body "$TEL_PORT" 67108864)" 413
rss=$(rss_kb "$AGENT_PID")
check "64 MB body: agent RSS ${rss:-?} KB < 102400 KB" test "${rss:-999999}" -lt 102400
