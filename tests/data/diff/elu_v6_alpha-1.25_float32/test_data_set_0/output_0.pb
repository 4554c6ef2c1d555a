ByJ
da?