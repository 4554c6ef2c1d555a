
ByJýA