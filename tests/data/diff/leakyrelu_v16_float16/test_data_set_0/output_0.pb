
ByJR©