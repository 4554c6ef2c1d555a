
ByJDJ