
ByJ±F