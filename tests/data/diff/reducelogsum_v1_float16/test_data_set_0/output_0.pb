
ByJ÷A