
ByJ³J