
BxJê8