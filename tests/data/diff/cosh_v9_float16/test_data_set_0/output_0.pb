
ByJÜJ