
ByJ™G