
ByJÄH