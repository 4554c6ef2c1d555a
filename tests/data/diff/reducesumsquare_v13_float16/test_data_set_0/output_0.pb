
ByJ¼Q