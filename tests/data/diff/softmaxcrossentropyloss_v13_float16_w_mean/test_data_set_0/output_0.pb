
ByJ¿C