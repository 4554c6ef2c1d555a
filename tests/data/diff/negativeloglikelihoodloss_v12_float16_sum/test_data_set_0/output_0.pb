
ByJE