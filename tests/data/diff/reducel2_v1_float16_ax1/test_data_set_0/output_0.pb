
ByJ®D
D^B