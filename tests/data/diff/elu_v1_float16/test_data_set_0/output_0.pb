
ByJt¹]As>