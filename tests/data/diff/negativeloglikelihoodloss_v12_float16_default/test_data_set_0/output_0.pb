
ByJÇ>