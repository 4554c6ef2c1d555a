
BtJ~Á