
ByJ&C