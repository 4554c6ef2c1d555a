
BscansJD4ÄEhÂGĞ¼