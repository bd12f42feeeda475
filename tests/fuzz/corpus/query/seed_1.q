# General
fields @timestamp, @message | sort @timestamp desc | limit 25
