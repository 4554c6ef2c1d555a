
ByJ¦F