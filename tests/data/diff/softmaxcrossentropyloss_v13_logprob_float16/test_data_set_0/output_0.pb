
ByJÙC