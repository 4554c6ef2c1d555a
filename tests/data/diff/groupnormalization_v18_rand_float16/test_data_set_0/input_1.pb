
BscaleJB