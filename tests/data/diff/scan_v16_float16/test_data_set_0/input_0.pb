
BsJh2K5k<