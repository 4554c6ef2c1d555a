
BscaleJ¾;µ¸«à¦p@%=