
ByJZB