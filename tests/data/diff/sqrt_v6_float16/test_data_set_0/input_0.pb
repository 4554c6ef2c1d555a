
BxJ6