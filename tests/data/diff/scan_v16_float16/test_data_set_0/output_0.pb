
Bs_finalJ<FªH$H