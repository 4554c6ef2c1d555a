
ByJ:AºC;E