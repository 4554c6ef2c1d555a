
BtJ/Ä