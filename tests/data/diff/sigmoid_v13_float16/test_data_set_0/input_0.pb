
BxJì¿