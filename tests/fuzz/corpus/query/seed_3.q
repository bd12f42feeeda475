fields @message | filter @message not like /Exception/
