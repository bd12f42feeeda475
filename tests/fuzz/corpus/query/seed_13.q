filter (a = 1 or not b like /x\/y/) and c in [1, "a", -2, true] | fields d.`e.f`[0] ^ -2 % 3 as g
