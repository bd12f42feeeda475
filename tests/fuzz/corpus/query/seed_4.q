fields @timestamp, server, severity, message
| sort @timestamp asc
| dedup server
