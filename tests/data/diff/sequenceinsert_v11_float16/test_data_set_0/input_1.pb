
BtJH3