
BxJA