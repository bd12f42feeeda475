# parse groups named @name, periods in + and -, times against ISO text
parse @message /Billed Duration: (?<@billed>\d+) ms\s+(?<_x>.)/ | filter @timestamp - 30d >= "2026-11-01" and @billed > 1 | stats count(*) by datefloor(@timestamp + 9h, 1h) + 1 as t
