
ByJD