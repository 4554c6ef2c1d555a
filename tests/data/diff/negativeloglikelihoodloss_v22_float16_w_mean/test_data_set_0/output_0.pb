
ByJÒ@