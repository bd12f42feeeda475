fields @timestamp, server, severity, message
| sort @timestamp desc
| dedup server, severity
