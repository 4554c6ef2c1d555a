
ByJÄA