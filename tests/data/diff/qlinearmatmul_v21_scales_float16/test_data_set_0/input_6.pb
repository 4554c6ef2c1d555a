
By_scaleJA