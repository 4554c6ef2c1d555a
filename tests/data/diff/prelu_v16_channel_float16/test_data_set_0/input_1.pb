
BslopeJ¼/~4É1