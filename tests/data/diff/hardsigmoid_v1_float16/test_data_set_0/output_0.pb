
ByJF;A6`7