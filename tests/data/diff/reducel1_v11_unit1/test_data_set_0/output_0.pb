ByJRlA2
AédA