
BysJ2FI7E HIHI'JÇKJItLŽLäJ