
BbiasJPDüF