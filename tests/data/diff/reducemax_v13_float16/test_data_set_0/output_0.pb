
ByJ‡D