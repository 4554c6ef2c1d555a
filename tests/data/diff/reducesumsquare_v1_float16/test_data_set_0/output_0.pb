
ByJN