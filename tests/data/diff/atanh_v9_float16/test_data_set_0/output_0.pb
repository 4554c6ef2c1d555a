
ByJr¾