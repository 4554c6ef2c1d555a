
Bv_finalJGм