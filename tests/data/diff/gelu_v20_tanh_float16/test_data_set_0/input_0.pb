
BxJ–½U>f½