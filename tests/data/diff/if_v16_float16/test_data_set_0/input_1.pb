
BaJB?