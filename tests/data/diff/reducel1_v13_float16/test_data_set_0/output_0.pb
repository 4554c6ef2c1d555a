
ByJ­L