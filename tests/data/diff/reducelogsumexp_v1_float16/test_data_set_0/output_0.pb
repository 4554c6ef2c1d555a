
ByJÓB