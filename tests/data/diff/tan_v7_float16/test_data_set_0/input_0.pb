
BxJ¯