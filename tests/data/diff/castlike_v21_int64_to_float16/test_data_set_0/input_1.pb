
BtJc>