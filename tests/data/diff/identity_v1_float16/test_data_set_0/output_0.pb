
ByJr: