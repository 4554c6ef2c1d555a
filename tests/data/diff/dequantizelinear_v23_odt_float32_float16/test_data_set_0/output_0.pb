
ByJJæÃHOÚJj ÛOK%JGJN–Œ