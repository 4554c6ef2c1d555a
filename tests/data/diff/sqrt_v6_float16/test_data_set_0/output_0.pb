
ByJó8