filter logStatus="SKIPDATA"
    | stats count(*) by bin(1h) as t
    | sort t
