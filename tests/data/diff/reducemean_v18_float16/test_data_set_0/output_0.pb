
ByJO=