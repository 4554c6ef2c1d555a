
ByJ·I