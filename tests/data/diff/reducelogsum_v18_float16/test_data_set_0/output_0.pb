
ByJQB