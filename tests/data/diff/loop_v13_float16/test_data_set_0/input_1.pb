
BvJD4Ä