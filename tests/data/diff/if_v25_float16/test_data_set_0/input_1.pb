
BaJY@E¿