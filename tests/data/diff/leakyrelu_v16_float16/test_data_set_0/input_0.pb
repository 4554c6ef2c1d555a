
BxJ(Ä