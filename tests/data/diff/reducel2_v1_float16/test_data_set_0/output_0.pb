
ByJŒH