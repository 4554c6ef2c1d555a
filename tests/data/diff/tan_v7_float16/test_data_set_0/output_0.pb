
ByJ¯