
Bs_finalJ0F³GoG