
BxJA½