
Bv_finalJÔEıA