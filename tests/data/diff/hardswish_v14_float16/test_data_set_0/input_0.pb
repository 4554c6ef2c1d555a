
BxJ½