
ByJÈA