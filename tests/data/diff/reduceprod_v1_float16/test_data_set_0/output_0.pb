
ByJ(Y