filter protocol=17 | stats count(*) by srcAddr
