
ByJÃ/