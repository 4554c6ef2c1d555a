
Bqk_matmul_outputJ<6ÃeB{D&FœF	½n¹“ÀC´’Âå>G¼ð¸5À‹¹kµ¿è5µ¸Õ¹&C‘Àª8L@&@ 5+Á5Äš9.H