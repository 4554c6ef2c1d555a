
BtJù0