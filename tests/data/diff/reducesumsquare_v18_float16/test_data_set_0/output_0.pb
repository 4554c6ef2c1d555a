
ByJqO