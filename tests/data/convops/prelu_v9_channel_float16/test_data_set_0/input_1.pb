
BslopeJ=5�5�