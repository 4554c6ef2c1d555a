ByJ
ÁFA