
ByJp<