
ByJBG