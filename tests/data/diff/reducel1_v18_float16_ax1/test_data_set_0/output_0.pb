
ByJ´EÀIÓC