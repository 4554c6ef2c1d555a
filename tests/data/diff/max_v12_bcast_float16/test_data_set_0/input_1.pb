
Bx1J;BZÀÝ@aC