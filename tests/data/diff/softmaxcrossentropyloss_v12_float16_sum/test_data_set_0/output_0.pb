
ByJ\I