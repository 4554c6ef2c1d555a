
ByJhE