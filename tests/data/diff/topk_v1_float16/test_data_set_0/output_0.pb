
BvaluesJq¦“®sºåBrA`A8Ÿ´Ï¸