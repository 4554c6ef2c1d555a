
ByJÊQ2>	FëRBLÔ>oT)IPD ?jF¾V