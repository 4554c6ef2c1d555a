
ByJÅ>ó³BA