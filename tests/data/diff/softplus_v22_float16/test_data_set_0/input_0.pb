
BxJ0Â