
ByJ»CTBÅó>2¹œ±»CTBÅ