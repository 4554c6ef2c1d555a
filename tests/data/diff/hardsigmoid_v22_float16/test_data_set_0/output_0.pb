
ByJF/