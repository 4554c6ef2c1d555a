
BtJJB