
BtJt¡