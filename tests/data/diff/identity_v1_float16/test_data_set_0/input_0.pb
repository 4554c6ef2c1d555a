
BxJr: