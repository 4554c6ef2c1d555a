
ByJýF