
BtJ®¿