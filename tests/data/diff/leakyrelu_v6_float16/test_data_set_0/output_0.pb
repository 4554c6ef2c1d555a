
ByJê8