
ByJ´CŠGÖ5