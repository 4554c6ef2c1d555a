
BtJN1