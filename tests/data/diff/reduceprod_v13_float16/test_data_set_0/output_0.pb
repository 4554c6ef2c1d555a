
ByJj