
ByJ™@