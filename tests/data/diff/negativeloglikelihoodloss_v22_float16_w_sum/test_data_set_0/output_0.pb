
ByJVE