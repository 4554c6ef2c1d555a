
Bs_finalJtHHäF