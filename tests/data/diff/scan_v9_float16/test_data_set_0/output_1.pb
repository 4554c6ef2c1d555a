
BysJıEÍH2FHG¢IGH:KÏI0J≥KoK