parse @log /(?<fn>\w+):(?P<ln>\d+)/ | stats pct(@duration, 99.9) as p99.9, count_distinct(fn) group by bin(1hour), fn | sort by p99.9 desc | limit any 5
