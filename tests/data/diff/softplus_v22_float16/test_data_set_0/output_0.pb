
ByJ­)