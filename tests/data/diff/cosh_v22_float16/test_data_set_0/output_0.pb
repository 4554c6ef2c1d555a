
ByJ0EL<I