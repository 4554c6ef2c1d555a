
ByJ=6u)