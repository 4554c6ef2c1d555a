
ByJ`M]I¼C