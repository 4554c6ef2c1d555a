
BtJo¿