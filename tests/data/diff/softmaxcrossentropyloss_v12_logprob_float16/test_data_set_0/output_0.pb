
ByJÿE