
BscaleJал:Ж╥uа