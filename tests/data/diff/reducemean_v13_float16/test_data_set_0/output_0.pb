
ByJa: