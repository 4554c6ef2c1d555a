
ByJ'HDHNÊ?KüEhÆ4|¾