
BtJP8