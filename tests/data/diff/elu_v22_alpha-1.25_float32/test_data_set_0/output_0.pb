ByJ
N>