
ByJݵ