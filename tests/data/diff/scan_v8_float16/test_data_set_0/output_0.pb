
Bs_finalJŠIöF6FHòDëG