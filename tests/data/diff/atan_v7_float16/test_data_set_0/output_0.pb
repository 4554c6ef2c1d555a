
ByJ»