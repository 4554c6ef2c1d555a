
ByJŽEû´Aˆ7·PA