
ByJ©@