
BbJ=6u)