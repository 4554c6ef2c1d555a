
ByJÒA